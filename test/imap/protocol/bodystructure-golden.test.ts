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
