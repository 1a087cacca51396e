/**
 * Protocol (syntax) errors. A ProtocolError becomes a tagged `BAD <reason>` (RFC 3501
 * §7.1.3) and the session continues; `fatal` ones (a line over the limit that cannot
 * be resynchronised) end with `* BYE`.
 */
export class ProtocolError extends Error {
  /** Optional response code, e.g. 'CLIENTBUG' or 'TOOBIG'. */
  readonly code?: string;
  readonly fatal: boolean;
  constructor(message: string, opts: { code?: string; fatal?: boolean } = {}) {
    super(message);
    this.name = 'ProtocolError';
    this.code = opts.code;
    this.fatal = opts.fatal ?? false;
  }
}

export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}
