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
  const { cfg, log } = deps;
  let sock: Socket = plain;
  const reader = new CommandReader({ maxLineBytes: 8192, maxLiteralBytes: cfg.sieve.maxScriptBytes + 1024 });
  let waiting: ((args: Arg[]) => void) | null = null;
  let busy = false;
  let closed = false;
  const remote = plain.remoteAddress ?? '';

  const s: SieveSession = {
    cfg,
    remote,
    secure: false,
    state: 'unauth' as SieveState,
    user: null,
    authFailures: 0,
    send: (text) => {
      if (!closed) sock.write(text);
    },
    capabilities: () => {
      const lines = [
        ['IMPLEMENTATION', 'gospochta'],
        ['SASL', s.secure ? 'PLAIN' : ''],
        ['SIEVE', EXTENSIONS.filter((e) => !e.startsWith('comparator-')).join(' ')],
        ...(s.secure ? [] : [['STARTTLS']]),
        ['MAXREDIRECTS', String(cfg.sieve.maxRedirects)],
        ['VERSION', '1.0'],
      ];
      return lines.map((l) => l.map(encodeString).join(' ') + '\r\n').join('') + response('OK', { text: 'gospochta ManageSieve ready' });
    },
    startTls: () =>
      new Promise<void>((resolve, reject) => {
        plain.removeListener('data', onData);
        const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: deps.secureContext() });
        secure.once('secure', () => {
          (s as { secure: boolean }).secure = true;
          resolve();
        });
        secure.once('error', reject);
        sock = secure;
        listen(secure);
      }),
    readString: () =>
      new Promise<string>((resolve) => {
        waiting = (args) => resolve(args[0]?.kind === 'string' ? args[0].value : args[0]?.value ?? '');
        pump();
      }),
    authenticate: (req) => deps.authenticate({ ...req, protocol: 'managesieve', remote }),
    ctx: (): IdentityContext => ({ db: deps.db, cfg, actor: `mailbox:${s.user?.address ?? ''}`, remote }),
    close: () => {
      if (closed) return;
      closed = true;
      sock.end();
      setTimeout(() => sock.destroy(), 2000).unref();
    },
  };

  const fail = (text: string, code?: string) => s.send(response('NO', { ...(code ? { code } : {}), text }));

  async function run(name: string, args: Arg[]): Promise<void> {
    const c = commands.get(name);
    if (!c) return fail(`Unknown command ${name}`);
    if (!c.states.includes(s.state)) return fail(s.state === 'unauth' ? 'Authenticate first' : `${name} is not allowed after authentication`);
    if (s.user && !sessionAccess(deps.db, s.user.mailboxId, s.user.credential).ok) {
      s.send(response('BYE', { text: 'Access to this mailbox has been withdrawn (blocked, deleted or password changed)' }));
      return s.close();
    }
    try {
      await c.run(s, args);
    } catch (e) {
      if (e instanceof CommandSyntax) return fail(e.message);
      if (isGpError(e) && e.kind !== 'internal') return fail(e.message, CODES[e.code]);
      log.error({ err: e, command: name }, 'managesieve: command failed');
      fail('Internal error; try again later');
    }
  }

  function pump(): void {
    if (busy && !waiting) return;
    try {
      for (;;) {
        if (closed) return;
        if (waiting) {
          const line = reader.nextLine();
          if (!line) return;
          const w = waiting;
          waiting = null;
          w(line);
          return;
        }
        if (busy) return;
        const cmd = reader.next();
        if (!cmd) return;
        busy = true;
        void run(cmd.name, cmd.args).finally(() => {
          busy = false;
          pump();
        });
        return;
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      s.send(response('BYE', { text: e.message }));
      s.close();
    }
  }

  function onData(chunk: Buffer): void {
    reader.push(chunk);
    pump();
  }

  function listen(x: Socket): void {
    x.on('data', onData);
    x.setTimeout(cfg.sieve.idleTimeoutMs, () => {
      s.send(response('BYE', { text: 'Idle for too long' }));
      s.close();
    });
    x.on('error', (e) => log.info({ err: e.message, remote }, 'managesieve: client connection error'));
  }

  plain.on('close', () => {
    closed = true;
    onEnd();
  });
  listen(plain);
  s.send(s.capabilities());
}
