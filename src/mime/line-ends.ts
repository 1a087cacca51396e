/**
 * Line ends of a message taken in over IMAP APPEND (RFC 3501 §6.3.11: the message
 * is an RFC 5322 message, whose lines end in CRLF, §2.3): a bare LF (and a bare CR)
 * becomes CRLF before the message is parsed and stored, as Dovecot does, so
 * RFC822.SIZE, BODY[] and the BODYSTRUCTURE sizes and line counts all describe the
 * same CRLF bytes. A message already in CRLF is returned as it is (no copy).
 */

/** The bytes with every line end as CRLF; `raw` itself when it has no bare LF or CR. */
export function toCrlf(raw: Buffer): Buffer {
  let extra = 0;
  for (let i = raw.indexOf(0x0a); i >= 0; i = raw.indexOf(0x0a, i + 1)) if (i === 0 || raw[i - 1] !== 0x0d) extra++;
  for (let i = raw.indexOf(0x0d); i >= 0; i = raw.indexOf(0x0d, i + 1)) if (raw[i + 1] !== 0x0a) extra++;
  if (extra === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + extra);
  let o = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x0a) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
    } else if (b === 0x0d) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      if (raw[i + 1] === 0x0a) i++;
    } else out[o++] = b;
  }
  return out.subarray(0, o);
}
