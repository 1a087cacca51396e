/**
 * SEARCH BODY and SEARCH TEXT (RFC 3501 §6.4.4) on the full-text index: a string
 * of words is matched by stems (mime/words.ts), so «налоги» finds «налогов» and
 * «налоговое»; each word may also be part of a longer word (the terms containing
 * it, store/fts.ts), as the RFC's substring rule asks; several words must all be
 * present. Any other string — a number, an address, punctuation — and a word
 * found inside too many terms to list are matched as an exact, case-insensitive
 * substring of the decoded text (store/search.ts).
 */
import type { Db } from '../../store/db.js';
import { queryStems } from '../../mime/words.js';
import { searchTerms, termsContaining, MAX_TERMS_PER_WORD, type FtsField } from '../../store/fts.js';
import { searchText } from '../../store/search.js';

export function searchFullText(db: Db, folderId: number, field: FtsField, needle: string): number[] {
  const stems = queryStems(needle);
  if (stems === null) return searchText(db, folderId, field, needle);
  const groups: string[][] = [];
  for (const stem of stems) {
    const terms = termsContaining(db, stem);
    if (terms.length > MAX_TERMS_PER_WORD) return searchText(db, folderId, field, needle);
    groups.push(terms);
  }
  return searchTerms(db, folderId, field, groups);
}
