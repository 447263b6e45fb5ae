import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // `webhooks/index` is its own entry, `@lendwire/sdk/webhooks`: the zod event schemas stay out of
  // the core bundle.
  entry: { index: 'src/index.ts', 'webhooks/index': 'src/webhooks/index.ts' },
  format: ['esm'],
  // `@lendwire/webhooks` (verification, Web Crypto only) is bundled in, code and types: the published
  // SDK depends on no server package. Its one copy lives in `dist/index.js`.
  dts: { resolve: ['@lendwire/webhooks'] },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  // No shared chunks: `dist/index.js` must import nothing but ky (see test/runtimes).
  splitting: false,
  external: ['ky', '@lendwire/contract'],
  noExternal: ['@lendwire/webhooks'],
  esbuildPlugins: [
    {
      // The webhooks entry reaches the core through `../index.js`, left as an import of the built
      // `dist/index.js` rather than bundled again (which would make a second WebhookVerificationError).
      name: 'core-entry-external',
      setup(build) {
        build.onResolve({ filter: /^\.\.\/index\.js$/ }, (args) =>
          args.importer.replaceAll('\\', '/').endsWith('/src/webhooks/index.ts')
            ? { path: '../index.js', external: true }
            : undefined,
        );
      },
    },
  ],
  // Bundle `@lendwire/webhooks` from its source, so building the SDK needs no build of it first.
  esbuildOptions(options) {
    options.conditions = ['@lendwire/source', ...(options.conditions ?? [])];
  },
  define: { __LENDWIRE_SDK_VERSION__: JSON.stringify(version) },
});
