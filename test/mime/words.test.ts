/**
 * The words of the full-text index (src/mime/words.ts): letters and digits of any
 * script cut at everything else, lower-cased with ё read as е, Russian and English
 * words stemmed and indexed both as the stem and as the word; the words of a search
 * string are cut the same way, so both sides meet.
 */
import { describe, it, expect } from 'vitest';
import { indexTokens, queryStems, ftsDocument, MAX_TOKEN } from '../../src/mime/words.js';

describe('index tokens', () => {
  it('stems Russian and English words and keeps the word beside a stem that differs', () => {
    expect(indexTokens('Налоги, налогов!')).toBe('налог налоги налог налогов');
    expect(indexTokens('The foxes jumped')).toBe('the fox foxes jump jumped');
  });

  it('reads ё as е and upper case as lower case', () => {
    expect(indexTokens('ЁЛКА')).toBe(indexTokens('елка'));
    expect(indexTokens('Ёлка')).not.toMatch(/ё/);
  });

  it('cuts at punctuation, keeps digits, and shortens a token to its first 64 characters', () => {
    expect(indexTokens('a.b@c-d 12345/678')).toBe('a b c d 12345 678');
    const long = 'x'.repeat(100);
    expect(indexTokens(`${long} end`)).toBe(`${'x'.repeat(MAX_TOKEN)} end`);
  });

  it('takes letters of every script, letters outside the BMP, and no emoji', () => {
    expect(indexTokens('Ελληνικά 中文 mañana')).toBe('ελληνικά 中文 mañana');
    expect(indexTokens('𝐀𝐁 😀 ok')).toBe('𝐀𝐁 ok');
    expect(indexTokens('')).toBe('');
  });

  it('lists the distinct terms of a document', () => {
    const doc = ftsDocument('subject: налоги', 'налоги налоги');
    expect([...doc.terms].sort()).toEqual(['налог', 'налоги', 'subject'].sort());
  });

  it('holds each token of a column once, whatever the text repeats', () => {
    const doc = ftsDocument('subject: налоги', 'налоги налоги. налогов! налоги, ёлка елка');
    expect(doc.body.split(' ').sort()).toEqual(['налог', 'налоги', 'налогов', 'елк', 'елка'].sort());
    expect(doc.head.split(' ').sort()).toEqual(['subject', 'налог', 'налоги'].sort());
    expect(doc.terms.sort()).toEqual([...new Set([...doc.head.split(' '), ...doc.body.split(' ')])].sort());
  });
});

describe('search words', () => {
  it('cuts a search string as the index does, and gives the stems', () => {
    expect(queryStems('Налоговое  НАЛОГИ')).toEqual(['налогов', 'налог']);
    for (const q of ['налогов', 'foxes', 'Ёлка']) expect(indexTokens(q).split(' ')).toContain(queryStems(q)![0]);
  });

  it('leaves numbers, addresses and punctuation to the substring search', () => {
    expect(queryStems('12345')).toBeNull();
    expect(queryStems('a@b.c')).toBeNull();
    expect(queryStems('   ')).toBeNull();
  });
});
