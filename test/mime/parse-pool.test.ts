/**
 * Parsing off the event loop (src/mime/parse-pool.ts): a message prepared on a parse
 * thread — parse, full-text document, SHA-256 — is exactly what the event loop
 * makes of it, for every MIME fixture and for a message of many megabytes, and the
 * store is handed the hash so it does not compute it again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseThreads, prepareOffLoop } from '../../src/mime/parse-pool.js';
import { knownSha256, prepareMessage } from '../../src/mime/prepare.js';

const dir = join(import.meta.dirname, '../fixtures/mime');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.eml'));

describe('parse threads', () => {
  it('run beside the event loop on a machine with more than one core', () => {
    expect(parseThreads()).toBe(availableParallelism() > 1 ? Math.max(1, availableParallelism() - 1) : 0);
  });

  it('prepare every MIME fixture exactly as the event loop does, and remember its hash', async () => {
    expect(fixtures.length).toBeGreaterThan(10);
    const all = await Promise.all(fixtures.map((f) => prepareOffLoop(readFileSync(join(dir, f)))));
    fixtures.forEach((f, i) => {
      const raw = readFileSync(join(dir, f));
      expect(all[i], f).toEqual(prepareMessage(raw));
    });
    const raw = readFileSync(join(dir, fixtures[0]!));
    const p = await prepareOffLoop(raw);
    expect(knownSha256(raw)).toBe(p.sha256);
    expect(knownSha256(Buffer.from(raw))).toBeUndefined();
  });

  it('prepare a message of several megabytes with a Cyrillic text body the same way', async () => {
    const body = 'Налоговое уведомление о налогах за 2026 год, payment 4242.\r\n'.repeat(60_000);
    const raw = Buffer.from(`From: a@example.org\r\nTo: b@example.org\r\nSubject: =?UTF-8?B?${Buffer.from('Налоги').toString('base64')}?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}`);
    expect(raw.length).toBeGreaterThan(5_000_000);
    expect(await prepareOffLoop(raw)).toEqual(prepareMessage(raw));
  });
});
