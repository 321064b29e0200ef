// Bundles the command line, the benchmark and the VS Code extension with esbuild.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['adapter/cli.ts'], outfile: 'dist/cli.js' });
await build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' });
// The extension runs in VS Code's extension host (CommonJS); `vscode` is provided there. It
// contains the debug adapter (served inline); dist/cli.js is the command line (its `uart-attach`
// joins the UART terminal when the adapter runs as a separate process).
await build({ ...common, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode'] });
// The adapter as a separate process ("realmscope.adapter": "executable"): runs on load, see the file.
await build({ ...common, entryPoints: ['extension/dapMain.ts'], outfile: 'dist/dap.js', format: 'cjs' });
// emulator/realm/AttestationToken.ts loads cborg (an ES-module-only package) at run time by path,
// from the first node_modules on the module search path. A CommonJS copy in dist/node_modules makes
// the bundles self-contained (the .vsix has no node_modules) and needs no require(esm) support.
await build({ ...common, sourcemap: false, entryPoints: ['node_modules/cborg/cborg.js'], outfile: 'dist/node_modules/cborg/cborg.js', format: 'cjs' });
mkdirSync('dist/node_modules/cborg', { recursive: true });
writeFileSync('dist/node_modules/cborg/package.json', JSON.stringify({ name: 'cborg', private: true, type: 'commonjs', main: 'cborg.js' }) + '\n');
