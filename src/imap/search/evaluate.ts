/**
 * Evaluating a SEARCH tree (RFC 3501 §6.4.4) over the selected view: keyword,
 * sequence and uid keys from the view's columns (one query for the folder, made
 * only when such a key is used); system flags (UNSEEN from an index), text, header, date and size keys from SQL on the
 * indexed blob_search columns (store/search.ts: lower-cased decoded text, so
 * Cyrillic matches case-insensitively), BODY and TEXT from the full-text index
 * (./full-text.ts); NOT / OR / AND as merges of ascending uid lists
 * (./sorted-sets.ts). Only uids in the session's view can match.
 */
import type { Db } from '../../store/db.js';
import type { SelectedView } from '../commands/types.js';
import type { SearchKey } from '../protocol/search-keys.js';
import { listViewColumns, type ViewColumns } from '../../store/messages.js';
import { searchText, searchHeader, searchRange, searchFlag, type TextField } from '../../store/search.js';
import { hasKeyword, systemFlagBit, FLAG_SEEN } from '../../store/flags.js';
import { objectIdMatches } from './object-id.js';
import { searchFullText } from './full-text.js';
import { ascending, difference, intersect, union } from './sorted-sets.js';

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

  constructor(
    private readonly db: Db,
    private readonly view: SelectedView,
  ) {}

  /** Per-uid flags/keywords/modseq of the folder, loaded once. */
  private columns(): { cols: ViewColumns; index: Map<number, number> } {
    if (!this.cols) {
      this.cols = listViewColumns(this.db, this.view.folderId);
      this.index = new Map(this.cols.uids.map((u, i) => [u, i]));
    }
    return { cols: this.cols, index: this.index! };
  }

  /** The uids of the view that pass `pred`, ascending. */
  private filter(pred: (uid: number) => boolean): number[] {
    return this.view.uids.filter(pred);
  }

  /** The uids of `uids` (from the store) that are in the view, ascending. */
  private fromList(uids: readonly number[]): number[] {
    return intersect(this.view.uids, ascending(uids));
  }

  modseqOf(uid: number): number {
    const { cols, index } = this.columns();
    const i = index.get(uid);
    return i === undefined ? 0 : cols.modseqs[i]!;
  }

  /** The matching uids of the view, ascending. */
  eval(k: SearchKey): readonly number[] {
    const db = this.db;
    const folder = this.view.folderId;
    switch (k.op) {
      case 'all':
        return this.view.uids;
      case 'and': {
        let acc: readonly number[] | undefined;
        for (const sub of k.keys) {
          const s = this.eval(sub);
          acc = acc ? intersect(acc, s) : s;
          if (acc.length === 0) break;
        }
        return acc ?? this.view.uids;
      }
      case 'or':
        return union(this.eval(k.a), this.eval(k.b));
      case 'not':
        return difference(this.view.uids, this.eval(k.key));
      case 'seq':
      {
        // A number above the message count matches nothing rather than failing.
        const n = this.view.exists;
        const out: number[] = [];
        for (const r of k.set) {
          let a = r.from === '*' ? n : r.from;
          let b = r.to === '*' ? n : r.to;
          if (a > b) [a, b] = [b, a];
          for (let seq = Math.max(1, a); seq <= Math.min(b, n); seq++) out.push(this.view.seqToUid(seq)!);
        }
        return ascending(out);
      }
      case 'uid':
        return ascending(this.view.resolveSet(k.set, true));
      case 'flag':
        return this.fromList(searchFlag(db, folder, systemFlagBit(k.flag), k.has));
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
  const uids = [...ev.eval(key)];
  let highestModseq = 0;
  if (wantModseq) for (const u of uids) highestModseq = Math.max(highestModseq, ev.modseqOf(u));
  return { uids, highestModseq, modseqOf: (uid) => ev.modseqOf(uid) };
}
