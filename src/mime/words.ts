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
  /** Its distinct tokens (for the table of known terms), both columns together. */
  terms: string[];
}

/** Lower case with ё read as е, for a whole text at once (one pass, not one per word). */
function normalize(text: string): string {
  return withoutYo(text.toLowerCase());
}

/** The stem of one lower-cased word (the word itself when no stemmer applies). */
export function stemWord(word: string): string {
  if (word.length > MAX_STEMMED) return word;
  if (CYRILLIC.test(word)) return russian.stem(word);
  if (LATIN.test(word)) return english.stem(word);
  return word;
}

/**
 * The index tokens of each word already seen, process-wide ("stem" or "stem word"):
 * mail repeats its words, and the Snowball stemmers cost microseconds a word.
 * Emptied when full.
 */
const memo = new Map<string, string>();
const MEMO_WORDS = 200_000;

function wordTokens(w: string): string {
  let t = memo.get(w);
  if (t === undefined) {
    if (memo.size >= MEMO_WORDS) memo.clear();
    const s = stemWord(w);
    memo.set(w, (t = s === w ? s : `${s} ${w}`));
  }
  return t;
}

/**
 * Whether UTF-16 unit `c` belongs to a word (a letter or a digit, what WORD matches),
 * decided once per code unit: ASCII and Cyrillic by range, the rest by the Unicode
 * property test, remembered in a table (0 = not yet known, 1 = word, 2 = not).
 */
const kind = new Uint8Array(0x10000);
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

function isWordUnit(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c >= 0x430 && c <= 0x44f) return true; // а–я
  let k = kind[c]!;
  if (k === 0) kind[c] = k = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
  return k === 1;
}

/**
 * Index tokens of a text: each word's stem, and the word itself when it differs.
 * The words are those of WORD (letters and digits); the scan is by code unit, with
 * surrogate pairs (letters outside the BMP) tested as whole code points.
 */
export function indexTokens(text: string): string {
  const out: string[] = [];
  eachWord(normalize(text), (w) => out.push(wordTokens(w)));
  return out.join(' ');
}

/** Each word of normalized text, in order (at most MAX_TOKEN code units of it). */
function eachWord(lower: string, fn: (word: string) => void): void {
  const n = lower.length;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    let word = false;
    let width = 1;
    if (i < n) {
      const c = lower.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        width = 2;
        word = WORD_CHAR.test(lower.slice(i, i + 2));
      } else word = isWordUnit(c);
    }
    if (word) {
      if (start < 0) start = i;
      i += width - 1;
    } else if (start >= 0) {
      fn(lower.slice(start, Math.min(i, start + MAX_TOKEN)));
      start = -1;
    }
  }
}

/** The distinct tokens of a column's distinct words, added to `terms` too. */
function columnTokens(lower: string, terms: Set<string>): string {
  const words = new Set<string>();
  eachWord(lower, (w) => words.add(w));
  const tokens = new Set<string>();
  for (const w of words) {
    const t = wordTokens(w);
    const sp = t.indexOf(' ');
    if (sp < 0) tokens.add(t);
    else {
      tokens.add(t.slice(0, sp));
      tokens.add(t.slice(sp + 1));
    }
  }
  for (const t of tokens) terms.add(t);
  return [...tokens].join(' ');
}

/**
 * The index document of a message's header and body text, both already
 * lower-cased (mime/search.ts lower-cases what it collects; the store keeps it so):
 * only ё is read as е here. Each column holds each of its tokens once: the index
 * answers which blobs hold a term in a column (store/fts.ts asks nothing else: no
 * phrase, no position, no rank), and mail repeats its words, so a column of
 * distinct tokens is far shorter than its text. Its distinct terms come with it.
 */
export function ftsDocument(headers: string, body: string): FtsDocument {
  const terms = new Set<string>();
  const head = columnTokens(withoutYo(headers), terms);
  return { head, body: columnTokens(withoutYo(body), terms), terms: [...terms] };
}

function withoutYo(lower: string): string {
  return lower.includes('ё') ? lower.replace(/ё/g, 'е') : lower;
}

/**
 * The stems of a search string made only of words (letters, blanks between them),
 * or null for any other string — a number, an address, punctuation — which is
 * searched as an exact substring instead.
 */
export function queryStems(needle: string): string[] | null {
  const t = needle.trim();
  if (!/^[\p{L}\s]+$/u.test(t)) return null;
  // cut into words exactly as the index was (indexTokens), so both sides agree
  const words = normalize(t).match(WORD);
  if (!words) return null;
  return words.map((w) => stemWord(w.slice(0, MAX_TOKEN)));
}
