/**
 * One ManageSieve connection (RFC 5804): the greeting is the capability list
 * (§1.7, §2.4), then one command at a time. STARTTLS (§2.2) upgrades the same
 * socket with the server certificate; AUTHENTICATE PLAIN needs TLS. In the
 * authenticated state every command first re-checks the mailbox's access
 * (identity/access.ts: a block, deletion or password change ends the session
 * with BYE). Errors map here: a syntax error → NO, a GpError → NO with its
 * response code (§1.3: NONEXISTENT, ALREADYEXISTS, ACTIVE, QUOTA/…), anything
 * else → NO and a log line.
 */
import tls from 'node:tls';
import type { Socket } from 'node:net';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../shared/logger.js';
import type { AuthRequest, AuthResult } from '../identity/auth.js';
import type { IdentityContext } from '../identity/context.js';
import { sessionAccess } from '../identity/access.js';
import { isGpError } from '../shared/errors.js';
import { EXTENSIONS } from '../sieve/script.js';
import { CommandReader, ProtocolError, encodeString, response, type Arg } from './protocol.js';
import { CommandSyntax, type SieveSession, type SieveState } from './commands/types.js';
import { commands } from './registry.js';

export interface SessionDeps {
  cfg: Config;
  db: Db;
  log: Logger;
  secureContext: () => tls.SecureContext;
  authenticate: (req: AuthRequest) => Promise<AuthResult>;
}

const CODES: Record<string, string> = {
  NOT_FOUND: 'NONEXISTENT',
  ALREADYEXISTS: 'ALREADYEXISTS',
  ACTIVE: 'ACTIVE',
  QUOTA_MAXSIZE: 'QUOTA/MAXSIZE',
  QUOTA_MAXSCRIPTS: 'QUOTA/MAXSCRIPTS',
};

export function startSession(deps: SessionDeps, plain: Socket, onEnd: () => void): void {
  new Connection(deps, plain, onEnd).greet();
}

class Connection implements SieveSession {
  readonly cfg: Config;
  readonly remote: string;
  secure = false;
  state: SieveState = 'unauth';
  user: SieveSession['user'] = null;
  authFailures = 0;
  private sock: Socket;
  private readonly reader: CommandReader;
  private waiting: ((args: Arg[]) => void) | null = null;
  private busy = false;
  private closed = false;
  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
    this.pump();
  };

  constructor(
    private readonly deps: SessionDeps,
    private readonly plain: Socket,
    onEnd: () => void,
  ) {
    this.cfg = deps.cfg;
    this.remote = plain.remoteAddress ?? '';
    this.sock = plain;
    this.reader = new CommandReader({ maxLineBytes: 8192, maxLiteralBytes: deps.cfg.sieve.maxScriptBytes + 1024 });
    plain.on('close', () => {
      this.closed = true;
      onEnd();
    });
    this.listen(plain);
  }

  greet(): void {
    this.send(this.capabilities());
  }

  send(text: string): void {
    if (!this.closed) this.sock.write(text);
  }

  capabilities(): string {
    const lines = [
      ['IMPLEMENTATION', 'gospochta'],
      ['SASL', this.secure ? 'PLAIN' : ''],
      ['SIEVE', EXTENSIONS.filter((e) => !e.startsWith('comparator-')).join(' ')],
      ...(this.secure ? [] : [['STARTTLS']]),
      ['MAXREDIRECTS', String(this.cfg.sieve.maxRedirects)],
      ['VERSION', '1.0'],
    ];
    return lines.map((l) => l.map(encodeString).join(' ') + '\r\n').join('') + response('OK', { text: 'gospochta ManageSieve ready' });
  }

  startTls(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.plain.removeListener('data', this.onData);
      const secure = new tls.TLSSocket(this.plain, { isServer: true, secureContext: this.deps.secureContext() });
      secure.once('secure', () => {
        this.secure = true;
        resolve();
      });
      secure.once('error', reject);
      this.sock = secure;
      this.listen(secure);
    });
  }

  readString(): Promise<string> {
    return new Promise<string>((resolve) => {
      this.waiting = (args) => resolve(args[0]?.value ?? '');
      this.pump();
    });
  }

  authenticate(req: Omit<AuthRequest, 'protocol' | 'remote'>): Promise<AuthResult> {
    return this.deps.authenticate({ ...req, protocol: 'managesieve', remote: this.remote });
  }

  ctx(): IdentityContext {
    return { db: this.deps.db, cfg: this.cfg, actor: `mailbox:${this.user?.address ?? ''}`, remote: this.remote };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.end();
    setTimeout(() => this.sock.destroy(), 2000).unref();
  }

  private fail(text: string, code?: string): void {
    this.send(response('NO', { ...(code ? { code } : {}), text }));
  }

  private async run(name: string, args: Arg[]): Promise<void> {
    const c = commands.get(name);
    if (!c) return this.fail(`Unknown command ${name}`);
    if (!c.states.includes(this.state)) return this.fail(this.state === 'unauth' ? 'Authenticate first' : `${name} is not allowed after authentication`);
    if (this.user && !sessionAccess(this.deps.db, this.user.mailboxId, this.user.credential).ok) {
      this.send(response('BYE', { text: 'Access to this mailbox has been withdrawn (blocked, deleted or password changed)' }));
      return this.close();
    }
    try {
      await c.run(this, args);
    } catch (e) {
      if (e instanceof CommandSyntax) return this.fail(e.message);
      if (isGpError(e) && e.kind !== 'internal') return this.fail(e.message, CODES[e.code]);
      this.deps.log.error({ err: e, command: name }, 'managesieve: command failed');
      this.fail('Internal error; try again later');
    }
  }

  /** The next complete line: to a waiting SASL exchange, else as the next command (one at a time). */
  private pump(): void {
    if (this.closed || (this.busy && !this.waiting)) return;
    try {
      if (this.waiting) {
        const line = this.reader.nextLine();
        if (!line) return;
        const w = this.waiting;
        this.waiting = null;
        return w(line);
      }
      const cmd = this.reader.next();
      if (!cmd) return;
      this.busy = true;
      void this.run(cmd.name, cmd.args).finally(() => {
        this.busy = false;
        this.pump();
      });
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.send(response('BYE', { text: e.message }));
      this.close();
    }
  }

  private listen(x: Socket): void {
    x.on('data', this.onData);
    x.setTimeout(this.cfg.sieve.idleTimeoutMs, () => {
      this.send(response('BYE', { text: 'Idle for too long' }));
      this.close();
    });
    x.on('error', (e) => this.deps.log.info({ err: e.message, remote: this.remote }, 'managesieve: client connection error'));
  }
}
