/**
 * One POP3 connection (RFC 1939): lines in (CRLF, or a bare LF), commands run one
 * at a time in arrival order (so a pipelining client, RFC 2449 §6.6, is served),
 * the AUTHORIZATION and TRANSACTION states (§3), output with backpressure, the
 * inactivity autologout timer (§3, `pop3.idleTimeoutMs`), and the access re-check
 * before every command and when the server asks (a block, a password change, a
 * revoked app password ends the session without the UPDATE state).
 */
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../shared/logger.js';
import { safeText } from '../shared/text.js';
import type { Maildrop } from './maildrop.js';
import { pop3Login } from './login.js';
import { findCommand } from './registry.js';
import type { Pop3Context, Pop3Host, Pop3State } from './types.js';

/** RFC 2449 §4 allows 255 octets per command; a SASL response may be longer (RFC 5034 §4). */
const MAX_LINE = 4096;
/** Pause reading while this many lines wait. */
const MAX_QUEUED = 64;

let sidCounter = 0;

export class Pop3Session implements Pop3Context {
  readonly id = `p${(++sidCounter).toString(36)}`;
  log: Logger;
  readonly remoteAddress: string;
  state: Pop3State = 'authorization';
  maildrop: Maildrop | null = null;
  pendingUser: string | null = null;
  mailboxId: number | null = null;
  private credential = '';
  private authFailures = 0;
  private buf: Buffer = Buffer.alloc(0);
  private readonly lines: string[] = [];
  private lineWaiter: ((line: string) => void) | null = null;
  private running = false;
  private closed = false;

  constructor(
    private readonly socket: TLSSocket,
    readonly host: Pop3Host,
    log: Logger,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '';
    this.log = log.child({ sid: this.id });
    // Replies are small and awaited one by one: no Nagle delay behind the client's delayed ACK.
    socket.setNoDelay(true);
    socket.setTimeout(host.config.pop3.idleTimeoutMs);
    socket.on('timeout', () => {
      this.log.info('pop3: autologout timer expired');
      void this.finish('-ERR Autologout timer expired; nothing was deleted\r\n');
    });
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'pop3: socket error'));
    socket.on('close', () => this.closeNow());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (let i = this.buf.indexOf(0x0a); i >= 0; i = this.buf.indexOf(0x0a)) {
      const raw = this.buf.subarray(0, i);
      this.buf = this.buf.subarray(i + 1);
      this.lines.push(raw.toString('utf8').replace(/\r$/, ''));
    }
    if (this.buf.length > MAX_LINE) {
      void this.finish('-ERR Line too long\r\n');
      return;
    }
    if (this.lines.length >= MAX_QUEUED) this.socket.pause();
    this.pump();
  }

  private nextLine(): string | undefined {
    const l = this.lines.shift();
    if (this.lines.length < MAX_QUEUED / 2) this.socket.resume();
    return l;
  }

  private pump(): void {
    if (this.lineWaiter && this.lines.length) {
      const w = this.lineWaiter;
      this.lineWaiter = null;
      w(this.nextLine()!);
      return;
    }
    if (this.running || this.closed) return;
    this.running = true;
    void (async () => {
      try {
        for (let line = this.nextLine(); line !== undefined && !this.closed; line = this.nextLine()) await this.command(line);
      } catch (err) {
        this.log.error({ err }, 'pop3: command failed');
        await this.finish('-ERR [SYS/TEMP] Server error\r\n');
      } finally {
        this.running = false;
      }
      if (this.lines.length && !this.closed) this.pump();
    })();
  }

  readLine(): Promise<string> {
    const l = this.nextLine();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise<string>((resolve) => {
      this.lineWaiter = resolve;
    });
  }

  /** RFC 1939 §3: a keyword of 3–4 characters, case-insensitive, then arguments separated by one space. */
  private async command(line: string): Promise<void> {
    const sp = line.indexOf(' ');
    const name = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const args = sp < 0 ? '' : line.slice(sp + 1);
    const cmd = findCommand(name);
    if (!cmd) return this.err(`Unknown command ${safeText(name, 16)}`);
    if (!cmd.states.includes(this.state)) {
      return this.err(this.state === 'authorization' ? `${cmd.name} needs a login first` : `${cmd.name} is not allowed after login`);
    }
    if (this.state === 'transaction' && !(await this.stillAllowed())) return;
    await cmd.run(this, args);
  }

  private async stillAllowed(): Promise<boolean> {
    if (this.mailboxId === null) return true;
    const r = await this.host.mailboxAccess(this.mailboxId, this.credential);
    if (r.ok) return true;
    this.log.info({ reason: r.reason }, 'pop3: session ended, access withdrawn');
    await this.finish('-ERR [SYS/PERM] Access to this mailbox has been withdrawn (blocked, deleted, password changed or app password revoked); nothing was deleted\r\n');
    return false;
  }

  /** Asked by the server (control counter, access events): end the session if it may not go on. */
  async recheckAccess(): Promise<void> {
    if (this.closed || this.mailboxId === null) return;
    await this.stillAllowed();
  }

  async login(user: string, password: string): Promise<void> {
    const r = await pop3Login(this.host, { user, password, remote: this.remoteAddress, session: this });
    if (this.closed) {
      if (r.ok) this.host.releaseMaildrop(this);
      return;
    }
    if (!r.ok) {
      this.log.info({ user: safeText(user, 100) }, 'pop3: login refused');
      await this.err(r.reply);
      if (r.failure && ++this.authFailures >= this.host.config.pop3.maxAuthFailures) await this.finish('');
      return;
    }
    this.state = 'transaction';
    this.mailboxId = r.mailboxId;
    this.credential = r.credential;
    this.maildrop = r.maildrop;
    this.log = this.log.child({ mailbox: r.address });
    const { count, octets } = r.maildrop.stat();
    this.log.info('pop3: logged in');
    await this.ok(`Logged in; maildrop has ${count} messages (${octets} octets)`);
  }

  ok(text: string): Promise<void> {
    return this.write(`+OK ${text}\r\n`);
  }

  err(text: string): Promise<void> {
    return this.write(`-ERR ${text}\r\n`);
  }

  write(data: string | Buffer): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.resolve();
    if (this.socket.write(data)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  end(): void {
    void this.finish('');
  }

  /** Write `last` (if any) and close; the maildrop is released. */
  async finish(last: string): Promise<void> {
    if (this.closed) return;
    if (last) await this.write(last);
    this.closeNow();
    this.socket.end();
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    // A SASL exchange waiting for the client's response is cancelled (RFC 5034 §4 "*").
    const waiter = this.lineWaiter;
    this.lineWaiter = null;
    waiter?.('*');
    this.host.releaseMaildrop(this);
    this.host.onClose(this);
  }
}
