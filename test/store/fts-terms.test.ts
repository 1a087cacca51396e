/**
 * The table of known full-text terms (store/fts.ts `fts_terms`), which SEARCH uses
 * to match a word inside longer words, stays complete although a connection skips
 * the terms it knows it has written: after the CLI prunes terms, and after a write
 * that indexed and was then rolled back.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { Writer } from '../../src/store/deliver.js';
import { pruneTerms, termsContaining, unindexBlob } from '../../src/store/fts.js';
import { prepareMessage } from '../../src/mime/prepare.js';
import { openDb } from '../../src/store/db.js';
import { useStore } from './helpers.js';

const fx = useStore();

function message(subject: string, words: string): { raw: Buffer; parsed: ReturnType<typeof prepareMessage>['parsed'] } {
  const raw = Buffer.from(`From: a@example.org\r\nTo: b@example.org\r\nSubject: ${subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${words}\r\n`);
  return { raw, parsed: prepareMessage(raw).parsed };
}

const known = (term: string): boolean => fx.db.prepare('SELECT 1 FROM fts_terms WHERE term = ?').get(term) !== undefined;

describe('known full-text terms', () => {
  it('a term the CLI pruned is written again by the next message that has it', async () => {
    const w = new Writer(fx.db, new EventBus());
    const inbox = fx.folder('INBOX');
    const first = await w.deliver({ ...message('one', 'zebrafinch warbler'), targets: [{ folderId: inbox }] });
    expect(known('zebrafinch')).toBe(true);
    // The CLI's rebuild, on a connection of its own: the blob's index gone, the term pruned.
    const cli = openDb(fx.dir);
    try {
      cli.transaction(() => unindexBlob(cli, first.blobId))();
      expect(pruneTerms(cli)).toBeGreaterThan(0);
    } finally {
      cli.close();
    }
    expect(known('zebrafinch')).toBe(false);
    await w.deliver({ ...message('two', 'zebrafinch again'), targets: [{ folderId: inbox }] });
    expect(known('zebrafinch')).toBe(true);
    expect(termsContaining(fx.db, 'zebrafin')).toContain('zebrafinch');
  });

  it('a term of a write that was rolled back is written by the next message that has it', async () => {
    const w = new Writer(fx.db, new EventBus());
    const inbox = fx.folder('INBOX');
    const failed = w.deliver({
      ...message('one', 'quokkaword'),
      targets: [{ folderId: inbox }],
      extra: () => {
        throw new Error('refused after indexing');
      },
    });
    await expect(failed).rejects.toThrow('refused after indexing');
    expect(known('quokkaword')).toBe(false);
    await w.deliver({ ...message('two', 'quokkaword'), targets: [{ folderId: inbox }] });
    expect(known('quokkaword')).toBe(true);
  });
});
