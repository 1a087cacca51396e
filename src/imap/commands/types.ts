/**
 * The command-module interface (RFC 3501 §6: one module per command).
 *
 * A command module is a `CommandModule` object: its name, the session states it is
 * valid in (RFC 3501 §3), and `run(ctx)`. The dispatcher (dispatch.ts) has already
 * read the tag, the command name and an optional `UID` prefix; `ctx.args` holds the
 * remaining tokens. `run` parses them (helpers in ../protocol/args.ts), does the work,
 * writes untagged responses with `ctx.session.send(...)`, and returns the tagged
 * result. It may instead throw:
 *   - ProtocolError (../protocol/errors.ts)  → `tag BAD <message>`, session continues
 *   - GpError (src/shared/errors.ts)         → `tag NO [CODE] <message>` (see dispatch.ts imapCode)
 *   - anything else                          → `tag NO [SERVERBUG] internal error` + an error log line
 * After `run` returns, the dispatcher flushes queued untagged updates (EXISTS, FETCH
 * FLAGS, and EXPUNGE unless `expungeAfter === false`) and then writes the tagged line.
 *
 * Commands reach the session only through `ImapSession` below, never the class in
 * session.ts. Registration: modules are listed in src/imap/registry.ts; the message
 * commands live in src/imap/commands/message-index.ts, which registry.ts imports.
 */
import type { Readable } from 'node:stream';
import type { Db } from '../../store/db.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../shared/logger.js';
import type { Config } from '../../config/schema.js';
import type { Writer } from '../../store/deliver.js';
import type { Token, SequenceSet } from '../protocol/tokens.js';
import type { MemoryGate } from '../literal-spool.js';
import type { View } from '../selected-view.js';
import type { AuthResult } from '../auth-adapter.js';

export type SessionStateName = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** Tagged completion (RFC 3501 §7.1). `code` is the response code without brackets, e.g. 'READ-WRITE' or 'APPENDUID 123 4'. */
export interface CommandResult {
  status: 'OK' | 'NO' | 'BAD';
  code?: string;
  text: string;
}

/**
 * The selected folder as this session sees it (RFC 3501 §2.3.1.2): its own
 * sequence-number ↔ UID map, changed only at the moments the session reports changes.
 */
export interface SelectedView {
  readonly folderId: number;
  /** Folder name (UTF-8, '/'-delimited, as stored); follows a RENAME. */
  folderName: string;
  readonly uidValidity: number;
  readonly readOnly: boolean;
  /** Sorted ascending; `uids[seq - 1]` is the UID of sequence number `seq`. */
  readonly uids: readonly number[];
  /** Number of messages the client knows of (= uids.length). */
  readonly exists: number;
  /** UIDs that are \Recent for this session (RFC 3501 §2.3.2). */
  readonly recent: ReadonlySet<number>;
  /** Keywords announced to the client in FLAGS / PERMANENTFLAGS, by lower-case name (RFC 3501 §7.2.6). */
  readonly keywords: Map<string, string>;
  uidToSeq(uid: number): number | undefined;
  seqToUid(seq: number): number | undefined;
  /**
   * The UIDs a set names, sorted ascending, only those in the view. `isUid=false`:
   * numbers are sequence numbers (a number above `exists` is a syntax error per
   * RFC 3501 §9 → throws ProtocolError); `*` is the last message. `isUid=true`: numbers
   * are UIDs, `*` is the largest UID in the view (or, in an empty folder, matches nothing).
   */
  resolveSet(set: SequenceSet, isUid: boolean): number[];
  /** RFC 5182 §2.1: keep a search result (uids) for `$` until the folder is closed or another SAVE. */
  saveResult(uids: readonly number[]): void;
}

/** What message commands call on the session. Implemented by session.ts. */
export interface ImapSession {
  /** Session id (also on every log line as `sid`). */
  readonly id: string;
  readonly state: SessionStateName;
  /** The authenticated mailbox, or undefined before LOGIN/AUTHENTICATE. */
  readonly mailboxId: number | undefined;
  readonly address: string | undefined;
  /** The selected view in the selected state, else undefined. */
  readonly selected: SelectedView | undefined;
  /** Extensions turned on with ENABLE (RFC 5161), upper-case: 'CONDSTORE', 'QRESYNC'. */
  readonly enabled: ReadonlySet<string>;
  /**
   * RFC 7162 §3.1: CONDSTORE is active once ENABLEd or once a client used a
   * CONDSTORE-enabling command (FETCH MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE, SELECT (CONDSTORE)).
   * Call `enableCondstore()` from such a command.
   */
  readonly condstore: boolean;
  enableCondstore(): void;
  /** Client name from ID (RFC 2971), if the client sent one. */
  readonly clientName: string | undefined;
  /** ID (RFC 2971): the client's `name version`, on later log lines and in the login journal. */
  setClientName(name: string): void;
  /** The connection is closed: nothing more reaches the client. */
  readonly isClosed: boolean;
  /** ENABLE (RFC 5161): an extension on for the rest of the connection (QRESYNC implies CONDSTORE). */
  enable(ext: string): void;

  // ---- state transitions (RFC 3501 §3) ----
  /** LOGIN / AUTHENTICATE: the server's credential check (lockout and login journal included). */
  authenticate(user: string, password: string): Promise<AuthResult>;
  /** Count one failed login in this connection; returns the failures so far. */
  countAuthFailure(): number;
  /** not-authenticated → authenticated; false (and no change) when the mailbox has its most connections. */
  logIn(login: { mailboxId: number; address: string; credential: string }): boolean;
  /** authenticated/selected → selected (SELECT, EXAMINE). */
  select(view: View): void;
  /** selected → authenticated (CLOSE, UNSELECT, a failed SELECT). */
  unselect(): void;
  /** → logout (LOGOUT, after its `* BYE`). */
  setLogout(): void;
  /** `* BYE reason`, then the connection is closed. */
  bye(reason: string): Promise<void>;
  readonly remoteAddress: string;
  readonly log: Logger;

