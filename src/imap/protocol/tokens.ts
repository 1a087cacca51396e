/**
 * Token types of the IMAP command grammar (RFC 3501 §9, RFC 7888 LITERAL+, RFC 3516
 * literal8). The tokenizer (tokenizer.ts) turns one framed command into a Token[];
 * command modules read their arguments from it with the helpers in args.ts.
 *
 * Pure: no sockets, no store.
 */

/** A `<offset.length>` partial (RFC 3501 §6.4.5). `length` is absent for `<offset>`. */
export interface Partial {
  offset: number;
  length?: number;
}

/**
 * An atom (RFC 3501 §9 `atom`, plus the `\` flag prefix and the list wildcards `*` `%`).
 *
 * Fetch-style atoms carry their section and partial: `BODY.PEEK[1.2.HEADER.FIELDS (FROM TO)]<0.2048>`
 * becomes `{ type: 'atom', value: 'BODY.PEEK', section: [atom '1.2.HEADER.FIELDS',
 * list [atom FROM, atom TO]], partial: { offset: 0, length: 2048 }, raw: 'BODY.PEEK[1.2.HEADER.FIELDS (FROM TO)]<0.2048>' }`.
 * `BODY[]` has `section: []`. `value` keeps the client's case; compare with toUpperCase().
 * `raw` is the exact source text of the whole token (useful when an atom with `[` was
 * really a mailbox name such as `[Gmail]/Sent`).
 */
export interface AtomToken {
  type: 'atom';
  value: string;
  section?: Token[];
  partial?: Partial;
  raw: string;
}

/** A quoted string with `\\` and `\"` escapes removed, decoded as UTF-8. */
export interface StringToken {
  type: 'string';
  value: string;
}

/**
 * Where the bytes of a large literal go while they arrive, instead of memory (the
 * server's temporary area in its data directory, see src/imap/literal-spool.ts).
 * The framer only writes; the command reads back once and the dispatcher releases.
 */
export interface LiteralSpool {
  /** Append received bytes (never throws: a failure is reported by `read`). */
  write(chunk: Buffer): void;
  /** All bytes written, as one Buffer (the literal is complete). */
  read(): Buffer;
  /** Free the space and its accounting; idempotent. */
  release(): void;
}

/**
 * A literal `{n}` / `{n+}` (or literal8 `~{n}`, RFC 3516). The bytes are kept as the
 * Buffer chunks they arrived in (never joined into one big string), each chunk at
 * most 64 KiB — or, for a large literal (an APPEND message), in a `spool` and then
 * `chunks` is empty. Use `literalBuffer()` to get the bytes.
 */
export interface LiteralToken {
  type: 'literal';
  size: number;
  chunks: Buffer[];
  /** Set when the bytes were written to the temporary area instead of `chunks`. */
  spool?: LiteralSpool;
  /** `{n+}`: sent without waiting for a continuation. */
  nonSync: boolean;
  /** `~{n}` literal8. */
  binary: boolean;
}

/** NIL. `raw` keeps the spelling: as an `astring` (a mailbox named NIL) it is text. */
export interface NilToken {
  type: 'nil';
  raw: string;
}

/** A parenthesized list `( ... )`. Depth is limited by the tokenizer. */
export interface ListToken {
  type: 'list';
  items: Token[];
}

export type Token = AtomToken | StringToken | LiteralToken | NilToken | ListToken;

/** A sequence number or UID, or `*` (the largest in use). */
export type SeqNumber = number | '*';

/**
 * A parsed sequence set (RFC 3501 §9 `sequence-set`): ranges in the order given,
 * `from` and `to` possibly reversed (`*:4`) — resolvers normalise. Produced by
 * protocol/sequence.ts, resolved against a selected view by `SelectedView.resolveSet`.
 */
export type SequenceSet = Array<{ from: SeqNumber; to: SeqNumber }> & {
  /** `$`: the session's saved search result (RFC 5182 §2.1); no ranges then. */
  readonly saved?: true;
};

/** The bytes of a literal as one Buffer (fine for small literals: names, passwords). */
export function literalBuffer(t: LiteralToken): Buffer {
  if (t.spool) return t.spool.read();
  return t.chunks.length === 1 ? t.chunks[0]! : Buffer.concat(t.chunks, t.size);
}

/** Free the temporary space of spooled literals (after the command ran, or when it is dropped). */
export function releaseLiterals(lits: readonly LiteralToken[]): void {
  for (const l of lits) l.spool?.release();
}

/** Atom, quoted string or literal as a UTF-8 string (RFC 3501 `astring`); undefined otherwise. */
export function tokenText(t: Token | undefined): string | undefined {
  if (!t) return undefined;
  switch (t.type) {
    case 'atom':
    case 'nil':
      return t.raw;
    case 'string':
      return t.value;
    case 'literal':
      return literalBuffer(t).toString('utf8');
    default:
      return undefined;
  }
}

/** Quoted string or literal (RFC 3501 `string`, not an atom); undefined otherwise. */
export function stringText(t: Token | undefined): string | undefined {
  if (!t) return undefined;
  if (t.type === 'string') return t.value;
  if (t.type === 'literal') return literalBuffer(t).toString('utf8');
  return undefined;
}

