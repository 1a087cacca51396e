/**
 * Text a client typed, made safe to write into logs and the audit journal: at
 * most `max` characters, control characters (C0, DEL, C1) escaped as \xNN or
 * \u{NNNN}, so a user name with CR LF or ANSI escapes cannot forge log lines.
 */
export function safeText(s: string, max = 256): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  // eslint-disable-next-line no-control-regex
  const out = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
  return s.length > max ? `${out}…(${s.length} chars)` : out;
}
