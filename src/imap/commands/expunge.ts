/**
 * EXPUNGE — RFC 3501 §6.4.3, and UID EXPUNGE — RFC 4315 §2.1: remove the \Deleted
 * messages (of the set, for UID EXPUNGE) after commit, then report them: one
 * `* n EXPUNGE` per message, highest first so every number stays valid as the
 * earlier ones renumber, or `* VANISHED uids` with QRESYNC (RFC 7162 §3.2.10).
 * Also the CLOSE hook (§6.4.2): the same removal with no responses.
 */
import type { CommandContext, CommandModule } from './types.js';
import { Args } from '../protocol/args.js';
import { commandName, readOnlyRefusal } from './helpers.js';
import { parseSequenceSet } from '../protocol/sequence.js';
import { expungeDeleted } from '../../store/messages.js';

async function expunge(ctx: CommandContext, within?: number[]): Promise<number[]> {
  const view = ctx.session.selected!;
  return ctx.services.writer.run((db) => {
    const r = expungeDeleted(db, view.folderId, within);
    return { value: r.uids, events: r.events };
  });
}

export const expungeCommand: CommandModule = {
  name: 'EXPUNGE',
  states: ['selected'],
  uid: true,
  async run(ctx) {
    const name = commandName(ctx);
    const a = new Args(ctx.args, name);
    const view = ctx.session.selected!;
    let within: number[] | undefined;
    if (ctx.uid) within = view.resolveSet(parseSequenceSet(a.atom('sequence set')), true);
    a.end();
    if (view.readOnly) return readOnlyRefusal();
    if (within && within.length === 0) return { status: 'OK', text: `${name} completed` };
    const uids = await expunge(ctx, within);
    await ctx.session.reportExpunged(uids);
    return { status: 'OK', text: `${name} completed` };
  },
};

/** CLOSE (RFC 3501 §6.4.2): remove \Deleted messages silently. */
export async function silentExpunge(ctx: CommandContext): Promise<void> {
  await expunge(ctx);
}
