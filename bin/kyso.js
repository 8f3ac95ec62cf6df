#!/usr/bin/env node
'use strict';
// Launcher for the `kyso` command line: the compiled CLI lives in dist/ (npm run build).
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'libs', 'pki', 'src', 'cli', 'main.js');
let cli;
try {
  cli = require(entry);
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(entry)) {
    process.stderr.write('kyso: the command line is not built yet: run `npm run build` first\n');
    process.exit(2);
  }
  throw e;
}
cli.main(process.argv.slice(2), cli.nodeIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`kyso: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 2;
  },
);
