/**
 * Golden ENVELOPE / BODY / BODYSTRUCTURE wire text (RFC 3501 §7.4.2) for every MIME
 * fixture: test/fixtures/mime/<name>.imap.txt, written once with
 * `UPDATE_IMAP_GOLDEN=1 npx vitest run test/imap/protocol/bodystructure-golden.test.ts`
 * and checked by hand against the grammar. A missing golden fails.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from '../../../src/mime/parse.js';
import { encodeEnvelope } from '../../../src/imap/protocol/envelope.js';
import { encodeBodyStructure } from '../../../src/imap/protocol/bodystructure.js';

const dir = join(import.meta.dirname, '../../fixtures/mime');
const names = readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4));

function wire(name: string): string {
  const p = parseMessage(readFileSync(join(dir, name + '.eml')));
  return `ENVELOPE ${encodeEnvelope(p.envelope)}\r\nBODY ${encodeBodyStructure(p.bodystructure, false)}\r\nBODYSTRUCTURE ${encodeBodyStructure(p.bodystructure, true)}\r\n`;
}

describe('ENVELOPE / BODYSTRUCTURE golden files', () => {
  it('has fixtures', () => expect(names.length).toBeGreaterThan(5));
  for (const name of names) {
    it(name, () => {
      const golden = join(dir, name + '.imap.txt');
      const got = wire(name);
      if (process.env.UPDATE_IMAP_GOLDEN) writeFileSync(golden, got);
      expect(existsSync(golden), `missing ${golden}`).toBe(true);
      expect(got).toBe(readFileSync(golden, 'utf8'));
    });
  }
});

describe('BODYSTRUCTURE edge cases', () => {
  it('a multipart without parts still has one (the grammar needs it)', () => {
    const b = { type: 'multipart', subtype: 'mixed', children: [], params: [['boundary', 'x']] as Array<[string, string]>, disposition: null, language: null, location: null };
    expect(encodeBodyStructure(b, true)).toBe('(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "x") NIL NIL NIL)');
    expect(encodeBodyStructure(b, false)).toBe('(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0) "MIXED")');
  });
  it('8-bit text in ENVELOPE goes out as a literal', () => {
    const e = { date: null, subject: 'Привет', from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: 'a"b' };
    expect(encodeEnvelope(e)).toBe('(NIL {12}\r\nПривет NIL NIL NIL NIL NIL NIL NIL "a\\"b")');
  });
});
