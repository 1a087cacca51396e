/**
 * The one formatter of flag lists a session sends: a message's FLAGS as this session
 * sees it (RFC 3501 §7.4.2: `\Recent` is per session, §2.3.2), and the `* FLAGS` /
 * `* OK [PERMANENTFLAGS]` pair of a selected folder (§7.2.6, §7.1).
 */
import type { SelectedView } from './commands/types.js';
import { toImapFlags } from '../store/flags.js';
import { showsRecent } from './extensions.js';

/** The system flags in FLAGS / PERMANENTFLAGS (RFC 3501 §2.3.2), \Recent excepted. */
export const SYSTEM_FLAG_NAMES = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

/** The session as the formatter sees it: its selected view and what it enabled. */
export interface FlagsViewer {
  readonly selected: SelectedView | undefined;
  readonly enabled: ReadonlySet<string>;
}

/**
 * `(\Seen $Label1 \Recent)`: stored flag bits and keywords, \Recent when the view
 * holds it — never after ENABLE IMAP4rev2 (RFC 9051 §2.3.2).
 */
export function messageFlags(s: FlagsViewer, uid: number, flags: number, keywords: string): string {
  const f = toImapFlags(flags, keywords);
  if (s.selected?.recent.has(uid) && showsRecent(s)) f.push('\\Recent');
  return '(' + f.join(' ') + ')';
}

/** `* FLAGS` and `* OK [PERMANENTFLAGS]` lines for a view: the system flags and the keywords announced in it. */
export function folderFlagsLines(view: SelectedView): string[] {
  const all = [SYSTEM_FLAG_NAMES, ...view.keywords.values()].join(' ');
  return [
    `* FLAGS (${all})`,
    view.readOnly ? '* OK [PERMANENTFLAGS ()] No permanent flags permitted' : `* OK [PERMANENTFLAGS (${all} \\*)] Flags permitted`,
  ];
}
