/**
 * Running a compiled Sieve script against one message for one recipient
 * (RFC 5228 §2.10): the result is the list of actions to take. The implicit keep
 * (§2.10.2) stays unless fileinto, redirect, discard or reject cancels it
 * (`:copy` does not, RFC 3894 §3). imap4flags (RFC 5232) keeps the internal flag
 * variable that keep and fileinto use when they have no `:flags`. A run that
 * breaks a rule — more actions or redirects than the limits, reject together with
 * keep, fileinto, redirect or vacation (RFC 5429 §2.1), two vacations (RFC 5230
 * §4) — ends with the error and the implicit keep alone (§2.10.6). Pure.
 */
import type { Compiled, TagValue } from './validate.js';
import { addressPart, anyMatch, type AddressPart, type Comparator, type MatchType } from './match.js';

export type BodyTransform = { kind: 'raw' } | { kind: 'text' } | { kind: 'content'; types: string[] };

/** What a script can ask of the message; given by the delivery step. */
export interface SieveMessage {
  /** Decoded values of the top-level header fields of that name, in order. */
  header(name: string): string[];
  /** Addresses (local@domain) in the top-level header fields of that name. */
  addresses(name: string): string[];
  /** The envelope part ("from", "to"); an unknown part has none. */
  envelope(part: string): string[];
  size: number;
  body(t: BodyTransform): string[];
  mailboxExists(name: string): boolean;
}

export interface SieveLimits {
  maxActions: number;
  maxRedirects: number;
  /** vacation's :days when the script gives none, and its least value. */
  vacationDays: number;
  vacationMinDays: number;
}

export interface VacationAction {
  type: 'vacation';
  reason: string;
  subject: string | null;
  from: string | null;
  addresses: string[];
  mime: boolean;
  days: number;
  handle: string;
}

export type SieveAction =
  | { type: 'keep'; flags: string[] }
  | { type: 'fileinto'; folder: string; flags: string[]; create: boolean }
  | { type: 'redirect'; address: string }
  | { type: 'reject'; reason: string; ereject: boolean }
  | { type: 'discard' }
  | VacationAction;

export interface SieveOutcome {
  actions: SieveAction[];
  /** A run-time error: the actions are then the implicit keep alone. */
  error?: string;
}

class RunError extends Error {}
class Stop extends Error {}

const strs = (v: TagValue | undefined): string[] | undefined => (Array.isArray(v) ? v : undefined);
const matchOf = (t: Compiled['tags']): MatchType => (t.contains ? 'contains' : t.matches ? 'matches' : 'is');
const comparatorOf = (t: Compiled['tags']): Comparator => (strs(t.comparator)?.[0] === 'i;octet' ? 'i;octet' : 'i;ascii-casemap');
const partOf = (t: Compiled['tags']): AddressPart => (t.localpart ? 'localpart' : t.domain ? 'domain' : 'all');

/** RFC 5232 §3: each string may hold several flags separated by spaces; duplicates fold case-insensitively. */
function flagList(list: string[]): string[] {
  const out: string[] = [];
  for (const s of list) for (const f of s.split(/\s+/)) if (f && !out.some((o) => o.toLowerCase() === f.toLowerCase())) out.push(f);
  return out;
}

/** One run: the actions so far, the implicit keep, the imap4flags variable, the redirect count. */
class Run {
  readonly actions: SieveAction[] = [];
  implicitKeep = true;
  flags: string[] = [];
  redirects = 0;

  constructor(
    private readonly msg: SieveMessage,
    private readonly limits: SieveLimits,
  ) {}

  add(a: SieveAction): void {
    if (this.actions.length >= this.limits.maxActions) throw new RunError(`more than ${this.limits.maxActions} actions`);
    this.actions.push(a);
  }

