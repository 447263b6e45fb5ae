import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source (the `@lendwire/source` export condition), so
// `pnpm test` needs no build first.
const resolve = { conditions: ['@lendwire/source', 'module', 'import', 'default'] };
const ssr = { resolve: { conditions: ['@lendwire/source'], externalConditions: ['@lendwire/source'] } };

const databaseUrl = process.env.LENDWIRE_TEST_DATABASE_URL;
if (!databaseUrl) {
  console.log(
    '[lendwire] postgres project skipped: LENDWIRE_TEST_DATABASE_URL is not set, so the suite runs on embedded PGlite only',
  );
}

const storeSuites = ['packages/core/test/**/*.test.ts', 'packages/gateway/**/*.test.ts'];

export default defineConfig({
  resolve,
  ssr,
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          env: { LENDWIRE_TEST_STORE: 'pglite' },
        },
      },
      ...(databaseUrl
        ? [
            {
              extends: true,
              test: {
                name: 'postgres',
                include: storeSuites,
                exclude: ['**/node_modules/**', '**/*.unit.test.ts'],
                env: { LENDWIRE_TEST_STORE: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
