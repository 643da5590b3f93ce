import { defineConfig } from 'tsup';

// One config (two would race on `clean`): the library entry and the `ntpass`
// executable. tsup keeps bin.ts's shebang and marks dist/bin.js executable;
// only the library entry gets declarations.
export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
