/**
 * Message flags (RFC 3501 §2.3.2). System flags are stored as a bit mask in
 * `messages.flags`; keywords as a space-separated string in `messages.keywords`.
 * \Recent is never stored: it belongs to a session (see folders.recent_uid and
 * messages.claimRecent).
 *
 * System flags compare case-insensitively and are emitted in their canonical
 * spelling. Keywords keep the case they were first set with but compare
 * case-insensitively (setting "$junk" on a message with "$Junk" changes nothing).
 */

export const FLAG_SEEN = 1;
export const FLAG_ANSWERED = 2;
export const FLAG_FLAGGED = 4;
export const FLAG_DELETED = 8;
export const FLAG_DRAFT = 16;
export const ALL_SYSTEM_FLAGS = FLAG_SEEN | FLAG_ANSWERED | FLAG_FLAGGED | FLAG_DELETED | FLAG_DRAFT;

/** Canonical spelling, in the order flags are listed on the wire. */
export const SYSTEM_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [FLAG_SEEN, '\\Seen'],
  [FLAG_ANSWERED, '\\Answered'],
  [FLAG_FLAGGED, '\\Flagged'],
  [FLAG_DELETED, '\\Deleted'],
  [FLAG_DRAFT, '\\Draft'],
];

const BY_LOWER = new Map<string, number>(SYSTEM_FLAGS.map(([bit, name]) => [name.toLowerCase(), bit]));

/** The result of reading an IMAP flag list (STORE, APPEND). */
export interface ParsedFlags {
  mask: number;
  /** Keywords, deduplicated case-insensitively, first spelling kept. */
  keywords: string[];
  /** \Recent was in the list (clients may not set it; callers usually ignore it). */
  recent: boolean;
  /** Backslash flags that are not system flags (e.g. "\Foo"): callers refuse them. */
  unknown: string[];
}

/** Bit of a system flag given in any case, or 0 when it is not one. */
export function systemFlagBit(flag: string): number {
  return BY_LOWER.get(flag.toLowerCase()) ?? 0;
}

/** Read an IMAP flag list: system flags to a mask, the rest to keywords. */
export function parseFlags(list: readonly string[]): ParsedFlags {
  let mask = 0;
  let recent = false;
  const keywords: string[] = [];
  const seen = new Set<string>();
  const unknown: string[] = [];
  for (const f of list) {
    if (f.startsWith('\\')) {
      const bit = systemFlagBit(f);
      if (bit) mask |= bit;
      else if (f.toLowerCase() === '\\recent') recent = true;
      else unknown.push(f);
      continue;
    }
    const low = f.toLowerCase();
    if (!f || seen.has(low)) continue;
    seen.add(low);
    keywords.push(f);
  }
  return { mask, keywords, recent, unknown };
}

/** System flag names of a mask, canonical spelling and order. */
export function maskToFlags(mask: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of SYSTEM_FLAGS) if (mask & bit) out.push(name);
  return out;
}

/** Stored keyword string → list. */
export function splitKeywords(stored: string): string[] {
  return stored ? stored.split(' ') : [];
}

/** Keyword list → stored string (deduplicated case-insensitively, first spelling kept). */
export function joinKeywords(keywords: readonly string[]): string {
  if (keywords.length === 0) return '';
  if (keywords.length === 1) return keywords[0]!;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const k of keywords) {
    const low = k.toLowerCase();
    if (!k || seen.has(low)) continue;
    seen.add(low);
    out.push(k);
  }
  return out.join(' ');
}

/** The full IMAP flag list of a stored message (without \Recent, which is per session). */
export function toImapFlags(mask: number, keywords: string): string[] {
  const out = maskToFlags(mask);
  if (keywords) for (const k of keywords.split(' ')) out.push(k);
  return out;
}

/** Keywords after adding `add` (existing spellings win). Returns the stored string. */
export function addKeywords(stored: string, add: readonly string[]): string {
  if (add.length === 0) return stored;
  return joinKeywords([...splitKeywords(stored), ...add]);
}

/** Keywords after removing `remove` (case-insensitive). Returns the stored string. */
export function removeKeywords(stored: string, remove: readonly string[]): string {
  if (!stored || remove.length === 0) return stored;
  const drop = new Set(remove.map((k) => k.toLowerCase()));
  return splitKeywords(stored)
    .filter((k) => !drop.has(k.toLowerCase()))
    .join(' ');
}

/** Whether a stored keyword string holds `keyword` (case-insensitive): SEARCH KEYWORD. */
export function hasKeyword(stored: string, keyword: string): boolean {
  if (!stored) return false;
  const low = keyword.toLowerCase();
  for (const k of stored.split(' ')) if (k.toLowerCase() === low) return true;
  return false;
}

export type StoreMode = 'set' | 'add' | 'remove';

/** New (mask, keywords) of one message after a STORE (RFC 3501 §6.4.6). */
export function applyFlags(
  mask: number,
  keywords: string,
  mode: StoreMode,
  flags: number,
  kw: readonly string[],
): { mask: number; keywords: string } {
  switch (mode) {
    case 'set':
      return { mask: flags & ALL_SYSTEM_FLAGS, keywords: joinKeywords(kw) };
    case 'add':
      return { mask: (mask | flags) & ALL_SYSTEM_FLAGS, keywords: addKeywords(keywords, kw) };
    case 'remove':
      return { mask: mask & ~flags & ALL_SYSTEM_FLAGS, keywords: removeKeywords(keywords, kw) };
  }
}
