/**
 * Golden ENVELOPE / BODYSTRUCTURE / part layout / attachment sizes for the sample
 * messages in test/fixtures/mime, and the streaming AttachmentMeter agreeing with
 * the parser on every one of them, whatever the chunking.
 * Regenerate goldens with UPDATE_GOLDEN=1 (then review the diff by hand).
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage, resolvePart } from '../../src/mime/parse.js';
import type { MimePart } from '../../src/mime/types.js';
import { AttachmentMeter } from '../../src/mime/attachment-meter.js';

const dir = join(import.meta.dirname, '../fixtures/mime');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => f.slice(0, -4))
  .sort();

function golden(raw: Buffer): unknown {
  const p = parseMessage(raw);
  // JSON round trip drops undefined fields, as the stored form does
  return JSON.parse(JSON.stringify({ envelope: p.envelope, bodystructure: p.bodystructure, root: p.root, attachmentBytes: p.attachmentBytes }));
}

function meter(raw: Buffer, chunk: number): number {
  const m = new AttachmentMeter();
  for (let i = 0; i < raw.length; i += chunk) m.feed(raw.subarray(i, i + chunk));
  return m.end();
}

describe('mime goldens', () => {
  it('has fixtures', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
  });
  for (const name of names) {
    it(name, () => {
      const raw = readFileSync(join(dir, name + '.eml'));
      const got = golden(raw);
      const file = join(dir, name + '.json');
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, JSON.stringify(got, null, 2) + '\n');
      expect(existsSync(file), `${name}.json missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(got).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
    it(`${name}: every part's path resolves back to it`, () => {
      const p = parseMessage(readFileSync(join(dir, name + '.eml')));
      const walk = (m: MimePart): void => {
        for (const c of m.children ?? []) {
          expect(resolvePart(p.root, c.path)).toBe(c);
          walk(c);
        }
        if (m.message) walk(m.message);
      };
      walk(p.root);
    });
    it(`${name}: streaming meter agrees`, () => {
      const raw = readFileSync(join(dir, name + '.eml'));
      const want = parseMessage(raw).attachmentBytes;
      for (const size of [1, 2, 3, 5, 7, 16, 64, 1000, raw.length + 1]) {
        expect({ size, bytes: meter(raw, size) }).toEqual({ size, bytes: want });
      }
    });
  }
});
