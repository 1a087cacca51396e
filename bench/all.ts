/**
 * `npm run bench`: every benchmark in turn, each in its own process so one's memory
 * and event loop do not colour the next. Each prints its own figures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const names = ['mime', 'store', 'smtp', 'imap', 'pop3', 'search', 'purge', 'mta', 'idle', 'sort', 'binary', 'compare'].filter((n) => only.length === 0 || only.includes(n));
let failed = 0;
for (const name of names) {
  const file = join(here, `${name}.js`);
  if (!existsSync(file)) {
    console.log(`\n== ${name}: not present, skipped`);
    continue;
  }
  console.log(`\n== bench:${name}`);
  const r = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`== bench:${name} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
