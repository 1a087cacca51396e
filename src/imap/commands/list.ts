/**
 * LIST — RFC 3501 §6.3.8 with LIST-EXTENDED (RFC 5258: selection options SUBSCRIBED,
 * REMOTE, RECURSIVEMATCH, SPECIAL-USE; return options SUBSCRIBED, CHILDREN,
 * SPECIAL-USE, STATUS; several patterns), CHILDREN (RFC 3348), SPECIAL-USE (RFC 6154)
 * and LIST-STATUS (RFC 5819). LSUB — RFC 3501 §6.3.9.
 *
 * Delimiter "/"; `*` matches anything, `%` anything but the delimiter; INBOX matches
 * case-insensitively. `LIST "" ""` answers the delimiter and root.
 */
import type { CommandContext, CommandModule } from './types.js';
import { args, lenientMailboxName, mailboxOut, ok, requireAuthenticated } from './helpers.js';
import { ProtocolError } from '../protocol/errors.js';
import { tokenText, type Token } from '../protocol/tokens.js';
import { listFolderTree, specialUseOf, type ListedFolder } from '../../store/folders.js';
import { statusItems, statusLine } from './status.js';

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
  subscribedOnly: boolean;
  specialUseOnly: boolean;
  recursiveMatch: boolean;
  returnSubscribed: boolean;
  returnStatus: string[] | undefined;
}

function readPatterns(t: Token, command: string): string[] {
  const toks = t.type === 'list' ? t.items : [t];
  if (!toks.length) throw new ProtocolError(`${command}: empty pattern list`);
  return toks.map((x) => {
    const s = tokenText(x);
    if (s === undefined) throw new ProtocolError(`${command}: pattern must be a string`);
    return lenientMailboxName(s);
  });
}

function attributes(f: ListedFolder, opts: ListOptions): string[] {
  const out: string[] = [];
  if (f.noselect) out.push('\\Noselect');
  out.push(f.hasChildren ? '\\HasChildren' : '\\HasNoChildren');
  const su = specialUseOf(f);
  if (su) out.push(su);
  if (opts.returnSubscribed || opts.subscribedOnly) if (f.subscribed) out.push('\\Subscribed');
  return out;
}

async function runList(ctx: CommandContext, lsub: boolean) {
  const mailboxId = requireAuthenticated(ctx);
  const cmd = ctx.name;
  const a = args(ctx);
  const opts: ListOptions = { subscribedOnly: lsub, specialUseOnly: false, recursiveMatch: false, returnSubscribed: false, returnStatus: undefined };
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
  const ref = lenientMailboxName(refRaw);
  const patTok = a.next('mailbox pattern');
  if (patTok.type === 'list' && lsub) throw new ProtocolError('LSUB: one pattern only');
  const patterns = readPatterns(patTok, cmd);
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
    await ctx.session.send(`* ${cmd} (\\Noselect) "/" ${root ? mailboxOut(root) : '""'}`);
    return ok(`${cmd} completed`);
  }

  const tree = listFolderTree(ctx.services.db, mailboxId);
  const matchers = patterns.map((p) => patternMatcher(ref + p));
  const sent = new Set<number>();
  for (const f of tree) {
    if (sent.has(f.id)) continue;
    if (!matchers.some((m) => m(f.name))) continue;
    if (opts.specialUseOnly && !specialUseOf(f)) continue;
    let childInfo = '';
    let lsubParent = false;
    if (opts.subscribedOnly && !f.subscribed) {
      const prefix = f.name + '/';
      const hasSubscribedChild = tree.some((c) => c.subscribed && c.name.startsWith(prefix));
      if (!hasSubscribedChild) continue;
      if (lsub) {
        // RFC 3501 §6.3.9: with "%", an unsubscribed parent of a subscribed name is returned as \Noselect
        if (!patterns[0]!.includes('%')) continue;
        lsubParent = true;
      } else {
        // RECURSIVEMATCH (RFC 5258 §3.5): a parent of subscribed folders is listed with CHILDINFO
        if (!opts.recursiveMatch) continue;
        childInfo = ' ("CHILDINFO" ("SUBSCRIBED"))';
      }
    }
    sent.add(f.id);
    const attrs = lsub ? (f.noselect || lsubParent ? ['\\Noselect'] : []) : attributes(f, opts);
    if (childInfo && !lsub) attrs.splice(attrs.indexOf('\\Subscribed'), attrs.includes('\\Subscribed') ? 1 : 0);
    await ctx.session.send(`* ${cmd} (${attrs.join(' ')}) "/" ${mailboxOut(f.name)}${childInfo}`);
    if (opts.returnStatus && !f.noselect) await ctx.session.send(statusLine(ctx, f, opts.returnStatus));
  }
  return ok(`${cmd} completed`);
}

export const listCommand: CommandModule = {
  name: 'LIST',
  states: ['authenticated', 'selected'],
  run: (ctx) => runList(ctx, false),
};

export const lsubCommand: CommandModule = {
  name: 'LSUB',
  states: ['authenticated', 'selected'],
  run: (ctx) => runList(ctx, true),
};
