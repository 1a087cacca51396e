/**
 * One IMAP connection: the state machine of RFC 3501 §3 (not authenticated →
 * authenticated → selected → logout, as a discriminated union: only the selected
 * state has a selected view), the input queue fed by the framer, output with
 * backpressure, and the pending untagged updates from the event bus, sent at the
 * moments RFC 3501 §7.4.1 allows (EXPUNGE never after FETCH, STORE or SEARCH).
 */
import type { TLSSocket } from 'node:tls';
import type { Readable } from 'node:stream';
import type { Logger } from '../shared/logger.js';
import type { ChangeEvent } from '../events/bus.js';
import type { ImapSession, ImapServices, SessionStateName } from './commands/types.js';
import { Framer, type FrameEvent } from './protocol/framing.js';
import type { View } from './selected-view.js';
import { DeflateLink } from './compress.js';
import { dispatch } from './dispatch.js';
import { getFolderById, isNoselect } from '../store/folders.js';
import type { AuthenticateFn, AuthResult, MailboxAccessFn } from './auth-adapter.js';
import { PendingUpdates } from './pending-updates.js';
import { announceKeywords, reportExists, reportExpunged } from './view-reports.js';
import { SessionOutput } from './session-output.js';
import type { SpoolArea } from './literal-spool.js';
import { releaseLiterals } from './protocol/tokens.js';

export type SessionState =
  | { name: 'not-authenticated' }
  | { name: 'authenticated'; mailboxId: number; address: string }
  | { name: 'selected'; mailboxId: number; address: string; view: View }
  | { name: 'logout' };

/** What the server gives each session besides the command services. */
export interface SessionHost {
  services: ImapServices;
  hostname: string;
  authenticate: AuthenticateFn;
  mailboxAccess: MailboxAccessFn;
  /** Called on successful login; false → per-user connection limit reached. */
  onLogin(session: Session, mailboxId: number): boolean;
  onClose(session: Session): void;
  /** Literal limit for authenticated sessions (APPENDLIMIT). */
  maxLiteralBytes: number;
  /** Temporary area for large literals (authenticated sessions only). */
  spool?: SpoolArea;
}

let sidCounter = 0;

/** Pause reading when this many commands are queued (a pipelining client)... */
const MAX_QUEUED = 32;
/** ...or when queued commands hold this many bytes (literals): at most about one message waits. */
const MAX_QUEUED_BYTES = 1024 * 1024;

