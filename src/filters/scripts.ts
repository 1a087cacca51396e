/**
 * A mailbox's Sieve scripts, the same for ManageSieve (RFC 5804) and the CLI:
 * names of 1–128 characters without control characters (§1.6), at most
 * `sieve.maxScripts` scripts of at most `sieve.maxScriptBytes` each, a script
 * refused with its line and column before it is stored (§2.6 PUTSCRIPT), one
 * active at a time, the active one not deletable (§2.10). Every change is one
 * audit row, its actor the operator or the mailbox itself.
 */
import { GpError, invalid, notFound } from '../shared/errors.js';
import { audit } from '../store/audit.js';
import {
  deleteScript, getScript, listScripts, putScript, renameScript, scriptCount, setActiveScript, type SieveScriptRow,
} from '../store/filters.js';
import { compileScript, SieveSyntaxError } from '../sieve/script.js';
import { nowOf, type IdentityContext } from '../identity/context.js';

export interface ScriptOwner {
  mailboxId: number;
  address: string;
}

export function checkScriptName(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (!name || name.length > 128 || /[\x00-\x1f\x7f\u0080-\u009f\u2028\u2029]/.test(name)) throw invalid('script name', 'must be 1-128 characters without control characters');
  return name;
}

/** The script's text checked (size, syntax): a refusal names the line and column. */
export function checkScript(ctx: Pick<IdentityContext, 'cfg'>, content: string): void {
  if (Buffer.byteLength(content, 'utf8') > ctx.cfg.sieve.maxScriptBytes) {
    throw new GpError('QUOTA_MAXSIZE', `the script is larger than ${ctx.cfg.sieve.maxScriptBytes} bytes`, { kind: 'refusal' });
  }
  try {
    compileScript(content);
  } catch (e) {
    if (e instanceof SieveSyntaxError) throw new GpError('SIEVE_SYNTAX', e.message, { kind: 'refusal', details: { line: e.pos.line, column: e.pos.column } });
    throw e;
  }
}

const note = (ctx: IdentityContext, o: ScriptOwner, action: string, details: Record<string, unknown>): void =>
  audit(ctx.db, { actor: ctx.actor, subject: `mailbox:${o.address}`, action, mailboxId: o.mailboxId, remote: ctx.remote ?? null, details });

export function saveScript(ctx: IdentityContext, o: ScriptOwner, name: string, content: string): void {
  checkScriptName(name);
  checkScript(ctx, content);
  ctx.db.transaction(() => {
    if (!getScript(ctx.db, o.mailboxId, name) && scriptCount(ctx.db, o.mailboxId) >= ctx.cfg.sieve.maxScripts) {
      throw new GpError('QUOTA_MAXSCRIPTS', `at most ${ctx.cfg.sieve.maxScripts} scripts per mailbox`, { kind: 'refusal' });
    }
    putScript(ctx.db, { mailboxId: o.mailboxId, name, content, at: nowOf(ctx) });
    note(ctx, o, 'sieve.put', { name, bytes: Buffer.byteLength(content, 'utf8') });
  })();
}

export function readScript(ctx: IdentityContext, o: ScriptOwner, name: string): SieveScriptRow {
  const s = getScript(ctx.db, o.mailboxId, name);
  if (!s) throw notFound('script', name);
  return s;
}

export function scriptsOf(ctx: IdentityContext, o: ScriptOwner): SieveScriptRow[] {
  return listScripts(ctx.db, o.mailboxId);
}

/** RFC 5804 §2.8: an empty name deactivates every script. */
export function activateScript(ctx: IdentityContext, o: ScriptOwner, name: string): void {
  ctx.db.transaction(() => {
    if (!setActiveScript(ctx.db, o.mailboxId, name === '' ? null : name)) throw notFound('script', name);
    note(ctx, o, 'sieve.activate', { name: name || null });
  })();
}

export function removeScript(ctx: IdentityContext, o: ScriptOwner, name: string): void {
  ctx.db.transaction(() => {
    const s = getScript(ctx.db, o.mailboxId, name);
    if (!s) throw notFound('script', name);
    if (s.active) throw new GpError('ACTIVE', `${name} is the active script; activate another (or none) first`, { kind: 'refusal' });
    deleteScript(ctx.db, o.mailboxId, name);
    note(ctx, o, 'sieve.delete', { name });
  })();
}

export function renameOwnScript(ctx: IdentityContext, o: ScriptOwner, from: string, to: string): void {
  checkScriptName(to);
  ctx.db.transaction(() => {
    if (!getScript(ctx.db, o.mailboxId, from)) throw notFound('script', from);
    if (getScript(ctx.db, o.mailboxId, to)) throw new GpError('ALREADYEXISTS', `a script named ${to} already exists`, { kind: 'refusal' });
    renameScript(ctx.db, { mailboxId: o.mailboxId, from, to, at: nowOf(ctx) });
    note(ctx, o, 'sieve.rename', { from, to });
  })();
}
