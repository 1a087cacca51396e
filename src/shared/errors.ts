/**
 * Typed errors with stable codes. Every error a user or operator can meet is a
 * GpError: its `code` is stable (scripts match on it), its message is one readable
 * line. Protocol layers map `kind` to replies in one place each:
 *   syntax  → IMAP BAD / SMTP 501
 *   refusal → IMAP NO [CODE] / SMTP 5xx (or 4xx when `temporary`)
 *   internal → IMAP NO + an error log line; never leaks a stack trace.
 */
export type ErrorKind = 'syntax' | 'refusal' | 'not_found' | 'conflict' | 'internal';

export interface GpErrorOptions {
  kind?: ErrorKind;
  /** The field or setting the error is about (validation errors). */
  field?: string;
  /** A refusal that may succeed later (lockout, rate limit). */
  temporary?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class GpError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly field?: string;
  readonly temporary: boolean;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, opts: GpErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GpError';
    this.code = code;
    this.kind = opts.kind ?? 'refusal';
    this.field = opts.field;
    this.temporary = opts.temporary ?? false;
    this.details = opts.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** A refused input value: names the field and the rule it broke. */
export function invalid(field: string, rule: string, details?: Record<string, unknown>): GpError {
  return new GpError('INVALID_' + field.toUpperCase().replace(/[^A-Z0-9]+/g, '_'), `${field}: ${rule}`, {
    kind: 'refusal',
    field,
    details,
  });
}

export function notFound(what: string, id: string | number): GpError {
  return new GpError('NOT_FOUND', `${what} ${id} not found`, { kind: 'not_found', details: { what, id } });
}

export function isGpError(e: unknown): e is GpError {
  return e instanceof GpError;
}