export class Session implements ImapSession {
  readonly id: string;
  log: Logger;
  readonly remoteAddress: string;
  private _state: SessionState = { name: 'not-authenticated' };
  /** The credential stamp of the login: a password change ends the session (recheckAccess). */
  private credential = '';
  private readonly framer: Framer;
  private readonly queue: FrameEvent[] = [];
  private queuedBytes = 0;
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly output: SessionOutput;
  private readonly pending = new PendingUpdates();
  /** Stop hearing the selected folder's changes (nothing while none is selected). */
  private unsubscribe: () => void = () => {};
  private readonly _enabled = new Set<string>();
  private _condstore = false;
  clientName: string | undefined;
  private idling = false;
  /** Failed logins and consecutive BAD replies in this connection. */
  private authFailures = 0;
  badInARow = 0;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly socket: TLSSocket,
    readonly host: SessionHost,
  ) {
    // Unique across the workers of a cluster too: a change's `origin` names the session that made it.
    this.id = `${process.pid.toString(36)}-${(Date.now() % 1e8).toString(36)}-${(++sidCounter).toString(36)}`;
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.log = host.services.log.child({ sid: this.id });
    this.output = new SessionOutput(socket, () => this.log, () => this.closed, () => this.end());
    const cfg = host.services.config.imap;
    this.framer = new Framer({
      maxLineBytes: cfg.maxLineBytes,
      literalLimit: () => (this._state.name === 'not-authenticated' ? Math.min(cfg.maxLineBytes, host.maxLiteralBytes) : host.maxLiteralBytes),
      discardOversized: () => this._state.name !== 'not-authenticated',
      openLiteral: (size, before) => {
        const spool = host.spool;
        const mailboxId = this.mailboxId;
        if (!spool || mailboxId === undefined || before + size <= spool.limits.spoolAbove) return undefined;
        return spool.open(size, mailboxId);
      },
    });
    socket.setTimeout(cfg.unauthTimeoutMs);
    // Responses are many small lines: without this, Nagle + delayed ACK add ~40 ms to replies.
    socket.setNoDelay(true);
    socket.on('timeout', () => {
      this.log.info({ state: this._state.name }, 'autologout');
      this.bye('Autologout; idle for too long').catch(() => undefined);
    });
    socket.on('data', (chunk: Buffer) => (this.link ? this.link.input(chunk) : this.onData(chunk)));
    socket.on('close', () => this.onSocketClose());
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
  }

  // ---- state ----

  get state(): SessionStateName {
    return this._state.name;
  }

  get fullState(): SessionState {
    return this._state;
  }

  get mailboxId(): number | undefined {
    const s = this._state;
    return s.name === 'authenticated' || s.name === 'selected' ? s.mailboxId : undefined;
  }

  get address(): string | undefined {
    const s = this._state;
    return s.name === 'authenticated' || s.name === 'selected' ? s.address : undefined;
  }

  get selected(): View | undefined {
    return this._state.name === 'selected' ? this._state.view : undefined;
  }

  get enabled(): ReadonlySet<string> {
    return this._enabled;
  }

  get condstore(): boolean {
    return this._condstore || this._enabled.has('CONDSTORE') || this._enabled.has('QRESYNC');
  }

  enableCondstore(): void {
    // RFC 7162 §3.1: the first CONDSTORE-enabling command on a selected folder reports its HIGHESTMODSEQ
    if (!this.condstore && this.selected) {
      const f = getFolderById(this.host.services.db, this.selected.folderId);
      if (f) this.queueUntagged(`* OK [HIGHESTMODSEQ ${f.highestmodseq}] Highest`);
    }
    this._condstore = true;
  }

  enable(ext: string): void {
    this._enabled.add(ext);
    if (ext === 'QRESYNC') this._enabled.add('CONDSTORE');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  setClientName(name: string): void {
    this.clientName = name;
  }

  authenticate(user: string, password: string): Promise<AuthResult> {
    return this.host.authenticate({
      address: user,
      password,
      protocol: 'imap',
      remote: this.remoteAddress,
      ...(this.clientName ? { client: this.clientName } : {}),
    });
  }

  countAuthFailure(): number {
    return ++this.authFailures;
  }

  logIn(login: { mailboxId: number; address: string; credential: string }): boolean {
    if (!this.host.onLogin(this, login.mailboxId)) return false;
    this._state = { name: 'authenticated', mailboxId: login.mailboxId, address: login.address };
    this.credential = login.credential;
    this.socket.setTimeout(this.host.services.config.imap.idleTimeoutMs);
    this.log = this.log.child({ mailbox: login.address });
    return true;
  }

  select(view: View): void {
    const s = this._state;
    if (s.name !== 'authenticated' && s.name !== 'selected') throw new Error('select outside authenticated state');
    this.pending.clear();
    this._state = { name: 'selected', mailboxId: s.mailboxId, address: s.address, view };
    this.unsubscribe();
    this.unsubscribe = this.host.services.bus.subscribeFolder(view.folderId, (ev) => this.onChange(ev));
  }

  /** selected → authenticated (CLOSE, UNSELECT, a failed SELECT). */
  unselect(): void {
    const s = this._state;
    if (s.name === 'selected') this._state = { name: 'authenticated', mailboxId: s.mailboxId, address: s.address };
    this.pending.clear();
    this.unsubscribe();
    this.unsubscribe = () => {};
  }

  /** → logout (LOGOUT: the caller has sent `* BYE`). */
  setLogout(): void {
    this._state = { name: 'logout' };
  }

  // ---- input ----

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let events: FrameEvent[];
    try {
      events = this.framer.push(chunk);
    } catch (err) {
      this.log.error({ err }, 'framer failed');
      this.bye('Internal error').catch(() => undefined);
      return;
    }
    for (const ev of events) {
      if (ev.kind === 'continue') {
        this.output.literalGoAhead().catch(() => undefined);
        continue;
      }
      this.queue.push(ev);
      if (ev.kind === 'command') this.queuedBytes += ev.command.bytes;
    }
    if (this.queue.length >= MAX_QUEUED || this.queuedBytes >= MAX_QUEUED_BYTES) this.socket.pause();
    if (this.wake) {
      const w = this.wake;
      this.wake = undefined;
      w();
    }
  }

  private async nextEvent(): Promise<FrameEvent | undefined> {
    while (this.queue.length === 0) {
      if (this.closed) return undefined;
      await new Promise<void>((r) => (this.wake = r));
    }
    const ev = this.queue.shift()!;
    if (ev.kind === 'command') this.queuedBytes -= ev.command.bytes;
    if (this.queue.length < MAX_QUEUED / 4 && this.queuedBytes < MAX_QUEUED_BYTES && this.socket.isPaused()) this.socket.resume();
    return ev;
  }

  /** The command loop: one command at a time, in order. */
  async run(): Promise<void> {
    try {
      for (;;) {
        if (this.closed || this._state.name === 'logout') break;
        const ev = await this.nextEvent();
        if (!ev) break;
        await dispatch(this, ev);
      }
    } catch (err) {
      this.log.error({ err }, 'session loop failed');
    }
    this.end();
  }

  async readLine(): Promise<string | undefined> {
    const ev = await this.nextEvent();
    if (!ev) return undefined;
    if (ev.kind === 'command') {
      // a line read by IDLE / AUTHENTICATE carries no literal that anyone will read
      releaseLiterals(ev.command.literals);
      return ev.command.lines.join('');
    }
    return '';
  }

  // ---- output (session-output.ts) ----

  write(data: string | Buffer): Promise<void> {
    return this.output.write(data);
  }

  private afterTagged: (() => void) | undefined;
  /** The compressor's inflating side, once COMPRESS is on. */
  private link: DeflateLink | undefined;

  get compressed(): boolean {
    return this.output.compressed;
  }

  /**
   * RFC 4978 §3: compression starts right after the tagged OK of COMPRESS — that
   * line still goes out plain — and covers both directions from then on.
   */
  compressAfterReply(): void {
    this.afterTagged = () => {
      this.link = new DeflateLink(this.socket, {
        onInput: (chunk) => this.onData(chunk),
        onError: (err) => {
          this.log.info({ err: err.message }, 'compressed stream broken');
          this.socket.destroy();
        },
      });
      this.output.compressWith(this.link);
    };
  }

  /** Called by the dispatcher once a command's tagged response is written. */
  taggedSent(): void {
    const f = this.afterTagged;
    this.afterTagged = undefined;
    f?.();
  }



  send(line: string): Promise<void> {
    return this.output.write(line + '\r\n');
  }

  continueRequest(text: string): Promise<void> {
    return this.output.write(`+ ${text}\r\n`);
  }

  writeLiteral(prefix: string, size: number, body: Buffer | Buffer[] | Readable | AsyncIterable<Buffer>, suffix: string): Promise<void> {
    return this.output.writeLiteral(prefix, size, body, suffix);
  }

  /** `* BYE reason` and close. */
  private byeSent = false;
  async bye(reason: string): Promise<void> {
    if (this.closed || this.byeSent) return;
    this.byeSent = true;
    await this.send(`* BYE ${reason}`);
    this.end();
  }

  /** Close the connection (after the last response was written). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    if (this._state.name !== 'logout') this._state = { name: 'logout' };
    this.output.end();
    // a client that does not close its side is cut off after a moment
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.cleanup();
  }

  private onSocketClose(): void {
    this.closed = true;
    this.cleanup();
    if (this.wake) {
      const w = this.wake;
      this.wake = undefined;
      w();
    }
  }

  private cleaned = false;
  private readonly started = Date.now();
  private cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    // what was received but will never run gives its temporary space back
    this.framer.abort();
    for (const ev of this.queue.splice(0)) if (ev.kind === 'command') releaseLiterals(ev.command.literals);
    this.queuedBytes = 0;
    this.log.debug({ ms: Date.now() - this.started, read: this.socket.bytesRead, written: this.socket.bytesWritten }, 'imap connection closed');
    this.unsubscribe();
    this.host.onClose(this);
  }

  // ---- changes from other sessions (event bus) ----

  private onChange(ev: ChangeEvent): void {
    if (this.closed) return;
    const s = this._state;
    if (ev.type === 'access') return; // the server ends the sessions of that mailbox
    if (s.name !== 'selected') return;
    if (ev.type === 'folder') {
      if (ev.folderId === s.view.folderId) this.folderChanged(s.view, ev.change);
      return;
    }
    if (!this.pending.note(ev, s.view, this.id)) return;
    if (this.idling) this.flushUpdates(true).catch((err: unknown) => this.log.error({ err }, 'flushing updates failed'));
  }

  /** The selected folder was renamed or deleted by another session or the CLI. */
  private folderChanged(view: View, change: 'deleted' | 'renamed' | 'created'): void {
    const f = getFolderById(this.host.services.db, view.folderId);
    if (change === 'deleted' || !f || isNoselect(f)) {
      this.bye('Selected folder was deleted').catch(() => undefined);
      return;
    }
    view.folderName = f.name;
  }

  /** Re-check that the mailbox may still be used (the server calls this on control-counter changes). */
  async recheckAccess(): Promise<void> {
    const id = this.mailboxId;
    if (id === undefined || this.closed) return;
    const r = await this.host.mailboxAccess(id, this.credential);
    if (!r.ok) await this.bye('Access to this mailbox has been withdrawn');
  }

  async startIdle(): Promise<void> {
    this.idling = true;
    await this.flushUpdates(true);
  }

  stopIdle(): void {
    this.idling = false;
  }

  /** Write pending untagged updates; EXPUNGE only when `expunge` (RFC 3501 §7.4.1). Serialized. */
  async flushUpdates(expunge: boolean): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.doFlush(expunge);
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  queueUntagged(line: string): void {
    this.pending.queueLine(line);
    if (this.idling) this.flushUpdates(true).catch((err: unknown) => this.log.error({ err }, 'flushing updates failed'));
  }

  private async doFlush(expunge: boolean): Promise<void> {
    if (this.closed) return;
    await this.pending.flush(this, this.host.services.db, expunge);
  }

  announceKeywords(keywords: string): Promise<void> {
    return announceKeywords(this, keywords);
  }

  reportExpunged(uids: number[]): Promise<void> {
    return reportExpunged(this, uids);
  }

  reportExists(uids: number[]): Promise<void> {
    return reportExists(this, this.host.services.db, uids);
  }
}
