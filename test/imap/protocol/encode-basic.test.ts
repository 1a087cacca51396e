import { describe, it, expect } from 'vitest';
import { formatInternalDate, parseDateTime, parseDate, isValidKeyword } from '../../../src/imap/protocol/encode-basic.js';

describe('date-time and date (RFC 3501 §9)', () => {
  it('formats INTERNALDATE', () => {
    const ms = Date.UTC(2026, 10, 2, 7, 5, 9);
    expect(formatInternalDate(ms)).toBe('"02-Nov-2026 07:05:09 +0000"');
    expect(formatInternalDate(ms, 180)).toBe('"02-Nov-2026 10:05:09 +0300"');
    expect(formatInternalDate(ms, -330)).toBe('"02-Nov-2026 01:35:09 -0530"');
  });
  it('parses date-time with zones and space-padded days', () => {
    expect(parseDateTime('17-Jul-1996 02:44:25 -0700')).toBe(Date.UTC(1996, 6, 17, 9, 44, 25));
    expect(parseDateTime(' 2-Nov-2026 10:05:09 +0300')).toBe(Date.UTC(2026, 10, 2, 7, 5, 9));
    expect(parseDateTime(formatInternalDate(1_700_000_000_000).slice(1, -1))).toBe(1_700_000_000_000);
  });
  it.each(['31-Feb-2026 00:00:00 +0000', '1-Foo-2026 00:00:00 +0000', '01-Jan-2026 24:00:00 +0000', '01-Jan-2026', ''])('rejects %j', (s) => {
    expect(() => parseDateTime(s)).toThrow(/Invalid date-time/);
  });
  it('parses SEARCH dates', () => {
    expect(parseDate('1-Feb-1994')).toBe(Date.UTC(1994, 1, 1));
    expect(parseDate('29-feb-2024')).toBe(Date.UTC(2024, 1, 29));
    expect(() => parseDate('29-Feb-2023')).toThrow(/Invalid date/);
  });
  it('keywords', () => {
    expect(isValidKeyword('$Forwarded')).toBe(true);
    expect(isValidKeyword('\\Seen')).toBe(false);
    expect(isValidKeyword('a b')).toBe(false);
  });
});
