/**
 * COPY / UID COPY — RFC 3501 §6.4.7, with `[COPYUID uidvalidity src dst]` of
 * RFC 4315 §3. Copies reference the same blob. A missing target → `NO [TRYCREATE]`;
 * past the mailbox's quota → `NO [OVERQUOTA]` (RFC 9208 §4.2), nothing copied.
 * A copy into or out of Junk teaches the spam filter after the commit
 * (spam/training.ts), when one is configured.
 */
import type { CommandContext, CommandModule } from './types.js';
import { args, commandName, mailboxArg, readOnlyRefusal } from './helpers.js';
import { parseSequenceSet, formatSequenceSet } from '../protocol/sequence.js';
import { getFolder, getFolderById, isNoselect, type FolderRow } from '../../store/folders.js';
import { learnFromMove } from '../../spam/training.js';
import { copyMessages, type CopyResult } from '../../store/messages.js';
import type { Db } from '../../store/db.js';
import { GpError } from '../../shared/errors.js';
import { enforceQuota } from '../../store/quota.js';

/** Sequence set, then the target folder (shared with MOVE). */
export function copyArgs(ctx: CommandContext): { uids: number[]; target: FolderRow } {
  const a = args(ctx);
  const set = parseSequenceSet(a.atom('sequence set'));
  const name = mailboxArg(a);
  a.end();
  const view = ctx.session.selected!;
  const uids = view.resolveSet(set, ctx.uid);
  const target = getFolder(ctx.services.db, ctx.session.mailboxId!, name);
  if (!target) throw new GpError('TRYCREATE', `Folder "${name}" does not exist`);
  if (isNoselect(target)) throw new GpError('CANNOT', `"${name}" is not a folder that holds messages`);
  return { uids, target };
}

/** `COPYUID v src dst` (RFC 4315 §3): the store gives both lists ascending and pairwise, so compacting keeps the pairing. */
export function copyUidCode(uidvalidity: number, src: number[], dst: number[]): string {
  return `COPYUID ${uidvalidity} ${formatSequenceSet(src)} ${formatSequenceSet(dst)}`;
}

/** Copies and moves into or out of Junk teach the spam filter (spam/training.ts), after the commit. */
export function teachSpamFilter(ctx: CommandContext, target: FolderRow, dstUids: readonly number[]): void {
  const { db, config, log } = ctx.services;
  if (!config.spam.rspamdUrl) return;
  const from = getFolderById(db, ctx.session.selected!.folderId);
  if (from) learnFromMove({ cfg: config, db, log, from, to: target, uids: dstUids });
}

/**
 * COPY and MOVE (move.ts) are one command in two ways: the arguments, nothing to
 * do for an empty set, the store's transaction through the writer, what goes out
 * before the new messages of the selected folder are reported, then the spam
 * filter taught and the tagged OK (with `code`, when there is one).
 */
export function transferCommand<R extends CopyResult>(spec: {
  name: 'COPY' | 'MOVE';
  /** What the empty set's OK says there was nothing to do. */
  noun: 'copy' | 'move';
  /** Refused in a folder selected with EXAMINE. */
  writes: boolean;
  write: (ctx: CommandContext, db: Db, from: number, uids: number[], to: FolderRow) => R;
  /** Responses before the EXISTS of the selected folder (MOVE: its COPYUID and expunges). */
  announce?: (ctx: CommandContext, r: R) => Promise<void>;
  /** The tagged OK's response code. */
  code?: (r: R) => string | undefined;
}): CommandModule {
  return {
    name: spec.name,
    states: ['selected'],
    uid: true,
    async run(ctx) {
      const name = commandName(ctx);
      const { uids, target } = copyArgs(ctx);
      const view = ctx.session.selected!;
      if (spec.writes && view.readOnly) return readOnlyRefusal();
      if (uids.length === 0) return { status: 'OK', text: `${name} completed (nothing to ${spec.noun})` };
      const r = await ctx.services.writer.run((db) => {
        const c = spec.write(ctx, db, view.folderId, uids, target);
        return { value: c, events: c.events };
      });
      if (spec.announce) await spec.announce(ctx, r);
      if (target.id === view.folderId) await ctx.session.reportExists(r.dstUids);
      teachSpamFilter(ctx, target, r.dstUids);
      const code = spec.code?.(r);
      return code ? { status: 'OK', code, text: `${name} completed` } : { status: 'OK', text: `${name} completed` };
    },
  };
}

export const copyCommand = transferCommand({
  name: 'COPY',
  noun: 'copy',
  writes: false,
  write(ctx, db, from, uids, to) {
    const c = copyMessages(db, from, uids, to.id);
    // RFC 9208 §4.2: a COPY that would take the mailbox past a limit fails as a whole with NO [OVERQUOTA]
    const quota = ctx.services.writer.quota;
    if (quota) enforceQuota(db, { mailboxId: ctx.session.mailboxId!, bytes: 0, messages: 0, defaults: quota.defaults });
    return c;
  },
  code: (r) => (r.dstUids.length === 0 ? undefined : copyUidCode(r.uidvalidity, r.srcUids, r.dstUids)),
});

