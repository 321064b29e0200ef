#!/usr/bin/env node
// Entry point for `npx realmscope`: runs the bundled command line.
const path = require('path');
const fs = require('fs');
const bundled = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundled)) {
  console.error('realmscope: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}
require(bundled).main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  err => { console.error(`realmscope: internal error: ${err && err.stack || err}`); process.exitCode = 70; });
