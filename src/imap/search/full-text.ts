/**
 * SEARCH BODY and SEARCH TEXT (RFC 3501 §6.4.4) on the full-text index: a string
 * of words is matched by stems (mime/words.ts), so «налоги» finds «налогов» and
 * «налоговое»; each word may also be part of a longer word (the terms containing
 * it, store/fts.ts), as the RFC's substring rule asks; several words must all be
 * present. Any other string — a number, an address, punctuation — and a word
 * found inside too many terms to list are matched as an exact, case-insensitive
 * substring of the decoded text; the index narrows where that is looked for: each
 * run of letters and digits of the string lies inside one word of the text, so
 * only blobs holding, for every such run, a term that contains it are read
 * (store/fts.ts searchTermsExact). A run inside too many terms narrows nothing; a
 * string without one is looked for in every message (store/search.ts). Index
 * terms are cut at MAX_TOKEN characters, so a run is found inside a longer word
 * (a base64 line, a hash) only within its first MAX_TOKEN characters, as for words.
 */
import type { Db } from '../../store/db.js';
import { queryStems, MAX_TOKEN } from '../../mime/words.js';
import { searchTerms, searchTermsExact, termsContaining, MAX_TERMS_PER_WORD, type FtsField } from '../../store/fts.js';
import { searchText } from '../../store/search.js';

/** Runs of letters and digits, as the index cut and folded them (lower case, ё as е). */
const RUN = /[\p{L}\p{N}]+/gu;

function substring(db: Db, folderId: number, field: FtsField, needle: string): number[] {
  const runs = needle.toLowerCase().replace(/ё/g, 'е').match(RUN) ?? [];
  const groups: string[][] = [];
  for (const run of runs) {
    if (run.length > MAX_TOKEN) continue;
    const terms = termsContaining(db, run);
    if (terms.length > MAX_TERMS_PER_WORD) continue;
    // no word of any message holds this run: neither does any text
    if (terms.length === 0) return [];
    groups.push(terms);
  }
  if (groups.length === 0) return searchText(db, folderId, field, needle);
  return searchTermsExact(db, folderId, field, groups, needle);
}

export function searchFullText(db: Db, folderId: number, field: FtsField, needle: string): number[] {
  const stems = queryStems(needle);
  if (stems === null) return substring(db, folderId, field, needle);
  const groups: string[][] = [];
  for (const stem of stems) {
    const terms = termsContaining(db, stem);
    if (terms.length > MAX_TERMS_PER_WORD) return substring(db, folderId, field, needle);
    groups.push(terms);
  }
  return searchTerms(db, folderId, field, groups);
}
