/**
 * RETR — RFC 1939 §5: "+OK n octets", the message byte-stuffed (dot-stuff.ts),
 * then ".". Read from the store in chunks and written with backpressure, so a
 * large message is never held whole. A message another client expunged since the
 * session began is answered -ERR.
 */
import { readBlobChunks } from '../../store/blobs.js';
import { DotStuffer } from '../dot-stuff.js';
import { TopCutter } from '../top-cut.js';
import type { DropMessage } from '../maildrop.js';
import type { Pop3Command, Pop3Context } from '../types.js';
import { oneMessageArg } from './msg-arg.js';

/** Bytes gathered before a write: a small message goes out in one write (no Nagle / delayed-ACK stall). */
const WRITE_BYTES = 64 * 1024;

/** Send the message (or its first part, with `cut`) as a multi-line response after `first`. */
export async function sendMessage(ctx: Pop3Context, o: { n: number; m: DropMessage; first: string; cut?: TopCutter }): Promise<void> {
  const { db } = ctx.host;
  if (!ctx.maildrop!.present(db, o.m)) return ctx.err(`[SYS/PERM] Message ${o.n} has been removed by another client`);
  const stuff = new DotStuffer();
  let parts: Buffer[] = [Buffer.from(`+OK ${o.first}\r\n`)];
  let bytes = parts[0]!.length;
  for (const chunk of readBlobChunks(db, o.m.blobId, 0, o.m.size)) {
    const part = o.cut ? o.cut.push(chunk) : { take: chunk, done: false };
    const out = stuff.push(part.take);
    parts.push(out);
    bytes += out.length;
    if (bytes >= WRITE_BYTES) {
      await ctx.write(Buffer.concat(parts));
      parts = [];
      bytes = 0;
    }
    if (part.done) break;
  }
  parts.push(stuff.end());
  await ctx.write(Buffer.concat(parts));
}

export const retrCommand: Pop3Command = {
  name: 'RETR',
  states: ['transaction'],
  async run(ctx, args) {
    const r = await oneMessageArg(ctx, 'RETR', args);
    if (r) await sendMessage(ctx, { ...r, first: `${r.m.size} octets` });
  },
};
