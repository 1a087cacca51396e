/**
 * What ENABLE (RFC 5161 §3.1) can turn on, and what each extension changes in a
 * session once enabled: CONDSTORE / QRESYNC (RFC 7162 §3.1, §3.2.3), IMAP4rev2
 * (RFC 9051 §6.3.1: no \Recent, ESEARCH answers to SEARCH, UTF-8 mailbox names)
 * and UTF8=ACCEPT (RFC 6855 §3: UTF-8 mailbox names and quoted strings).
 * The names are kept upper-case in the session's `enabled` set.
 */

interface Enabled {
  readonly enabled: ReadonlySet<string>;
}

/** Upper-case name → the spelling ENABLED answers with. */
const ENABLEABLE = new Map<string, string>([
  ['CONDSTORE', 'CONDSTORE'],
  ['QRESYNC', 'QRESYNC'],
  ['IMAP4REV2', 'IMAP4rev2'],
  ['UTF8=ACCEPT', 'UTF8=ACCEPT'],
]);

/** The spelling to answer in `* ENABLED`, or undefined for an extension ENABLE ignores. */
export function enableableName(upper: string): string | undefined {
  return ENABLEABLE.get(upper);
}

/** RFC 9051 rules apply (the client sent ENABLE IMAP4rev2). */
export function isRev2(s: Enabled): boolean {
  return s.enabled.has('IMAP4REV2');
}

/**
 * RFC 9051 §2.3.2 and Appendix E: IMAP4rev2 has no \Recent flag and no RECENT
 * response; an IMAP4rev1 session keeps both.
 */
export function showsRecent(s: Enabled): boolean {
  return !isRev2(s);
}

/**
 * Mailbox names go out and come in as UTF-8 rather than modified UTF-7 (RFC 6855 §3
 * after ENABLE UTF8=ACCEPT; RFC 9051 §5.1 after ENABLE IMAP4rev2).
 */
export function utf8Names(s: Enabled): boolean {
  return s.enabled.has('UTF8=ACCEPT') || isRev2(s);
}
