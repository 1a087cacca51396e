/**
 * Response encoding of strings (RFC 3501 §4.1–§4.3, §9): atom, quoted string or
 * literal, whichever is valid and shortest; NIL; parenthesized lists. 8-bit text,
 * CR/LF/NUL, or very long values go out as a literal `{n}\r\n...` (a synchronizing
 * literal in a response needs no continuation). Pure.
 */

/** Longest value sent as a quoted string; longer ones go as literals. */
export const MAX_QUOTED = 1024;

const ATOM_RE = /^[!#$&'+,\-./0-9:;<=>?@A-Z^_`a-z|}~\[]+$/;
const QUOTABLE_RE = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

/** `"..."` with `\` and `"` escaped; the caller guarantees 7-bit text without CR/LF. */
export function quoted(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/**
 * A literal `{n}\r\n` + the text, n being its UTF-8 byte length: the result must be
 * written as UTF-8 (session.send / session.write of a string do).
 */
export function literal(s: string): string {
  return `{${Buffer.byteLength(s, 'utf8')}}\r\n` + s;
}

/**
 * RFC 3501 `string`: quoted if it can be (7-bit, no CR/LF/NUL, at most MAX_QUOTED),
 * else a literal. The result is text to be written as UTF-8 (session.send does).
 */
export function quoteString(s: string): string {
  if (s.length <= MAX_QUOTED && QUOTABLE_RE.test(s)) return quoted(s);
  return literal(s);
}

/**
 * RFC 9051 `astring` (and RFC 6855 §3): quoted strings may hold UTF-8, so a UTF-8
 * name is quoted rather than sent as a literal when it has no CR/LF/NUL.
 */
export function astringUtf8(s: string): string {
  if (s.length <= MAX_QUOTED && /^[^\0\r\n]*$/.test(s) && !QUOTABLE_RE.test(s)) return quoted(s);
  return astring(s);
}

/** RFC 3501 `astring`: an atom when possible, else quoted, else literal. */
export function astring(s: string): string {
  if (s.length > 0 && s.length <= MAX_QUOTED && ATOM_RE.test(s) && s.toUpperCase() !== 'NIL') return s;
  return quoteString(s);
}

/** RFC 3501 `nstring`: NIL for null/undefined. */
export function nstring(s: string | null | undefined): string {
  return s === null || s === undefined ? 'NIL' : quoteString(s);
}

/** A parenthesized list of already-encoded items. */
export function list(items: string[]): string {
  return '(' + items.join(' ') + ')';
}

