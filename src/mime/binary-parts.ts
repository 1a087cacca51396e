/**
 * A message APPENDed with binary content (RFC 3516 §4.4: a literal8 whose parts hold
 * NUL bytes) is stored with those parts re-encoded as base64 (RFC 2045 §6.8), so
 * BODY[...] never sends a NUL (RFC 3501 §4.3 forbids it in a literal) while
 * BINARY[...] gives back the original bytes. Dovecot stores such parts the same way.
 */
import type { MimePart, ParsedMessage } from './types.js';

/** The leaf parts (neither multipart nor message/rfc822) of a part tree, in order. */
function leaves(p: MimePart, out: MimePart[] = []): MimePart[] {
  if (p.children) for (const c of p.children) leaves(c, out);
  else if (p.message) leaves(p.message, out);
  else out.push(p);
  return out;
}

const CTE_FIELD = /^content-transfer-encoding:[^\n]*\n(?:[ \t][^\n]*\n)*/gim;

/** A part header with its Content-Transfer-Encoding replaced by base64 (the empty line kept last). */
function base64Header(header: string): string {
  const body = header.replace(/\r?\n$/, '');
  const fields = (body.endsWith('\n') ? body : body + (body ? '\r\n' : '')).replace(CTE_FIELD, '');
  return fields + 'Content-Transfer-Encoding: base64\r\n\r\n';
}

function base64Lines(b: Buffer): string {
  const s = b.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += 76) lines.push(s.slice(i, i + 76));
  return lines.join('\r\n');
}

/**
 * The message with every leaf part whose body holds a NUL re-encoded as base64, or
 * undefined when there is none (the message is stored as it came).
 */
export function encodeBinaryParts(raw: Buffer, parsed: Pick<ParsedMessage, 'root'>): Buffer | undefined {
  const binary = leaves(parsed.root).filter((p) => raw.subarray(p.bodyStart, p.bodyEnd).includes(0));
  if (!binary.length) return undefined;
  const pieces: Buffer[] = [];
  let pos = 0;
  for (const p of binary) {
    pieces.push(raw.subarray(pos, p.headerStart));
    pieces.push(Buffer.from(base64Header(raw.subarray(p.headerStart, p.headerEnd).toString('latin1')), 'latin1'));
    pieces.push(Buffer.from(base64Lines(raw.subarray(p.bodyStart, p.bodyEnd)), 'latin1'));
    pos = p.bodyEnd;
  }
  pieces.push(raw.subarray(pos));
  return Buffer.concat(pieces);
}
