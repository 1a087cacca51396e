/** Test helper: BODYSTRUCTURE / ENVELOPE as RFC 3501 §7.4.2 wire text, to compare with other servers' output. */
import type { BodyStructure, ImapAddress, ImapEnvelope, ParamList } from '../../src/mime/types.js';

const q = (s: string | null | undefined): string => (s === null || s === undefined ? 'NIL' : '"' + s.replace(/(["\\])/g, '\\$1') + '"');
const pl = (p: ParamList): string => (p.length ? '(' + p.map(([a, v]) => q(a) + ' ' + q(v)).join(' ') + ')' : 'NIL');
const addrs = (l: ImapAddress[] | null): string =>
  l ? '(' + l.map((a) => `(${q(a.name)} ${q(a.adl)} ${q(a.mailbox)} ${q(a.host)})`).join('') + ')' : 'NIL';

export function envelopeWire(e: ImapEnvelope): string {
  return `(${q(e.date)} ${q(e.subject)} ${addrs(e.from)} ${addrs(e.sender)} ${addrs(e.replyTo)} ${addrs(e.to)} ${addrs(e.cc)} ${addrs(e.bcc)} ${q(e.inReplyTo)} ${q(e.messageId)})`;
}

export function bodystructureWire(b: BodyStructure): string {
  const ext = [
    b.disposition ? `(${q(b.disposition[0])} ${pl(b.disposition[1])})` : 'NIL',
    b.language ? (b.language.length === 1 ? q(b.language[0]) : '(' + b.language.map(q).join(' ') + ')') : 'NIL',
    q(b.location),
  ].join(' ');
  if (b.children) return '(' + b.children.map(bodystructureWire).join('') + ` ${q(b.subtype)} ${pl(b.params)} ${ext})`;
  let s = `(${q(b.type)} ${q(b.subtype)} ${pl(b.params)} ${q(b.id)} ${q(b.description)} ${q(b.encoding)} ${b.size}`;
  if (b.envelope && b.body) s += ` ${envelopeWire(b.envelope)} ${bodystructureWire(b.body)} ${b.lines}`;
  else if (b.lines !== undefined) s += ` ${b.lines}`;
  return s + ` ${q(b.md5)} ${ext})`;
}
