/**
 * CAPABILITY lists (RFC 3501 §6.1.1, §7.2.1): before and after authentication.
 * TLS is implicit on the IMAP port, so STARTTLS and LOGINDISABLED are never advertised.
 */
export function capabilities(authenticated: boolean, appendLimit: number): string[] {
  const base = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE'];
  if (!authenticated) return [...base.slice(0, 3), 'AUTH=PLAIN', ...base.slice(3)];
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
    'COMPRESS=DEFLATE',
    'QUOTA',
    'QUOTA=RES-STORAGE',
    'QUOTA=RES-MESSAGE',
    `APPENDLIMIT=${appendLimit}`,
  ];
}
