import { packageBuild } from '../../tsup.base.js';

// One config (two would race on `clean`): the library entry and the `ntpass`
// executable. tsup keeps bin.ts's shebang and marks dist/bin.js executable;
// only the library entry gets declarations.
export default packageBuild({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  dts: { entry: { index: 'src/index.ts' } },
});
