/**
 * What ingest parses out of a message, once, at delivery or APPEND (RFC 5322,
 * RFC 2045-2049, and the IMAP views of RFC 3501 §7.4.2). Stored as JSON with the
 * blob; IMAP FETCH is served from this and from byte ranges of the blob, never by
 * re-parsing.
 *
 * All offsets are byte offsets into the raw message, end-exclusive.
 */
import type { FtsDocument } from './words.js';

/** IMAP nstring: a string or NIL. */
export type NString = string | null;

/**
 * An address structure (RFC 3501 §7.4.2 ENVELOPE): (name adl mailbox host).
 * Group syntax (RFC 2822 §3.4): the start is {mailbox: group name, host: null},
 * the end {mailbox: null, host: null}.
 */
export interface ImapAddress {
  name: NString;
  adl: NString;
  mailbox: NString;
  host: NString;
}

/**
 * ENVELOPE fields as the header values appear in the message (unfolded; RFC 2047
 * encoded-words left as they are: clients decode them). Missing header → null.
 */
export interface ImapEnvelope {
  date: NString;
  subject: NString;
  from: ImapAddress[] | null;
  sender: ImapAddress[] | null;
  replyTo: ImapAddress[] | null;
  to: ImapAddress[] | null;
  cc: ImapAddress[] | null;
  bcc: ImapAddress[] | null;
  inReplyTo: NString;
  messageId: NString;
}

/**
 * Attribute/value pairs in order, e.g. [["charset","utf-8"]]. Empty → NIL on the wire.
 * Attribute names lower-cased; RFC 2231 continuations/charsets decoded into one
 * value; a value that is not ASCII is given as one RFC 2047 encoded-word, so
 * every value is 7-bit and can go out as a quoted string.
 */
export type ParamList = Array<[string, string]>;

/**
 * A BODYSTRUCTURE node (RFC 3501 §7.4.2), extension data included.
 * `type`/`subtype` are as the message gave them, lower-cased (default text/plain).
 */
export interface BodyStructure {
  type: string;
  subtype: string;
  /** Multipart: the parts. */
  children?: BodyStructure[];
  /** Body parameters (non-multipart) or multipart extension parameters (e.g. boundary). */
  params: ParamList;
  /** Non-multipart fields. */
  id?: NString;
  description?: NString;
  /** Content-Transfer-Encoding lower-cased; "7bit" when absent or not a valid token. */
  encoding?: string;
  /** Body size in bytes (of the encoded body as stored). */
  size?: number;
  /** text/* and message/rfc822: number of lines of the encoded body. */
  lines?: number;
  /**
   * message/rfc822 parsed as a message (7bit/8bit/binary transfer encoding): the
   * encapsulated message's ENVELOPE and BODYSTRUCTURE. Absent otherwise (a base64
   * message/rfc822, or one past the nesting limit): then encode it as a basic body.
   */
  envelope?: ImapEnvelope;
  body?: BodyStructure;
  /** Extension data. */
  md5?: NString;
  disposition: [string, ParamList] | null;
  language: string[] | null;
  location: NString;
}

/**
 * The byte layout of one MIME entity, for BODY[section] (RFC 3501 §6.4.5).
 * `path` is the IMAP part number ("" for the top-level message, "1", "1.2" …).
 * A message/rfc822 part's `message` carries the same path as the part (its
 * HEADER/TEXT are path.HEADER / path.TEXT; its parts are path.1, path.2 …).
 * A non-multipart message (top level or encapsulated) has no children: its only
 * part, "1" (or path.1), is the entity itself. Use resolvePart() from ./parse.js
 * to map a section part number to a MimePart; headerStart..headerEnd is also
 * what part.MIME returns for a part inside a multipart.
 */
export interface MimePart {
  path: string;
  /** The entity's header block, including the empty line that ends it. */
  headerStart: number;
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
  /** lower-case type/subtype */
  contentType: string;
  /** Multipart children. */
  children?: MimePart[];
  /** message/rfc822: the encapsulated message (its header and body are that message's). */
  message?: MimePart;
}

export interface SearchFields {
  /** Date: header as Unix ms, null when absent or unparsable. */
  sentDate: number | null;
  /**
   * The calendar date written in the Date: header, in the sender's own zone, as Unix
   * ms of that day's 00:00 UTC (RFC 3501 §6.4.4 SENTBEFORE/SENTON/SENTSINCE disregard
   * time and timezone); null when absent or unparsable.
   */
  sentDay: number | null;
  /**
   * The following are decoded (RFC 2047, charsets) and lower-cased. Addresses are
   * "name <mailbox@host>" joined by ", "; a group as "name: member, member;".
   */
  subject: string;
  from: string;
  to: string;
  cc: string;
  bcc: string;
  messageId: string;
  /** All header fields of the top-level header, decoded, "name: value\n" lines. */
  headers: string;
  /** Decoded text of the text/plain and text/html body parts (HTML tags stripped), capped at 256 KiB. */
  body: string;
  /** Tokens for the full-text index (./words.ts), made at ingest from `headers` and `body`. */
  fts?: FtsDocument;
  /** `headers` and `body` lower-cased, when done ahead of the store (./prepare.ts, which then empties those two). */
  lower?: { headers: string; body: string };
}

export interface ParsedMessage {
  size: number;
  envelope: ImapEnvelope;
  bodystructure: BodyStructure;
  root: MimePart;
  /**
   * Sum of decoded sizes of all attachment parts (the rule is in ./classify.ts;
   * the streaming AttachmentMeter of ./attachment-meter.ts gives the same number).
   */
  attachmentBytes: number;
  search: SearchFields;
}
