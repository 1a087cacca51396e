import { describe, expect, it } from 'vitest';
import {
  FLAG_DELETED,
  FLAG_DRAFT,
  FLAG_FLAGGED,
  FLAG_SEEN,
  applyFlags,
  hasKeyword,
  maskToFlags,
  parseFlags,
  toImapFlags,
} from '../../src/store/flags.js';

describe('flags', () => {
  it('reads system flags in any case, keywords keep their case', () => {
    const p = parseFlags(['\\SEEN', '\\flagged', '$Label1', '$label1', 'Work', '\\Recent', '\\Foo']);
    expect(p.mask).toBe(FLAG_SEEN | FLAG_FLAGGED);
    expect(p.keywords).toEqual(['$Label1', 'Work']);
    expect(p.recent).toBe(true);
    expect(p.unknown).toEqual(['\\Foo']);
  });

  it('writes canonical flag lists', () => {
    expect(maskToFlags(FLAG_DRAFT | FLAG_SEEN | FLAG_DELETED)).toEqual(['\\Seen', '\\Deleted', '\\Draft']);
    expect(toImapFlags(FLAG_SEEN, '$Junk Work')).toEqual(['\\Seen', '$Junk', 'Work']);
    expect(toImapFlags(0, '')).toEqual([]);
  });

  it('applies set / add / remove, comparing keywords case-insensitively', () => {
    expect(applyFlags(FLAG_SEEN, 'A b', 'add', FLAG_FLAGGED, ['a', 'C'])).toEqual({
      mask: FLAG_SEEN | FLAG_FLAGGED,
      keywords: 'A b C',
    });
    expect(applyFlags(FLAG_SEEN | FLAG_FLAGGED, 'A b C', 'remove', FLAG_SEEN, ['B', 'x'])).toEqual({
      mask: FLAG_FLAGGED,
      keywords: 'A C',
    });
    expect(applyFlags(FLAG_SEEN, 'A', 'set', FLAG_DELETED, ['Z', 'z'])).toEqual({ mask: FLAG_DELETED, keywords: 'Z' });
    expect(hasKeyword('$Junk Work', 'work')).toBe(true);
    expect(hasKeyword('', 'work')).toBe(false);
  });
});
