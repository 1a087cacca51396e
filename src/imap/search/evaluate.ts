/**
 * Evaluating a SEARCH tree (RFC 3501 §6.4.4) over the selected view: flag, keyword,
 * sequence and uid keys from the view's columns (one query for the folder, made
 * only when such a key is used); text, header, date and size keys from SQL on the
 * indexed blob_search columns (store/search.ts: lower-cased decoded text, so
 * Cyrillic matches case-insensitively), BODY and TEXT from the full-text index
 * (./full-text.ts); NOT / OR / AND as set operations. Only
 * uids in the session's view can match.
 */
import type { Db } from '../../store/db.js';
import type { SelectedView } from '../commands/types.js';
import type { SearchKey } from '../protocol/search-keys.js';
import { listViewColumns, type ViewColumns } from '../../store/messages.js';
import { searchText, searchHeader, searchRange, type TextField } from '../../store/search.js';
import { hasKeyword, systemFlagBit, FLAG_SEEN } from '../../store/flags.js';
import { objectIdMatches } from './object-id.js';
import { searchFullText } from './full-text.js';

const DAY = 86_400_000;

export interface SearchResult {
  /** Matching uids, ascending. */
  uids: number[];
  /** Highest modseq among them (for RFC 7162 §3.1.5), 0 if none. */
  highestModseq: number;
  /** The modseq of one message (ESEARCH MIN/MAX report the modseq of what they return). */
  modseqOf(uid: number): number;
}

class Evaluator {
  private cols: ViewColumns | undefined;
  private index: Map<number, number> | undefined;
  private all: Set<number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly view: SelectedView,
  ) {}

  /** The uids of the view (made when a key needs it). */
  get universe(): Set<number> {
    return (this.all ??= new Set(this.view.uids));
  }

  /** Per-uid flags/keywords/modseq of the folder, loaded once. */
  private columns(): { cols: ViewColumns; index: Map<number, number> } {
    if (!this.cols) {
      this.cols = listViewColumns(this.db, this.view.folderId);
      this.index = new Map(this.cols.uids.map((u, i) => [u, i]));
    }
    return { cols: this.cols, index: this.index! };
  }

  private filter(pred: (uid: number) => boolean): Set<number> {
    const out = new Set<number>();
    for (const u of this.universe) if (pred(u)) out.add(u);
    return out;
  }

  private fromList(uids: number[]): Set<number> {
    const out = new Set<number>();
    for (const u of uids) if (this.universe.has(u)) out.add(u);
    return out;
  }

  modseqOf(uid: number): number {
    const { cols, index } = this.columns();
    const i = index.get(uid);
    return i === undefined ? 0 : cols.modseqs[i]!;
  }

  eval(k: SearchKey): Set<number> {
    const db = this.db;
    const folder = this.view.folderId;
    switch (k.op) {
      case 'all':
        return new Set(this.universe);
      case 'and': {
        let acc: Set<number> | undefined;
        for (const sub of k.keys) {
          const s = this.eval(sub);
          acc = acc ? new Set([...acc].filter((u) => s.has(u))) : s;
          if (acc.size === 0) break;
        }
        return acc ?? new Set(this.universe);
      }
      case 'or': {
        const a = this.eval(k.a);
        for (const u of this.eval(k.b)) a.add(u);
        return a;
      }
      case 'not': {
        const s = this.eval(k.key);
        return this.filter((u) => !s.has(u));
      }
      case 'seq':
      {
        // A number above the message count matches nothing rather than failing.
        const n = this.view.exists;
        const out = new Set<number>();
        for (const r of k.set) {
          let a = r.from === '*' ? n : r.from;
          let b = r.to === '*' ? n : r.to;
          if (a > b) [a, b] = [b, a];
          for (let seq = Math.max(1, a); seq <= Math.min(b, n); seq++) out.add(this.view.seqToUid(seq)!);
        }
        return out;
      }
      case 'uid':
        return new Set(this.view.resolveSet(k.set, true));
      case 'flag': {
        const bit = systemFlagBit(k.flag);
        const { cols, index } = this.columns();
        return this.filter((u) => {
          const i = index.get(u);
          return i !== undefined && ((cols.flags[i]! & bit) !== 0) === k.has;
        });
      }
      case 'keyword': {
        const { cols, index } = this.columns();
        return this.filter((u) => {
          const i = index.get(u);
          return i !== undefined && hasKeyword(cols.keywords[i]!, k.keyword) === k.has;
        });
      }
      case 'recent':
        return this.filter((u) => this.view.recent.has(u));
      case 'old':
        return this.filter((u) => !this.view.recent.has(u));
      case 'new': {
        const { cols, index } = this.columns();
        return this.filter((u) => {
          const i = index.get(u);
          return this.view.recent.has(u) && i !== undefined && (cols.flags[i]! & FLAG_SEEN) === 0;
        });
      }
      case 'text':
        if (k.field === 'body' || k.field === 'text') return this.fromList(searchFullText(db, folder, k.field, k.value));
        return this.fromList(searchText(db, folder, k.field as TextField, k.value));
      case 'header': {
        const name = k.name.toLowerCase();
        const direct: Record<string, TextField> = { subject: 'subject', from: 'from', to: 'to', cc: 'cc', bcc: 'bcc', 'message-id': 'messageId' };
        const f = direct[name];
        if (f && k.value !== '') return this.fromList(searchText(db, folder, f, k.value));
        return this.fromList(searchHeader(db, folder, k.name, k.value));
      }
      case 'date': {
        // RFC 3501 §6.4.4: SENT* compare the Date: header's own calendar day, "disregarding time and timezone"
        const field = k.field === 'internal' ? 'internalDate' : k.field === 'saved' ? 'savedAt' : 'sentDay';
        const r =
          k.cmp === 'before'
            ? searchRange(db, folder, field, undefined, k.day)
            : k.cmp === 'on'
              ? searchRange(db, folder, field, k.day, k.day + DAY)
              : searchRange(db, folder, field, k.day, undefined);
        return this.fromList(r);
      }
      case 'size':
        return this.fromList(k.cmp === 'larger' ? searchRange(db, folder, 'size', k.n + 1) : searchRange(db, folder, 'size', undefined, k.n));
      case 'modseq':
        return this.fromList(searchRange(db, folder, 'modseq', k.n));
      case 'objectid':
        return this.fromList(objectIdMatches(db, folder, k.kind, k.id));
      case 'within': {
        // RFC 5032 §3: OLDER n = internal date more than n seconds ago, YOUNGER n = within the last n seconds
        const edge = Date.now() - k.seconds * 1000;
        return this.fromList(k.cmp === 'older' ? searchRange(db, folder, 'internalDate', undefined, edge + 1) : searchRange(db, folder, 'internalDate', edge + 1));
      }
    }
  }
}

export function evaluateSearch(db: Db, view: SelectedView, key: SearchKey, wantModseq: boolean): SearchResult {
  const ev = new Evaluator(db, view);
  // ALL (what SORT and THREAD are mostly asked with) is the view itself, already in order
  const uids = key.op === 'all' ? [...view.uids] : Array.from(Float64Array.from(ev.eval(key)).sort());
  let highestModseq = 0;
  if (wantModseq) for (const u of uids) highestModseq = Math.max(highestModseq, ev.modseqOf(u));
  return { uids, highestModseq, modseqOf: (uid) => ev.modseqOf(uid) };
}
