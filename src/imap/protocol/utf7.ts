/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII except `&`
 * stands for itself, `&` is `&-`, other characters are UTF-16 in modified base64
 * (`,` instead of `/`, no padding) between `&` and `-`. Decoding validates: a name a
 * client sends in a broken encoding is refused (BAD), never stored garbled. Pure.
 */
import { ProtocolError } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

export function encodeMailboxName(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      out += c === 0x26 ? '&-' : name[i];
      i++;
      continue;
    }
    let j = i;
    while (j < name.length) {
      const d = name.charCodeAt(j);
      if (d >= 0x20 && d <= 0x7e) break;
      j++;
    }
    const units = name.slice(i, j);
    const bytes = Buffer.alloc(units.length * 2);
    for (let k = 0; k < units.length; k++) bytes.writeUInt16BE(units.charCodeAt(k), k * 2);
    out += '&' + bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    i = j;
  }
  return out;
}

/** Decode a client-supplied name; throws ProtocolError (→ BAD) on invalid modified UTF-7. */
export function decodeMailboxName(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      // 8-bit input: clients that do not encode send UTF-8; accept it as is (it cannot be ambiguous).
      if (c < 0x20 || c === 0x7f) throw new ProtocolError('Invalid character in mailbox name');
      out += s[i];
      i++;
      continue;
    }
    if (c !== 0x26) {
      out += s[i];
      i++;
      continue;
    }
    const end = s.indexOf('-', i + 1);
    if (end < 0) throw new ProtocolError('Invalid modified UTF-7 in mailbox name: unterminated "&"');
    const b64 = s.slice(i + 1, end);
    if (b64 === '') {
      out += '&';
      i = end + 1;
      continue;
    }
    for (const ch of b64) if (!B64.includes(ch)) throw new ProtocolError('Invalid modified UTF-7 in mailbox name');
    if (b64.length % 4 === 1) throw new ProtocolError('Invalid modified UTF-7 in mailbox name: bad length');
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) throw new ProtocolError('Invalid modified UTF-7 in mailbox name: odd length');
    let seg = '';
    for (let k = 0; k < bytes.length; k += 2) seg += String.fromCharCode(bytes.readUInt16BE(k));
    // the encoded run must not contain characters that should have been literal (RFC 3501 §5.1.3)
    for (let k = 0; k < seg.length; k++) {
      const u = seg.charCodeAt(k);
      if (u >= 0x20 && u <= 0x7e) throw new ProtocolError('Invalid modified UTF-7 in mailbox name: encoded ASCII');
    }
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(seg)) throw new ProtocolError('Invalid modified UTF-7 in mailbox name: broken surrogate pair');
    out += seg;
    i = end + 1;
    // two adjacent encoded runs are not allowed ("&...-&...-")
    if (s[i] === '&' && s[i + 1] !== '-') throw new ProtocolError('Invalid modified UTF-7 in mailbox name: adjacent encoded runs');
  }
  return out;
}