  /** Write raw bytes/text; resolves when the socket can take more (backpressure). */
  write(data: string | Buffer): Promise<void>;
  /** Write one response line; CRLF is added. E.g. `send('* 3 FETCH (FLAGS (\\Seen))')`. */
  send(line: string): Promise<void>;
  /**
   * Stream a response that contains one literal: writes `prefix` + `{size}\r\n`, then
   * the bytes (Buffer, Buffer[] or a Readable yielding Buffers, exactly `size` bytes),
   * then `suffix` — awaiting drain between chunks. No CRLF is added after suffix.
   * If the source throws or ends short, the connection is cut (a half-sent literal
   * cannot be repaired) and the error is rethrown / logged.
   */
  writeLiteral(prefix: string, size: number, body: Buffer | Buffer[] | Readable | AsyncIterable<Buffer>, suffix: string): Promise<void>;
  /** `+ text` continuation request (RFC 3501 §7.5). */
  continueRequest(text: string): Promise<void>;
  /**
   * The next raw line from the client (without CRLF), for commands that talk after
   * a continuation: AUTHENTICATE responses, IDLE's `DONE`. Resolves undefined if the
   * connection closes. Pipelined lines already buffered are returned first.
   */
  readLine(): Promise<string | undefined>;

  /**
   * Report that messages left the selected folder (EXPUNGE, UID EXPUNGE, MOVE,
   * CLOSE-less expunge): removes them from the view and writes `* n EXPUNGE` for each
   * (or `* VANISHED uids` when QRESYNC is enabled, RFC 7162 §3.2.10). UIDs not in the
   * view are ignored, so the bus event of the same change will not report them again.
   */
  reportExpunged(uids: number[]): Promise<void>;
  /**
   * Report new messages in the selected folder (APPEND/COPY/MOVE into it): adds the
   * uids to the view and writes `* n EXISTS` (and `* n RECENT`). Uids already in the view are ignored.
   */
  reportExists(uids: number[]): Promise<void>;
  /**
   * IDLE (RFC 2177): while idling, changes from the bus are written at once,
   * EXPUNGE included. `startIdle()` flushes what is pending.
   */
  startIdle(): Promise<void>;
  stopIdle(): void;
  /**
   * RFC 3501 §7.2.6: before a FETCH response shows keywords (stored space-separated
   * string) the client was not told of, write `* FLAGS` and `* OK [PERMANENTFLAGS]` naming them.
   */
  announceKeywords(keywords: string): Promise<void>;
  /** Write pending untagged updates now. `expunge=false` holds back EXPUNGE (§7.4.1). */
  flushUpdates(expunge: boolean): Promise<void>;
  /**
   * Queue an untagged line (without CRLF) to go out with the next flush of updates
   * (after the current command, or at once while idling), e.g. `* OK [ALERT] ...`.
   */
  queueUntagged(line: string): void;
  /** COMPRESS=DEFLATE (RFC 4978) is on for this connection. */
  readonly compressed: boolean;
  /** Turn DEFLATE on in both directions once this command's tagged response is written (RFC 4978 §3). */
  compressAfterReply(): void;
}

/** What every command can use: the store, the bus, the config. */
export interface ImapServices {
  db: Db;
  bus: EventBus;
  config: Config;
  log: Logger;
  /** The process-wide group-committing writer (store/deliver.ts): APPEND goes through it. */
  writer: Writer;
  /** Largest literal accepted after authentication (APPENDLIMIT, RFC 7889). */
  maxLiteralBytes: number;
  /** Bytes of whole messages read into memory at once (APPEND takes its size before reading its literal back). */
  appendMemory: MemoryGate;
}

export interface CommandContext {
  tag: string;
  /** Upper-case command name without the UID prefix, e.g. 'FETCH'. */
  name: string;
  /** The command was prefixed with `UID` (RFC 3501 §6.4.8). */
  uid: boolean;
  /** Tokens after the command name. */
  args: Token[];
  session: ImapSession;
  services: ImapServices;
}

/** Session states a command may run in (RFC 3501 §6: any, not-authenticated, authenticated, selected). */
export type ActiveState = 'not-authenticated' | 'authenticated' | 'selected';

export interface CommandModule {
  /** Upper-case command name, e.g. 'FETCH'. */
  readonly name: string;
  readonly states: readonly ActiveState[];
  /** Accepts the `UID` prefix (COPY, FETCH, STORE, SEARCH, MOVE, EXPUNGE). */
  readonly uid?: boolean;
  /**
   * RFC 3501 §7.4.1: false for FETCH, STORE, SEARCH — the dispatcher then does not
   * flush pending EXPUNGE responses after this command (EXISTS / FETCH FLAGS still go out).
   * The UID forms (UID FETCH/STORE/SEARCH) may carry EXPUNGE and get them flushed.
   */
  readonly expungeAfter?: boolean;
  /**
   * The command reads further client lines itself (IDLE, AUTHENTICATE): the
   * dispatcher must route buffered lines to `session.readLine()` while it runs.
   * (All commands run one at a time; this is informative.)
   */
  readonly interactive?: boolean;
  run(ctx: CommandContext): Promise<CommandResult>;
}
