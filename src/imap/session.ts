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
import { formatSequenceSet } from './protocol/sequence.js';
import { View } from './selected-view.js';
import { DeflateLink } from './compress.js';
import { dispatch } from './dispatch.js';
import { listUidsAbove, getMessages, claimRecent } from '../store/messages.js';
import { getFolderById, isNoselect } from '../store/folders.js';
import { toImapFlags } from '../store/flags.js';
import type { AuthenticateFn, MailboxAccessFn } from './auth-adapter.js';
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

/** Buffered output is handed to the socket at once above this many bytes (chars). */
const OUT_FLUSH_BYTES = 64 * 1024;
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
  private outLocked = false;
  private pendingContinues = 0;
  private readonly unsubscribe: () => void;
  private readonly _enabled = new Set<string>();
  private _condstore = false;
  clientName: string | undefined;
  clientId: Record<string, string> | undefined;
  private idling = false;
  /** Failed logins and consecutive BAD replies in this connection. */
  authFailures = 0;
  badInARow = 0;
  private flushing: Promise<void> | undefined;
  // pending updates for the selected folder
  private pendExists = false;
  private readonly pendFlags = new Set<number>();
  private readonly pendExpunge = new Set<number>();

  constructor(
    private readonly socket: TLSSocket,
    readonly host: SessionHost,
  ) {
    this.id = (Date.now() % 1e8).toString(36) + '-' + (++sidCounter).toString(36);
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.log = host.services.log.child({ sid: this.id });
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
    this.unsubscribe = host.services.bus.subscribe((ev) => this.onChange(ev));
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
    this._condstore = true;
  }

  enable(ext: string): void {
    this._enabled.add(ext);
    if (ext === 'QRESYNC') this._enabled.add('CONDSTORE');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** not-authenticated → authenticated (LOGIN, AUTHENTICATE). */
  loggedIn(mailboxId: number, address: string, credential: string): void {
    this._state = { name: 'authenticated', mailboxId, address };
    this.credential = credential;
    this.socket.setTimeout(this.host.services.config.imap.idleTimeoutMs);
    this.log = this.log.child({ mailbox: address });
  }

  /** authenticated/selected → selected. */
  selectView(view: View): void {
    const s = this._state;
    if (s.name !== 'authenticated' && s.name !== 'selected') throw new Error('select outside authenticated state');
    this.clearPending();
    this._state = { name: 'selected', mailboxId: s.mailboxId, address: s.address, view };
  }

  /** selected → authenticated (CLOSE, UNSELECT, a failed SELECT). */
  unselect(): void {
    const s = this._state;
    if (s.name === 'selected') this._state = { name: 'authenticated', mailboxId: s.mailboxId, address: s.address };
    this.clearPending();
  }

  /** → logout (LOGOUT: the caller has sent `* BYE`). */
  setLogout(): void {
    this._state = { name: 'logout' };
  }

  private clearPending(): void {
    this.pendExists = false;
    this.pendFlags.clear();
    this.pendExpunge.clear();
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
        this.sendContinue().catch(() => undefined);
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

  /** `+ Ready` for a synchronizing literal; never in the middle of a streamed literal. */
  private async sendContinue(): Promise<void> {
    if (this.outLocked) {
      this.pendingContinues++;
      return;
    }
    await this.write('+ Ready for literal data\r\n');
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

  // ---- output ----

  private waitDrain(): Promise<void> {
    const out = this.link ? this.link.output : this.socket;
    return new Promise((resolve) => {
      const done = () => {
        out.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      out.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /**
   * Output is coalesced: small writes collect in a buffer flushed on the next turn of
   * the event loop or once OUT_FLUSH_BYTES have gathered (one TLS record per batch,
   * not per response line); a write resolves at once unless a flush found the socket
   * full, then after 'drain'.
   */
  async write(data: string | Buffer): Promise<void> {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return;
    this.out.push(data);
    this.outBytes += data.length;
    if (this.outBytes >= OUT_FLUSH_BYTES) {
      if (!this.flushOut()) await this.waitDrain();
      return;
    }
    if (!this.outScheduled) {
      this.outScheduled = true;
      setImmediate(() => {
        this.outScheduled = false;
        this.flushOut();
      });
    }
  }

  private out: Array<string | Buffer> = [];
  private outBytes = 0;
  private outScheduled = false;

  /** Hand buffered output to the socket; false when the socket asks to wait for 'drain'. */
  private flushOut(): boolean {
    if (!this.out.length || this.socket.destroyed) return true;
    const parts = this.out;
    this.out = [];
    this.outBytes = 0;
    let ok = true;
    let text = '';
    const link = this.link;
    const put = (d: string | Buffer): boolean => (link ? link.write(d) : this.socket.write(d));
    for (const p of parts) {
      if (typeof p === 'string') text += p;
      else {
        if (text) ok = put(text) && ok;
        text = '';
        ok = put(p) && ok;
      }
    }
    if (text) ok = put(text) && ok;
    link?.flush();
    return ok;
  }

  private link: DeflateLink | undefined;
  private afterTagged: (() => void) | undefined;

  get compressed(): boolean {
    return this.link !== undefined;
  }

  /**
   * RFC 4978 §3: compression starts right after the tagged OK of COMPRESS — that
   * line still goes out plain — and covers both directions from then on.
   */
  compressAfterReply(): void {
    this.afterTagged = () => {
      this.flushOut();
      this.link = new DeflateLink(this.socket, {
        onInput: (chunk) => this.onData(chunk),
        onError: (err) => {
          this.log.info({ err: err.message }, 'compressed stream broken');
          this.socket.destroy();
        },
      });
    };
  }

  /** Called by the dispatcher once a command's tagged response is written. */
  taggedSent(): void {
    const f = this.afterTagged;
    this.afterTagged = undefined;
    f?.();
  }

  send(line: string): Promise<void> {
    return this.write(line + '\r\n');
  }

  continueRequest(text: string): Promise<void> {
    return this.write(`+ ${text}\r\n`);
  }

  async writeLiteral(
    prefix: string,
    size: number,
    body: Buffer | Buffer[] | Readable | AsyncIterable<Buffer>,
    suffix: string,
  ): Promise<void> {
    this.outLocked = true;
    try {
      await this.write(`${prefix}{${size}}\r\n`);
      let sent = 0;
      const chunks: Iterable<Buffer> | AsyncIterable<Buffer> = Buffer.isBuffer(body) ? [body] : body;
      try {
        for await (const c of chunks as AsyncIterable<Buffer>) {
          if (this.closed) return;
          const b = sent + c.length > size ? c.subarray(0, size - sent) : c;
          sent += b.length;
          await this.write(b);
          if (sent >= size) break;
        }
      } catch (err) {
        // The literal is half sent: nothing can be said to the client any more. Cut the
        // connection rather than hand it corrupt data.
        this.log.error({ err, size, sent }, 'literal source failed; closing the connection');
        this.end();
        throw err;
      }
      if (sent < size) {
        this.log.error({ size, sent }, 'literal source shorter than announced; closing the connection');
        this.end();
        return;
      }
      await this.write(suffix);
    } finally {
      this.outLocked = false;
      while (this.pendingContinues > 0) {
        this.pendingContinues--;
        await this.write('+ Ready for literal data\r\n');
      }
    }
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
    this.flushOut();
    if (this.link) this.link.end();
    else this.socket.end();
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
    const view = s.view;
    switch (ev.type) {
      case 'exists':
        if (ev.folderId === view.folderId) this.pendExists = true;
        break;
      case 'flags':
        if (ev.folderId === view.folderId && ev.origin !== this.id) for (const u of ev.uids) this.pendFlags.add(u);
        break;
      case 'expunge':
        if (ev.folderId === view.folderId) for (const u of ev.uids) this.pendExpunge.add(u);
        break;
      case 'folder':
        if (ev.folderId === view.folderId) this.folderChanged(view, ev.change);
        return;
    }
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

  private readonly pendLines: string[] = [];

  queueUntagged(line: string): void {
    this.pendLines.push(line);
    if (this.idling) this.flushUpdates(true).catch((err: unknown) => this.log.error({ err }, 'flushing updates failed'));
  }

  private async doFlush(expunge: boolean): Promise<void> {
    if (this.closed) return;
    while (this.pendLines.length) await this.send(this.pendLines.shift()!);
    const view = this.selected;
    if (!view) return;
    const db = this.host.services.db;
    if (expunge && this.pendExpunge.size) {
      const uids = [...this.pendExpunge];
      this.pendExpunge.clear();
      await this.reportExpunged(uids);
    }
    if (this.pendExists) {
      this.pendExists = false;
      const fresh = listUidsAbove(db, view.folderId, view.maxUid).filter((u) => !this.pendExpunge.has(u));
      if (fresh.length) await this.reportExists(fresh);
    }
    if (this.pendFlags.size) {
      const uids = [...this.pendFlags].filter((u) => view.has(u));
      this.pendFlags.clear();
      if (uids.length) {
        const rows = getMessages(db, view.folderId, uids);
        for (const r of rows) {
          const seq = view.uidToSeq(r.uid);
          if (seq === undefined) continue;
          await this.announceKeywords(r.keywords);
          const flags = toImapFlags(r.flags, r.keywords);
          if (view.recent.has(r.uid)) flags.push('\\Recent');
          const modseq = this.condstore ? ` MODSEQ (${r.modseq})` : '';
          await this.send(`* ${seq} FETCH (UID ${r.uid} FLAGS (${flags.join(' ')})${modseq})`);
        }
      }
    }
  }

  /** `* FLAGS` and `* OK [PERMANENTFLAGS]` lines for the selected view (system flags and its keywords). */
  flagsLines(): string[] {
    const view = this.selected;
    if (!view) return [];
    const kw = [...view.keywords.values()];
    const all = [SYSTEM_FLAG_NAMES, ...kw].join(' ');
    return [
      `* FLAGS (${all})`,
      view.readOnly ? '* OK [PERMANENTFLAGS ()] No permanent flags permitted' : `* OK [PERMANENTFLAGS (${all} \\*)] Flags permitted`,
    ];
  }

  /**
   * RFC 3501 §7.2.6: before a FETCH shows a keyword the client has not been told of,
   * send FLAGS (and PERMANENTFLAGS) naming it. `keywords` is the stored space-separated string.
   */
  async announceKeywords(keywords: string): Promise<void> {
    const view = this.selected;
    if (!view || !keywords) return;
    let added = false;
    for (const k of keywords.split(' ')) {
      const low = k.toLowerCase();
      if (!k || view.keywords.has(low)) continue;
      view.keywords.set(low, k);
      added = true;
    }
    if (added) for (const l of this.flagsLines()) await this.send(l);
  }

  async reportExpunged(uids: number[]): Promise<void> {
    const view = this.selected;
    if (!view) return;
    const present = uids.filter((u) => view.has(u)).sort((a, b) => b - a);
    if (!present.length) return;
    if (this._enabled.has('QRESYNC')) {
      for (const u of present) view.remove(u);
      await this.send(`* VANISHED ${uidSetString(present)}`);
      return;
    }
    for (const u of present) {
      const seq = view.remove(u);
      if (seq !== undefined) await this.send(`* ${seq} EXPUNGE`);
    }
  }

  async reportExists(uids: number[]): Promise<void> {
    const view = this.selected;
    if (!view) return;
    const added = view.append(uids);
    if (!added) return;
    if (!view.readOnly) {
      const before = claimRecent(this.host.services.db, view.folderId);
      for (const u of uids) if (u > before) view.recent.add(u);
    }
    await this.send(`* ${view.exists} EXISTS`);
    await this.send(`* ${view.recent.size} RECENT`);
  }
}

/** A compact uid set `1:3,7,9:10` (RFC 3501 §9 sequence-set) from uids in any order. */
export const uidSetString = formatSequenceSet;

/** The system flags in FLAGS / PERMANENTFLAGS (RFC 3501 §2.3.2), \Recent excepted. */
export const SYSTEM_FLAG_NAMES = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

