import { describe, expect, it } from 'vitest';
import { putBlob } from '../../src/store/blobs.js';
import { appendMessages } from '../../src/store/messages.js';
import { searchHeader, searchRange, searchText } from '../../src/store/search.js';
import type { ParsedMessage } from '../../src/mime/types.js';
import { parsedFor, rawMessage, useStore } from './helpers.js';

const fx = useStore();

function add(folderId: number, subject: string, patch: Partial<ParsedMessage['search']>, size = 100, internalDate = 0): number {
  const raw = rawMessage(subject, size);
  const parsed = parsedFor(raw, subject);
  parsed.search = { ...parsed.search, ...patch };
  const blobId = putBlob(fx.db, raw, parsed, 1);
  return appendMessages(fx.db, folderId, [{ blobId, size: raw.length, internalDate }]).uids[0]!;
}

describe('search leaves', () => {
  it('matches text fields case-insensitively as substrings', () => {
    const inbox = fx.folder('INBOX');
    add(inbox, 'a', { subject: 'Счёт за Ноябрь', from: 'Бухгалтерия <buh@example.org>', body: 'Оплатите до 1 декабря' });
    add(inbox, 'b', { subject: 'Meeting', to: 'Team@Example.org', body: 'agenda', headers: 'subject: meeting\nx-priority: 1\n' });
    add(fx.folder('Sent'), 'c', { subject: 'счёт' });
    expect(searchText(fx.db, inbox, 'subject', 'СЧЁТ')).toEqual([1]);
    expect(searchText(fx.db, inbox, 'from', 'buh@')).toEqual([1]);
    expect(searchText(fx.db, inbox, 'to', 'team@example')).toEqual([2]);
    expect(searchText(fx.db, inbox, 'body', 'ДЕКАБРЯ')).toEqual([1]);
    expect(searchText(fx.db, inbox, 'text', 'x-priority')).toEqual([2]);
    expect(searchText(fx.db, inbox, 'text', 'agenda')).toEqual([2]);
    expect(searchText(fx.db, inbox, 'subject', '')).toEqual([1, 2]);
    expect(searchText(fx.db, inbox, 'cc', 'nobody')).toEqual([]);
  });

  it('matches HEADER name value on the named field only', () => {
    const inbox = fx.folder('INBOX');
    add(inbox, 'a', { headers: 'subject: hello\nx-mailer: Foo 1.0\n' });
    add(inbox, 'b', { headers: 'subject: x-mailer foo\n' });
    expect(searchHeader(fx.db, inbox, 'X-Mailer', 'FOO')).toEqual([1]);
    expect(searchHeader(fx.db, inbox, 'x-mailer', '')).toEqual([1]);
    expect(searchHeader(fx.db, inbox, 'subject', 'foo')).toEqual([2]);
  });

  it('selects numeric ranges', () => {
    const inbox = fx.folder('INBOX');
    add(inbox, 'a', { sentDate: 1000 }, 100, 5000);
    add(inbox, 'b', { sentDate: null }, 5000, 6000);
    add(inbox, 'c', { sentDate: 3000 }, 200, 7000);
    expect(searchRange(fx.db, inbox, 'sentDate', 0, 2000)).toEqual([1]);
    expect(searchRange(fx.db, inbox, 'sentDate')).toEqual([1, 3]);
    expect(searchRange(fx.db, inbox, 'internalDate', 6000)).toEqual([2, 3]);
    expect(searchRange(fx.db, inbox, 'internalDate', undefined, 6000)).toEqual([1]);
    const big = searchRange(fx.db, inbox, 'size', 1000);
    expect(big).toEqual([2]);
  });
});
