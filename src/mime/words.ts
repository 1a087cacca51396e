/**
 * Words for the full-text index: text cut into words (letters and digits), each
 * word lower-cased with ё read as е, Russian words (Cyrillic) and English words
 * (Latin) reduced to their Snowball stem, so «налоги», «налогов» and «налоговое»
 * meet in the stems «налог»/«налогов». A word whose stem differs from it is
 * indexed both ways, so a search for part of a word (RFC 3501 §6.4.4
 * "substring") still finds it.
 *
 * Pure: used at ingest (mime/parse.ts), by the index rebuild (store/fts.ts) and
 * for the words of a SEARCH BODY / TEXT string.
 */
import { newStemmer } from 'snowball-stemmers';

const russian = newStemmer('russian');
const english = newStemmer('english');

const WORD = /[\p{L}\p{N}]+/gu;
const CYRILLIC = /^[\p{Script=Cyrillic}]+$/u;
const LATIN = /^[a-z]+$/;
/** Longer words are indexed as they are (no language stems a 40-letter token). */
const MAX_STEMMED = 40;
/** Longest token kept in the index (base64 runs and the like are cut). */
export const MAX_TOKEN = 64;

/** What one blob contributes to the index: space-separated tokens per column. */
export interface FtsDocument {
  head: string;
  body: string;
}

function normalize(word: string): string {
  return word.toLowerCase().replace(/ё/g, 'е');
}

/** The stem of one lower-cased word (the word itself when no stemmer applies). */
export function stemWord(word: string): string {
  if (word.length > MAX_STEMMED) return word;
  if (CYRILLIC.test(word)) return russian.stem(word);
  if (LATIN.test(word)) return english.stem(word);
  return word;
}

/**
 * Stems already computed, process-wide: mail repeats its words, and the Snowball
 * stemmers cost microseconds a word. Emptied when full.
 */
const memo = new Map<string, string>();
const MEMO_WORDS = 200_000;

function cachedStem(w: string): string {
  let s = memo.get(w);
  if (s === undefined) {
    if (memo.size >= MEMO_WORDS) memo.clear();
    memo.set(w, (s = stemWord(w)));
  }
  return s;
}

/** Index tokens of a text: each word's stem, and the word itself when it differs. */
export function indexTokens(text: string): string {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const w = normalize(m[0]).slice(0, MAX_TOKEN);
    const s = cachedStem(w);
    out.push(s);
    if (s !== w) out.push(w);
  }
  return out.join(' ');
}

export function ftsDocument(headers: string, body: string): FtsDocument {
  return { head: indexTokens(headers), body: indexTokens(body) };
}

/** Distinct tokens of a document (for the table of known terms). */
export function documentTerms(doc: FtsDocument): Set<string> {
  const out = new Set<string>();
  for (const col of [doc.head, doc.body]) for (const t of col.split(' ')) if (t) out.add(t);
  return out;
}

/**
 * The stems of a search string made only of words (letters, blanks between them),
 * or null for any other string — a number, an address, punctuation — which is
 * searched as an exact substring instead.
 */
export function queryStems(needle: string): string[] | null {
  const t = needle.trim();
  if (!/^[\p{L}\s]+$/u.test(t)) return null;
  const words = t.split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  return words.map((w) => stemWord(normalize(w).slice(0, MAX_TOKEN)));
}
