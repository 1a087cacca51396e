/**
 * CAPABILITY lists (RFC 3501 §6.1.1, §7.2.1; RFC 9051 §6.1.1): before and after
 * authentication. IMAP4rev1 and IMAP4rev2 both (RFC 9051 §1: a client ENABLEs
 * IMAP4rev2 to get its rules). TLS is implicit on the IMAP port, so STARTTLS and
 * LOGINDISABLED are never advertised. LITERAL+ is a superset of the LITERAL- that
 * IMAP4rev2 requires (RFC 7888 §3, §4), so LITERAL- is not listed beside it.
 */
export function capabilities(authenticated: boolean, appendLimit: number): string[] {
  const base = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE'];
  if (!authenticated) return [...base.slice(0, 4), 'AUTH=PLAIN', ...base.slice(4)];
  return [
    ...base,
    'IDLE',
    'NAMESPACE',
    'UNSELECT',
    'UIDPLUS',
    'MOVE',
    'SPECIAL-USE',
    'CHILDREN',
    'LIST-EXTENDED',
    'LIST-STATUS',
    'CONDSTORE',
    'QRESYNC',
    ...EXTENSIONS,
    // RFC 4731, 5182, 5032, 8514; RFC 5256, 5957, 5267 (ESORT)
    'ESEARCH',
    'SEARCHRES',
    'WITHIN',
    'SAVEDATE',
    'SORT',
    'SORT=DISPLAY',
    'ESORT',
    'THREAD=REFERENCES',
    'THREAD=ORDEREDSUBJECT',
    'COMPRESS=DEFLATE',
    'QUOTA',
    'QUOTA=RES-STORAGE',
    'QUOTA=RES-MESSAGE',
    `APPENDLIMIT=${appendLimit}`,
  ];
}

/** RFC 3516 BINARY, RFC 3502 MULTIAPPEND, RFC 6855 UTF8=ACCEPT, RFC 8438 STATUS=SIZE, RFC 8474 OBJECTID. */
const EXTENSIONS = ['BINARY', 'MULTIAPPEND', 'UTF8=ACCEPT', 'STATUS=SIZE', 'OBJECTID'];
