import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node/index.ts', 'src/worker.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/node/index.ts', 'src/worker.ts'] },
  clean: true,
  sourcemap: true,
  target: 'es2023',
  platform: 'node',
});
