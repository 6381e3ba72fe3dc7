#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('tweetlang: not built yet; run `npm ci` (or `npm run build`) in the project folder [E_NOT_BUILT]\n');
  process.exitCode = 1;
} else {
  await import(entry.href);
}
