/**
 * FETCH responses (RFC 3501 §6.4.5, §7.4.2; RFC 7162 §3.1.4 MODSEQ/CHANGEDSINCE,
 * §3.2.6 VANISHED; RFC 3516 BINARY in binary.ts; RFC 8474 §5 EMAILID, THREADID): one `* n FETCH (...)` per message, served from the message row,
 * the parsed structure stored at ingest (getParsed) and byte ranges of the blob.
 * Body sections go out as literals with backpressure (session.writeLiteral). A
 * non-PEEK body fetch sets \Seen first (one STORE through the writer, committed
 * before the data is sent) and FLAGS is reported in the same response.
 */
import type { CommandContext } from '../commands/types.js';
import type { Db } from '../../store/db.js';
import type { FetchItem, FetchRequest } from '../protocol/fetch-attrs.js';
import { getMessages, listViewRange, storeFlags, type MessageRow } from '../../store/messages.js';
import { getParsed } from '../../store/blobs.js';
import { FLAG_SEEN } from '../../store/flags.js';
import { messageFlags } from '../flags-format.js';
import { encodeEnvelope } from '../protocol/envelope.js';
import { encodeBodyStructure } from '../protocol/bodystructure.js';
import { formatInternalDate } from '../protocol/encode-basic.js';
import { sectionBody } from './section-bytes.js';
import { binaryBody, binaryContents } from './binary.js';
import { emailObjectId, threadIdOf } from '../object-ids.js';
import { threadFields } from '../../store/thread-fields.js';

/**
 * ENVELOPE, BODY and BODYSTRUCTURE are pure functions of a blob's parsed message,
 * which the store shares from its cache (store/blobs.ts getParsed): each is encoded
 * once per cached object, and forgotten with it.
 */
const envelopes = new WeakMap<object, string>();
const bodies = new WeakMap<object, string>();
const structures = new WeakMap<object, string>();

function once<T extends object>(memo: WeakMap<object, string>, v: T, encode: (v: T) => string): string {
  if (typeof v !== 'object' || v === null) return encode(v);
  let s = memo.get(v);
  if (s === undefined) memo.set(v, (s = encode(v)));
  return s;
}

/** Messages read from the store per query. */
const BATCH = 500;
const LIGHT_BATCH = 5000;

/** Rows with uid, flags, keywords, modseq only, for uids ascending. */
function lightRows(db: Db, folderId: number, uids: number[]): MessageRow[] {
  const want = new Set(uids);
  const out: MessageRow[] = [];
  for (const e of listViewRange(db, folderId, uids[0]!, uids[uids.length - 1]!)) {
    if (want.has(e.uid)) out.push({ uid: e.uid, flags: e.flags, keywords: e.keywords, modseq: e.modseq, blobId: 0, size: 0, internalDate: 0, internalZone: 0, storedAt: 0, savedAt: null });
  }
  return out;
}

function needsParsed(items: FetchItem[]): boolean {
  return items.some((i) => i.kind === 'ENVELOPE' || i.kind === 'BODY' || i.kind === 'BODYSTRUCTURE' || i.kind === 'SECTION' || i.kind.startsWith('BINARY'));
}

export interface FetchOptions {
  /** UID FETCH: UID is always included. */
  uidCommand: boolean;
}

/** Write the FETCH responses for `uids` (ascending, all in the selected view). */
export async function fetchMessages(ctx: CommandContext, uids: number[], req: FetchRequest, opts: FetchOptions): Promise<void> {
  const view = ctx.session.selected!;
  const db = ctx.services.db;
  const items = req.items;
  const wantUid = opts.uidCommand || items.some((i) => i.kind === 'UID');
  const wantFlags = items.some((i) => i.kind === 'FLAGS');
  const wantModseq = items.some((i) => i.kind === 'MODSEQ') || req.changedSince !== undefined;
  const setsSeen = !view.readOnly && items.some((i) => (i.kind === 'SECTION' || i.kind === 'BINARY') && !i.peek);
  const parsedNeeded = needsParsed(items);
  if (wantModseq) ctx.session.enableCondstore();

  // FLAGS / UID / MODSEQ only (a client syncing flags): read the view columns of the
  // uid range, no per-message row objects beyond what is sent.
  const light = items.every((i) => i.kind === 'FLAGS' || i.kind === 'UID' || i.kind === 'MODSEQ');
  for (let i = 0; i < uids.length; i += light ? LIGHT_BATCH : BATCH) {
    const part = uids.slice(i, i + (light ? LIGHT_BATCH : BATCH));
    let rows: MessageRow[] = light ? lightRows(db, view.folderId, part) : getMessages(db, view.folderId, part);
    if (req.changedSince !== undefined) rows = rows.filter((r) => r.modseq > req.changedSince!);
    const seenChanged = new Set<number>();
    if (setsSeen) {
      const unseen = rows.filter((r) => (r.flags & FLAG_SEEN) === 0).map((r) => r.uid);
      if (unseen.length) {
        const res = await ctx.services.writer.run((w) => {
          const r = storeFlags(w, { folderId: view.folderId, uids: unseen, mode: 'add', flags: FLAG_SEEN, keywords: [], origin: ctx.session.id });
          return { value: r, events: r.events };
        });
        const byUid = new Map(res.changed.map((c) => [c.uid, c]));
        for (const r of rows) {
          const c = byUid.get(r.uid);
          if (c) {
            r.flags = c.flags;
            r.keywords = c.keywords;
            r.modseq = c.modseq;
            seenChanged.add(r.uid);
          }
        }
      }
    }
    for (const row of rows) {
      const seq = view.uidToSeq(row.uid);
      if (seq === undefined) continue;
      await fetchOne(ctx, seq, row, items, {
        wantUid,
        flags: wantFlags || seenChanged.has(row.uid),
        // RFC 7162 §3.1.2: with CONDSTORE on, a FLAGS change we report carries its MODSEQ
        modseq: wantModseq || (seenChanged.has(row.uid) && ctx.session.condstore),
        parsed: parsedNeeded,
      });
    }
  }
}

