/**
 * LIST — RFC 3501 §6.3.8 with LIST-EXTENDED (RFC 5258: selection options SUBSCRIBED,
 * REMOTE, RECURSIVEMATCH, SPECIAL-USE; return options SUBSCRIBED, CHILDREN,
 * SPECIAL-USE, STATUS; several patterns), CHILDREN (RFC 3348), SPECIAL-USE (RFC 6154)
 * and LIST-STATUS (RFC 5819). LSUB — RFC 3501 §6.3.9.
 *
 * Subscriptions are names (store/folders.ts): LIST (SUBSCRIBED) answers a subscribed
 * name whose folder is gone with \NonExistent (RFC 5258 §3.1); RECURSIVEMATCH
 * answers a parent with CHILDINFO ("SUBSCRIBED") when it has subscribed names the
 * patterns do not match themselves (§3.5, as Dovecot does).
 *
 * Delimiter "/"; `*` matches anything, `%` anything but the delimiter; INBOX matches
 * case-insensitively. `LIST "" ""` answers the delimiter and root.
 *
 * After ENABLE IMAP4rev2 (RFC 9051 §6.3.9) a name kept only as a level of the
 * hierarchy (\Noselect, holding no messages) is also \NonExistent; after ENABLE
 * UTF8=ACCEPT or IMAP4rev2 names and patterns are UTF-8 (RFC 6855 §3).
 */
import type { CommandContext } from './types.js';
import { args, commandPair, lenientMailboxName, mailboxOut, ok, requireAuthenticated } from './helpers.js';
import { ProtocolError } from '../protocol/errors.js';
import { tokenText, type Token } from '../protocol/tokens.js';
import { listFolderTree, listSubscriptions, specialUseOf, type ListedFolder } from '../../store/folders.js';
import { statusItems, statusLine } from './status.js';
import { isRev2 } from '../extensions.js';

/** Compile a LIST pattern (already decoded from modified UTF-7) to a matcher. */
export function patternMatcher(pattern: string): (name: string) => boolean {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '%') re += '[^/]*';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp('^' + re + '$', 's');
  // INBOX is case-insensitive (RFC 3501 §5.1): match "inbox/..." patterns against INBOX names.
  const inboxRx = /^inbox(\/|$)/i.test(pattern) ? new RegExp('^' + 'INBOX' + re.slice(5) + '$', 's') : undefined;
  return (name) => rx.test(name) || (inboxRx !== undefined && inboxRx.test(name));
}

interface ListOptions {
  /** IMAP4rev2 enabled (RFC 9051 §6.3.9) */
  rev2: boolean;
  subscribedOnly: boolean;
  specialUseOnly: boolean;
  recursiveMatch: boolean;
  returnSubscribed: boolean;
  returnStatus: string[] | undefined;
}

function readPatterns(t: Token, command: string, utf8: boolean): string[] {
  const toks = t.type === 'list' ? t.items : [t];
  if (!toks.length) throw new ProtocolError(`${command}: empty pattern list`);
  return toks.map((x) => {
    const s = tokenText(x);
    if (s === undefined) throw new ProtocolError(`${command}: pattern must be a string`);
    return utf8 ? s : lenientMailboxName(s);
  });
}

/** The attributes of a folder's LIST line (also sent by SELECT under IMAP4rev2, RFC 9051 §6.3.2). */
export function listAttributes(f: ListedFolder, opts: Pick<ListOptions, 'rev2' | 'returnSubscribed' | 'subscribedOnly'>, subscribed: boolean): string[] {
  const out: string[] = [];
  if (f.noselect) out.push(...(opts.rev2 ? ['\\NonExistent', '\\Noselect'] : ['\\Noselect']));
  out.push(f.hasChildren ? '\\HasChildren' : '\\HasNoChildren');
  const su = specialUseOf(f);
  if (su) out.push(su);
  if ((opts.returnSubscribed || opts.subscribedOnly) && subscribed) out.push('\\Subscribed');
  return out;
}

