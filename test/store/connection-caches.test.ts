/**
 * An online key rotation (store/rotate-online.ts) swaps the connection behind a
 * `Db` handle. Prepared statements and anything else bound to a connection must
 * therefore be cached per real connection (`connectionOf(db)`), never per handle:
 * a statement of the closed connection fails every delivery after the swap. This
 * reads src/ and names every module that keeps a WeakMap keyed by a database
 * without going through connectionOf, unless it caches only bytes that stay true
 * across a rotation (a rotation copies every row with its id).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Caches of message bytes by blob id: valid on the re-keyed copy too. */
const BYTES_ONLY: Record<string, string> = {
  'src/imap/fetch/binary.ts': 'decoded BINARY sections by blob id',
  'src/store/chunk-cache.ts': 'blob chunks by id',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('caches bound to a database connection', () => {
  it('are keyed by connectionOf(db), so a rotation never leaves one on the closed connection', () => {
    const offenders = sources(join(ROOT, 'src'))
      .map((f) => ({ file: relative(ROOT, f), text: readFileSync(f, 'utf8') }))
      .filter(({ text }) => /new WeakMap<\s*(Db|Database(\.Database)?)\b/.test(text))
      .filter(({ file, text }) => !text.includes('connectionOf(') && !(file in BYTES_ONLY))
      .map(({ file }) => file);
    expect(offenders).toEqual([]);
  });
});
