/**
 * The message as a Sieve script sees it (sieve/interpret.ts SieveMessage): header
 * values with RFC 2047 words decoded (RFC 5228 §2.7.2), addresses of address
 * fields (§5.1), the envelope of this delivery (§5.4: "from" is MAIL FROM, "to"
 * the recipient), the size, and the body (RFC 5173 §5): `:raw` the undecoded body,
 * `:text` and `:content` the decoded leaf parts of the matching types.
 */
import type { ParsedMessage, MimePart } from '../mime/types.js';
import type { BodyTransform, SieveMessage } from '../sieve/interpret.js';
import { parseHeaderFields } from '../mime/header.js';
import { decodeWords } from '../mime/search.js';
import { parseAddressList } from '../mime/address.js';
import { classify, param } from '../mime/classify.js';
import { decodeText } from '../mime/decode.js';

/** Bytes of decoded body text a body test reads (of all parts together). */
const BODY_CAP = 1024 * 1024;

export function sieveView(o: { raw: Buffer; parsed: ParsedMessage; mailFrom: string; recipient: string; folderExists: (name: string) => boolean }): SieveMessage {
  const { raw, parsed } = o;
  const fields = parseHeaderFields(raw, parsed.root.headerStart, parsed.root.headerEnd);
  const values = (name: string): string[] => fields.filter((f) => f.name === name.toLowerCase()).map((f) => f.value);
  // Each body transform is decoded once per message, however many tests read it.
  const bodies = new Map<string, string[]>();
  const body = (t: BodyTransform): string[] => {
    const key = JSON.stringify(t);
    let b = bodies.get(key);
    if (!b) bodies.set(key, (b = bodyTexts(raw, parsed.root, t)));
    return b;
  };
  return {
    header: (name) => values(name).map(decodeWords),
    addresses: (name) =>
      values(name).flatMap((v) => (parseAddressList(v) ?? []).filter((a) => a.mailbox && a.host).map((a) => `${a.mailbox}@${a.host}`)),
    envelope: (part) => (part === 'from' ? [o.mailFrom] : part === 'to' ? [o.recipient] : []),
    size: raw.length,
    body,
    mailboxExists: o.folderExists,
  };
}

function bodyTexts(raw: Buffer, root: MimePart, t: BodyTransform): string[] {
  if (t.kind === 'raw') return [raw.subarray(root.bodyStart, Math.min(root.bodyEnd, root.bodyStart + BODY_CAP)).toString('utf8')];
  const wanted = (type: string): boolean => {
    if (t.kind === 'text') return type.startsWith('text/');
    // RFC 5173 §5.2: "" matches every type, "text" a whole type, "text/html" one subtype.
    return t.types.some((w) => w === '' || (w.includes('/') ? w.toLowerCase() === type : type.startsWith(`${w.toLowerCase()}/`)));
  };
  const out: string[] = [];
  let budget = BODY_CAP;
  const walk = (p: MimePart, depth: number): void => {
    if (budget <= 0 || depth > 40) return;
    if (p.children) return p.children.forEach((c) => walk(c, depth + 1));
    if (p.message) return walk(p.message, depth + 1);
    if (!wanted(p.contentType)) return;
    const info = classify(parseHeaderFields(raw, p.headerStart, p.headerEnd), null, depth);
    const text = decodeText(raw.subarray(p.bodyStart, p.bodyEnd), info.encoding, param(info.params, 'charset') ?? 'us-ascii');
    out.push(text.slice(0, budget));
    budget -= text.length;
  };
  walk(root, 0);
  return out;
}