async function runList(ctx: CommandContext, lsub: boolean) {
  const mailboxId = requireAuthenticated(ctx);
  const cmd = ctx.name;
  const a = args(ctx);
  const opts: ListOptions = { rev2: isRev2(ctx.session), subscribedOnly: lsub, specialUseOnly: false, recursiveMatch: false, returnSubscribed: false, returnStatus: undefined };
  if (!lsub && a.peek()?.type === 'list') {
    for (const o of a.list('selection options').items) {
      const v = o.type === 'atom' ? o.value.toUpperCase() : '';
      if (v === 'SUBSCRIBED') opts.subscribedOnly = true;
      else if (v === 'SPECIAL-USE') opts.specialUseOnly = true;
      else if (v === 'RECURSIVEMATCH') opts.recursiveMatch = true;
      else if (v === 'REMOTE') continue;
      else throw new ProtocolError(`${cmd}: unknown selection option ${v.slice(0, 30)}`);
    }
    if (opts.recursiveMatch && !opts.subscribedOnly) throw new ProtocolError(`${cmd}: RECURSIVEMATCH needs another selection option`);
  }
  const refRaw = a.astring('reference');
  const ref = a.utf8Names ? refRaw : lenientMailboxName(refRaw);
  const patTok = a.next('mailbox pattern');
  if (patTok.type === 'list' && lsub) throw new ProtocolError('LSUB: one pattern only');
  const patterns = readPatterns(patTok, cmd, a.utf8Names);
  if (a.remaining) {
    if (lsub) a.end();
    const r = a.atom('RETURN');
    if (r.toUpperCase() !== 'RETURN') throw new ProtocolError(`${cmd}: expected RETURN`);
    const rl = a.list('return options').items;
    for (let i = 0; i < rl.length; i++) {
      const o = rl[i]!;
      const v = o.type === 'atom' ? o.value.toUpperCase() : '';
      if (v === 'SUBSCRIBED') opts.returnSubscribed = true;
      else if (v === 'CHILDREN' || v === 'SPECIAL-USE') continue;
      else if (v === 'STATUS') {
        const l = rl[++i];
        if (!l || l.type !== 'list') throw new ProtocolError(`${cmd}: RETURN STATUS needs a list of items`);
        opts.returnStatus = statusItems(l.items, cmd);
      } else throw new ProtocolError(`${cmd}: unknown return option ${v.slice(0, 30)}`);
    }
  }
  a.end();

  // LIST "" "": the hierarchy delimiter and the root name (RFC 3501 §6.3.8)
  if (patterns.length === 1 && patterns[0] === '') {
    const root = ref.includes('/') ? ref.slice(0, ref.indexOf('/') + 1) : '';
    await ctx.session.send(`* ${cmd} (\\Noselect) "/" ${root ? mailboxOut(root, a.utf8Names) : '""'}`);
    return ok(`${cmd} completed`);
  }

  const db = ctx.services.db;
  const tree = listFolderTree(db, mailboxId);
  const byName = new Map(tree.map((f) => [f.name, f]));
  const subs = new Set(listSubscriptions(db, mailboxId));
  const matchers = patterns.map((p) => patternMatcher(ref + p));
  const matches = (name: string) => matchers.some((m) => m(name));
  /** A subscribed name below `name` that the patterns do not match itself (RFC 5258 §3.5 CHILDINFO). */
  const subscribedChildOutside = (name: string) => {
    const prefix = name + '/';
    for (const n of subs) if (n.startsWith(prefix) && !matches(n)) return true;
    return false;
  };
  const hasSubscribedChild = (name: string) => {
    const prefix = name + '/';
    for (const n of subs) if (n.startsWith(prefix)) return true;
    return false;
  };
  const send = async (name: string, attrs: string[], extra = '') => {
    await ctx.session.send(`* ${cmd} (${attrs.join(' ')}) "/" ${mailboxOut(name, a.utf8Names)}${extra}`);
  };
  const CHILDINFO = ' ("CHILDINFO" ("SUBSCRIBED"))';

  if (!opts.subscribedOnly) {
    for (const f of tree) {
      if (!matches(f.name)) continue;
      if (opts.specialUseOnly && !specialUseOf(f)) continue;
      await send(f.name, listAttributes(f, opts, subs.has(f.name)));
      if (opts.returnStatus && !f.noselect) await ctx.session.send(statusLine(ctx, f, opts.returnStatus));
    }
    return ok(`${cmd} completed`);
  }

  // SUBSCRIBED selection (and LSUB): subscribed names, existing or not, and their parents
  const names = new Set<string>(subs);
  for (const n of subs) for (let k = n.indexOf('/'); k > 0; k = n.indexOf('/', k + 1)) names.add(n.slice(0, k));
  const ordered = [...names].sort((x, y) => (x === 'INBOX' ? -1 : y === 'INBOX' ? 1 : x < y ? -1 : x > y ? 1 : 0));
  for (const name of ordered) {
    if (!matches(name)) continue;
    const f = byName.get(name);
    if (opts.specialUseOnly && !(f && specialUseOf(f))) continue;
    if (subs.has(name)) {
      if (lsub) {
        await send(name, f?.noselect ? ['\\Noselect'] : []);
        continue;
      }
      // RFC 5258 §3.1: a subscribed name whose folder is gone is \NonExistent
      const attrs = f ? listAttributes(f, opts, true) : ['\\Subscribed', '\\NonExistent'];
      await send(name, attrs, opts.recursiveMatch && subscribedChildOutside(name) ? CHILDINFO : '');
      if (f && opts.returnStatus && !f.noselect) await ctx.session.send(statusLine(ctx, f, opts.returnStatus));
      continue;
    }
    if (lsub) {
      // RFC 3501 §6.3.9: with "%", an unsubscribed parent of a subscribed name is returned as \Noselect
      if (patterns[0]!.includes('%') && hasSubscribedChild(name)) await send(name, ['\\Noselect']);
      continue;
    }
    // RECURSIVEMATCH (RFC 5258 §3.5): a parent of subscribed names the patterns do not reach itself
    if (!opts.recursiveMatch || !subscribedChildOutside(name)) continue;
    await send(name, f ? listAttributes(f, opts, false) : ['\\NonExistent'], CHILDINFO);
  }
  return ok(`${cmd} completed`);
}

export const [listCommand, lsubCommand] = commandPair(['LIST', 'LSUB'], runList);
