/**
 * `npm run bench:binary`: what FETCH BINARY (RFC 3516) costs and saves on a message
 * with a 20 MB base64 attachment, in a fresh SQLite file, server-side only (no
 * network): bytes of BODY[2] against BINARY[2], the time of the first BINARY
 * decode, and of reading the part in 64 KiB partial pieces as a phone client does
 * (BODY.PEEK[2]<o.65536> against BINARY.PEEK[2]<o.65536>).
 *
 *   node dist/bench/binary.js [megabytes=20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDb } from '../src/store/db.js';
import { putBlob, getParsed } from '../src/store/blobs.js';
import { parseMessage } from '../src/mime/parse.js';
import { sectionBody } from '../src/imap/fetch/section-bytes.js';
import { binaryBody, binaryContent } from '../src/imap/fetch/binary.js';

const MB = Number(process.argv[2] ?? 20);
const PIECE = 64 * 1024;

function message(payload: Buffer): Buffer {
  const b64 = payload.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    'From: a@example.org\r\nSubject: report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
      '--b\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n' +
      `--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b--\r\n`,
  );
}

function ms(t0: bigint): string {
  return (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1);
}

const dir = mkdtempSync(join(tmpdir(), 'gp-bench-binary-'));
try {
  const db = openDb(dir);
  const payload = randomBytes(MB * 1024 * 1024);
  const raw = message(payload);
  const blobId = putBlob(db, raw, parseMessage(raw), 1);
  const parsed = getParsed(db, blobId);
  const body = sectionBody(db, blobId, parsed, { part: '2', text: '' });
  console.log(`attachment ${MB} MiB: BODY[2] ${body.size} bytes, BINARY[2] ${payload.length} bytes (${((1 - payload.length / body.size) * 100).toFixed(1)} % fewer)`);

  let t0 = process.hrtime.bigint();
  const decoded = binaryContent(db, blobId, parsed, '2');
  console.log(`first BINARY decode of the part: ${ms(t0)} ms (${decoded.equals(payload) ? 'bytes match' : 'BYTES DIFFER'})`);

  t0 = process.hrtime.bigint();
  let pieces = 0;
  for (let o = 0; o < body.size; o += PIECE, pieces++) sectionBody(db, blobId, parsed, { part: '2', text: '' }, { offset: o, length: PIECE });
  console.log(`BODY.PEEK[2]<o.${PIECE}> x ${pieces}: ${ms(t0)} ms`);

  t0 = process.hrtime.bigint();
  pieces = 0;
  for (let o = 0; o < payload.length; o += PIECE, pieces++) binaryBody(binaryContent(db, blobId, parsed, '2'), { offset: o, length: PIECE });
  console.log(`BINARY.PEEK[2]<o.${PIECE}> x ${pieces}: ${ms(t0)} ms`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
