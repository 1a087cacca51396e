#!/usr/bin/env node
// The operator CLI and the server entry point (`gospochta serve`).
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('gospochta: not built yet; run `npm ci` (or `npm run build`) first\n');
  process.exit(1);
}
await import(entry.href);
