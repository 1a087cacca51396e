/**
 * A ManageSieve command module (RFC 5804 §2): its name, the states it is allowed
 * in, and its run. A run writes its own reply lines through the session; a
 * GpError it throws becomes `NO (CODE) "message"` in one place (session.ts).
 */
import { response, type Arg } from '../protocol.js';
import type { Config } from '../../config/schema.js';
import type { IdentityContext } from '../../identity/context.js';
import type { AuthRequest, AuthResult } from '../../identity/auth.js';
import type { ScriptOwner } from '../../filters/scripts.js';

export type SieveState = 'unauth' | 'auth';

export interface SieveSession {
  readonly cfg: Config;
  readonly remote: string;
  readonly secure: boolean;
  state: SieveState;
  /** The authenticated mailbox (with the credential stamp of its login). */
  user: (ScriptOwner & { credential: string }) | null;
  authFailures: number;
  send(text: string): void;
  /** The capability lines and OK (§1.7), as after the greeting. */
  capabilities(): string;
  /** Upgrade the connection (STARTTLS, §2.2) after the OK went out. */
  startTls(): Promise<void>;
  /** Read the next client string (a SASL response, §2.1). */
  readString(): Promise<string>;
  authenticate(req: Omit<AuthRequest, 'protocol' | 'remote'>): Promise<AuthResult>;
  /** The identity context for changes: the mailbox is the actor. */
  ctx(): IdentityContext;
  close(): void;
}

export interface SieveCommand {
  name: string;
  states: SieveState[];
  run(s: SieveSession, args: Arg[]): Promise<void> | void;
}

/** The string arguments a command takes, or a syntax refusal (§2: NO for bad arguments). */
export function strings(args: Arg[], n: number, usage: string): string[] {
  if (args.length !== n || args.some((a) => a.kind !== 'string')) throw new CommandSyntax(`usage: ${usage}`);
  return args.map((a) => a.value);
}

export class CommandSyntax extends Error {}

/**
 * PUTSCRIPT, RENAMESCRIPT, SETACTIVE, DELETESCRIPT: a command of the
 * authenticated state taking `count` strings (`usage` shows them), done by `act`
 * for the session's mailbox, answered with a bare OK.
 */
export function scriptCommand(o: { name: string; count: number; usage: string; act: (ctx: IdentityContext, owner: ScriptOwner, values: string[]) => void }): SieveCommand {
  return {
    name: o.name,
    states: ['auth'],
    run(s, args) {
      const values = strings(args, o.count, `${o.name} ${o.usage}`);
      o.act(s.ctx(), s.user!, values);
      s.send(response('OK'));
    },
  };
}
