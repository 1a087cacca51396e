/**
 * What a session tells its client when its view of the selected folder changes,
 * changing the view in step: new keywords before a FETCH shows them (RFC 3501
 * §7.2.6), `* n EXPUNGE` highest first or `* VANISHED` with QRESYNC (RFC 3501
 * §7.4.1, RFC 7162 §3.2.10), `* n EXISTS` and `* n RECENT` (§7.3.1, §7.3.2; no
 * RECENT in IMAP4rev2, RFC 9051 Appendix E).
 */
import type { Db } from '../store/db.js';
import type { View } from './selected-view.js';
import { claimRecent } from '../store/messages.js';
import { formatSequenceSet } from './protocol/sequence.js';
import { folderFlagsLines } from './flags-format.js';
import { showsRecent } from './extensions.js';

/** The session as these reports need it. */
export interface ViewReportTarget {
  readonly selected: View | undefined;
  readonly enabled: ReadonlySet<string>;
  send(line: string): Promise<void>;
}

/** `keywords` is the stored space-separated string; FLAGS and PERMANENTFLAGS go out when one is new to the view. */
export async function announceKeywords(s: ViewReportTarget, keywords: string): Promise<void> {
  const view = s.selected;
  if (!view || !keywords) return;
  let added = false;
  for (const k of keywords.split(' ')) {
    const low = k.toLowerCase();
    if (!k || view.keywords.has(low)) continue;
    view.keywords.set(low, k);
    added = true;
  }
  if (added) for (const l of folderFlagsLines(view)) await s.send(l);
}

/** Uids not in the view are ignored, so the bus event of the same change does not report them again. */
export async function reportExpunged(s: ViewReportTarget, uids: number[]): Promise<void> {
  const view = s.selected;
  if (!view) return;
  const present = uids.filter((u) => view.has(u)).sort((a, b) => b - a);
  if (!present.length) return;
  if (s.enabled.has('QRESYNC')) {
    for (const u of present) view.remove(u);
    await s.send(`* VANISHED ${formatSequenceSet(present)}`);
    return;
  }
  for (const u of present) {
    const seq = view.remove(u);
    if (seq !== undefined) await s.send(`* ${seq} EXPUNGE`);
  }
}

/** A read-write view claims \Recent for what is new (RFC 3501 §2.3.2). */
export async function reportExists(s: ViewReportTarget, db: Db, uids: number[]): Promise<void> {
  const view = s.selected;
  if (!view) return;
  if (!view.append(uids)) return;
  if (!view.readOnly) {
    const before = claimRecent(db, view.folderId);
    for (const u of uids) if (u > before) view.recent.add(u);
  }
  await s.send(`* ${view.exists} EXISTS`);
  if (showsRecent(s)) await s.send(`* ${view.recent.size} RECENT`);
}