  test(t: Compiled): boolean {
    const { msg } = this;
    const [a0, a1] = t.args as string[][];
    const cmp = (values: string[], keys: string[]) => anyMatch(values, keys, matchOf(t.tags), comparatorOf(t.tags));
    switch (t.name) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'not':
        return !this.test(t.tests[0]!);
      case 'allof':
        return t.tests.every((x) => this.test(x));
      case 'anyof':
        return t.tests.some((x) => this.test(x));
      case 'exists':
        return a0!.every((h) => msg.header(h).length > 0);
      case 'size': {
        const over = t.tags.over;
        return typeof over === 'number' ? msg.size > over : msg.size < (t.tags.under as number);
      }
      case 'header':
        return cmp(a0!.flatMap((h) => msg.header(h)), a1!);
      case 'address':
        return cmp(a0!.flatMap((h) => msg.addresses(h)).map((x) => addressPart(x, partOf(t.tags))), a1!);
      case 'envelope':
        return cmp(a0!.flatMap((p) => msg.envelope(p.toLowerCase())).map((x) => addressPart(x, partOf(t.tags))), a1!);
      case 'body': {
        const tr: BodyTransform = t.tags.raw ? { kind: 'raw' } : strs(t.tags.content) ? { kind: 'content', types: strs(t.tags.content)! } : { kind: 'text' };
        // RFC 5173 §5: the default match type is :is here too; :contains is what scripts use.
        return cmp(msg.body(tr), a0!);
      }
      case 'mailboxexists':
        return a0!.every((m) => msg.mailboxExists(m));
      case 'hasflag':
        return cmp(this.flags, a0!);
      default:
        throw new RunError(`unknown test ${t.name}`);
    }
  }

  block(cmds: Compiled[]): void {
    let taken = false;
    for (const c of cmds) {
      if (c.name === 'if') taken = false;
      if (c.name === 'if' || c.name === 'elsif') {
        if (!taken && this.test(c.tests[0]!)) {
          taken = true;
          this.block(c.block!);
        }
        continue;
      }
      if (c.name === 'else') {
        if (!taken) this.block(c.block!);
        taken = true;
        continue;
      }
      this.command(c);
    }
  }

  command(c: Compiled): void {
    const first = (c.args[0] as string[] | undefined) ?? [];
    switch (c.name) {
      case 'require':
        return;
      case 'stop':
        throw new Stop();
      case 'keep':
        this.add({ type: 'keep', flags: flagList(strs(c.tags.flags) ?? this.flags) });
        this.implicitKeep = false;
        return;
      case 'discard':
        this.implicitKeep = false;
        return;
      case 'fileinto':
        this.add({ type: 'fileinto', folder: first[0]!, flags: flagList(strs(c.tags.flags) ?? this.flags), create: c.tags.create === true });
        if (!c.tags.copy) this.implicitKeep = false;
        return;
      case 'redirect':
        if (++this.redirects > this.limits.maxRedirects) throw new RunError(`more than ${this.limits.maxRedirects} redirects`);
        this.add({ type: 'redirect', address: first[0]! });
        if (!c.tags.copy) this.implicitKeep = false;
        return;
      case 'reject':
      case 'ereject':
        this.add({ type: 'reject', reason: first[0]!, ereject: c.name === 'ereject' });
        this.implicitKeep = false;
        return;
      case 'vacation':
        return this.vacation(c, first[0]!);
      case 'setflag':
        this.flags = flagList(first);
        return;
      case 'addflag':
        this.flags = flagList([...this.flags, ...first]);
        return;
      case 'removeflag': {
        const gone = new Set(flagList(first).map((f) => f.toLowerCase()));
        this.flags = this.flags.filter((f) => !gone.has(f.toLowerCase()));
        return;
      }
      default:
        throw new RunError(`unknown command ${c.name}`);
    }
  }

  vacation(c: Compiled, reason: string): void {
    if (this.actions.some((a) => a.type === 'vacation')) throw new RunError('vacation used more than once (RFC 5230 §4)');
    const days = typeof c.tags.days === 'number' ? Math.max(c.tags.days, this.limits.vacationMinDays) : this.limits.vacationDays;
    const subject = strs(c.tags.subject)?.[0] ?? null;
    const from = strs(c.tags.from)?.[0] ?? null;
    const mime = c.tags.mime === true;
    // RFC 5230 §4.2: without :handle, replies with the same text count as one.
    const handle = strs(c.tags.handle)?.[0] ?? `auto\n${subject ?? ''}\n${from ?? ''}\n${mime}\n${reason}`;
    this.add({ type: 'vacation', reason, subject, from, addresses: strs(c.tags.addresses) ?? [], mime, days, handle });
  }
}

export function runScript(script: Compiled[], msg: SieveMessage, limits: SieveLimits): SieveOutcome {
  const run = new Run(msg, limits);
  try {
    try {
      run.block(script);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    }
    const { actions } = run;
    const reject = actions.find((a) => a.type === 'reject');
    if (reject && actions.some((a) => a !== reject && a.type !== 'discard')) {
      throw new RunError('reject cannot be combined with keep, fileinto, redirect or vacation (RFC 5429 §2.1)');
    }
    if (run.implicitKeep) actions.push({ type: 'keep', flags: flagList(run.flags) });
    return { actions };
  } catch (e) {
    if (e instanceof RunError) return { actions: [{ type: 'keep', flags: [] }], error: e.message };
    throw e;
  }
}
