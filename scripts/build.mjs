// Bundles the command line (and, later, the adapter and extension) with esbuild.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['adapter/cli.ts'], outfile: 'dist/cli.js' });
await build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' });