interface Want {
  wantUid: boolean;
  flags: boolean;
  modseq: boolean;
  parsed: boolean;
}

async function fetchOne(ctx: CommandContext, seq: number, row: MessageRow, items: FetchItem[], want: Want): Promise<void> {
  const db = ctx.services.db;
  const s = ctx.session;
  const parsed = want.parsed ? getParsed(db, row.blobId) : undefined;
  const binary = binaryContents(db, row.blobId, parsed, items);
  const parts: string[] = [];
  if (want.wantUid) parts.push(`UID ${row.uid}`);
  if (want.flags) {
    await s.announceKeywords(row.keywords);
    parts.push(`FLAGS ${messageFlags(ctx.session, row.uid, row.flags, row.keywords)}`);
  }
  if (want.modseq) parts.push(`MODSEQ (${row.modseq})`);
  // Text gathered so far for this response; a section literal flushes it as its prefix.
  let pending = `* ${seq} FETCH (` + parts.join(' ');
  let first = parts.length === 0;
  const add = (t: string) => {
    pending += (first ? '' : ' ') + t;
    first = false;
  };
  for (const it of items) {
    switch (it.kind) {
      case 'UID':
      case 'FLAGS':
      case 'MODSEQ':
        break; // written first
      case 'INTERNALDATE':
        add(`INTERNALDATE ${formatInternalDate(row.internalDate, row.internalZone)}`);
        break;
      case 'RFC822.SIZE':
        add(`RFC822.SIZE ${row.size}`);
        break;
      case 'SAVEDATE':
        // RFC 8514 §4.1: NIL when the save date is not known
        add(`SAVEDATE ${row.savedAt === null ? 'NIL' : formatInternalDate(row.savedAt, 0)}`);
        break;
      case 'ENVELOPE':
        add(`ENVELOPE ${once(envelopes, parsed!.envelope, encodeEnvelope)}`);
        break;
      case 'BODY':
        add(`BODY ${once(bodies, parsed!.bodystructure, (b) => encodeBodyStructure(b, false))}`);
        break;
      case 'BODYSTRUCTURE':
        add(`BODYSTRUCTURE ${once(structures, parsed!.bodystructure, (b) => encodeBodyStructure(b, true))}`);
        break;
      case 'SECTION': {
        const sb = sectionBody(db, row.blobId, parsed!, it.section, it.partial);
        const prefix = pending + (first ? '' : ' ') + it.label + ' ';
        first = false;
        pending = '';
        await s.writeLiteral(prefix, sb.size, sb.body, '');
        break;
      }
      case 'BINARY': {
        const bb = binaryBody(binary.get(it.part)!, it.partial);
        const prefix = pending + (first ? '' : ' ') + it.label + (bb.literal8 ? ' ~' : ' ');
        first = false;
        pending = '';
        await s.writeLiteral(prefix, bb.body.length, bb.body, '');
        break;
      }
      case 'BINARY.SIZE':
        add(`${it.label} ${binary.get(it.part)!.length}`);
        break;
      case 'EMAILID':
        add(`EMAILID (${emailObjectId(row.blobId)})`);
        break;
      case 'THREADID': {
        const tf = threadFields(db, [row.blobId])[0];
        add(`THREADID ${tf ? `(${threadIdOf(tf)})` : 'NIL'}`);
        break;
      }
    }
  }
  await s.write(pending + ')\r\n');
}
