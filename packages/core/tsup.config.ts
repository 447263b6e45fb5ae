import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/domain.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2023',
});
