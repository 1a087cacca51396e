import { describe, expect, it } from 'vitest';
import { blobInfo, putBlob } from '../../src/store/blobs.js';
import {
  isNoselect,
  createFolder,
  deleteFolder,
  getFolder,
  getFolderBySpecialUse,
  listFolderTree,
  listFolders,
  normalizeFolderName,
  renameFolder,
  setSubscribed,
} from '../../src/store/folders.js';
import { appendMessages, expungeMessages, listUids } from '../../src/store/messages.js';
import { isGpError } from '../../src/shared/errors.js';
import { parsedFor, rawMessage, useStore } from './helpers.js';

const fx = useStore();

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isGpError(e) ? e.code : String(e);
  }
  return undefined;
}

function add(folderId: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const raw = rawMessage(`f-${folderId}-${i}-${Math.random()}`);
    const blobId = putBlob(fx.db, raw, parsedFor(raw), 1);
    out.push(...appendMessages(fx.db, folderId, [{ blobId, size: raw.length }]).uids);
  }
  return out;
}

const names = () => listFolders(fx.db, fx.mailboxId).map((f) => f.name);

describe('folders', () => {
  it('normalizes names: INBOX in any case, no empty levels or wildcards', () => {
    expect(normalizeFolderName('inbox')).toBe('INBOX');
    expect(normalizeFolderName('Inbox/Sub')).toBe('INBOX/Sub');
    expect(normalizeFolderName('Входящие/Работа')).toBe('Входящие/Работа');
    for (const bad of ['', '/a', 'a/', 'a//b', 'a*', 'a%b', 'a\u0001']) {
      expect(code(() => normalizeFolderName(bad))).toBe('INVALID_FOLDER_NAME');
    }
    expect(getFolder(fx.db, fx.mailboxId, 'iNbOx')!.name).toBe('INBOX');
    expect(getFolder(fx.db, fx.mailboxId, 'a//b')).toBeUndefined();
    expect(getFolderBySpecialUse(fx.db, fx.mailboxId, '\\sent')!.name).toBe('Sent');
    expect(getFolderBySpecialUse(fx.db, fx.mailboxId, '\\All')).toBeUndefined();
  });

  it('creates missing superior levels and refuses duplicates', () => {
    const f = createFolder(fx.db, fx.mailboxId, 'Проекты/2026/Отчёты');
    expect(f.name).toBe('Проекты/2026/Отчёты');
    expect(names()).toEqual(expect.arrayContaining(['Проекты', 'Проекты/2026', 'Проекты/2026/Отчёты']));
    expect(names()[0]).toBe('INBOX');
    expect(code(() => createFolder(fx.db, fx.mailboxId, 'Проекты/2026'))).toBe('ALREADYEXISTS');
    expect(code(() => createFolder(fx.db, fx.mailboxId, 'inbox'))).toBe('ALREADYEXISTS');
    expect(createFolder(fx.db, fx.mailboxId, 'Trailing/').name).toBe('Trailing');
    const tree = listFolderTree(fx.db, fx.mailboxId);
    expect(tree.find((t) => t.name === 'Проекты')!.hasChildren).toBe(true);
    expect(tree.find((t) => t.name === 'Проекты/2026/Отчёты')!.hasChildren).toBe(false);
  });

  it('deletes a leaf folder with its messages, releasing blob references', () => {
    const f = createFolder(fx.db, fx.mailboxId, 'Old');
    add(f.id, 2);
    const blobs = fx.db.prepare('SELECT blob_id FROM messages WHERE folder_id = ?').pluck().all(f.id) as number[];
    const r = deleteFolder(fx.db, fx.mailboxId, 'Old');
    expect(r.expunged).toEqual([1, 2]);
    expect(r.keptAsNoselect).toBe(false);
    expect(r.events.map((e) => e.type)).toEqual(['expunge', 'folder']);
    expect(getFolder(fx.db, fx.mailboxId, 'Old')).toBeUndefined();
    for (const b of blobs) expect(blobInfo(fx.db, b)!.refcount).toBe(0);
    expect(fx.db.prepare('SELECT count(*) FROM expunged WHERE folder_id = ?').pluck().get(f.id)).toBe(0);
    expect(code(() => deleteFolder(fx.db, fx.mailboxId, 'Old'))).toBe('NOT_FOUND');
    // The same name created again never repeats a uidvalidity (RFC 3501 §2.3.1.1).
    const again = createFolder(fx.db, fx.mailboxId, 'Old');
    expect(again.uidvalidity).toBeGreaterThan(f.uidvalidity);
    expect(again.uidnext).toBe(1);
    expect(code(() => deleteFolder(fx.db, fx.mailboxId, 'inbox'))).toBe('CANNOT_DELETE_INBOX');
  });

  it('keeps a deleted folder with inferiors as \\Noselect (RFC 3501 §6.3.4)', () => {
    const parent = createFolder(fx.db, fx.mailboxId, 'P');
    createFolder(fx.db, fx.mailboxId, 'P/C');
    add(parent.id, 1);
    const r = deleteFolder(fx.db, fx.mailboxId, 'P');
    expect(r.keptAsNoselect).toBe(true);
    expect(isNoselect(getFolder(fx.db, fx.mailboxId, 'P')!)).toBe(true);
    expect(listUids(fx.db, parent.id)).toEqual([]);
    expect(listFolderTree(fx.db, fx.mailboxId).find((t) => t.name === 'P')).toMatchObject({ noselect: true, hasChildren: true });
    const raw = rawMessage('ns');
    const blobId = putBlob(fx.db, raw, parsedFor(raw), 1);
    expect(code(() => appendMessages(fx.db, parent.id, [{ blobId, size: raw.length }]))).toBe('FOLDER_NOSELECT');
    expect(code(() => deleteFolder(fx.db, fx.mailboxId, 'P'))).toBe('HAS_CHILDREN');
    // Creating it again makes it a real folder with a new uidvalidity.
    const again = createFolder(fx.db, fx.mailboxId, 'P');
    expect(again.id).toBe(parent.id);
    expect(again.special_use).toBeNull();
    expect(again.uidvalidity).not.toBe(parent.uidvalidity);
    // Once the inferior is gone the \Noselect name can be deleted.
    deleteFolder(fx.db, fx.mailboxId, 'P');
    deleteFolder(fx.db, fx.mailboxId, 'P/C');
    deleteFolder(fx.db, fx.mailboxId, 'P');
    expect(names().filter((n) => n.startsWith('P'))).toEqual([]);
  });

  it('renames a folder with its inferiors', () => {
    const a = createFolder(fx.db, fx.mailboxId, 'A/B');
    createFolder(fx.db, fx.mailboxId, 'A/B/C');
    createFolder(fx.db, fx.mailboxId, 'A/BB');
    add(a.id, 2);
    const r = renameFolder(fx.db, fx.mailboxId, 'A/B', 'X/Y');
    expect(r.renamed.map((x) => [x.from, x.to])).toEqual([
      ['A/B', 'X/Y'],
      ['A/B/C', 'X/Y/C'],
    ]);
    expect(names()).toEqual(expect.arrayContaining(['A', 'A/BB', 'X', 'X/Y', 'X/Y/C']));
    expect(names()).not.toContain('A/B');
    const moved = getFolder(fx.db, fx.mailboxId, 'X/Y')!;
    expect(moved.id).toBe(a.id);
    expect(moved.uidvalidity).toBe(a.uidvalidity);
    expect(listUids(fx.db, moved.id)).toEqual([1, 2]);
    expect(code(() => renameFolder(fx.db, fx.mailboxId, 'X/Y', 'A/BB'))).toBe('ALREADYEXISTS');
    expect(code(() => renameFolder(fx.db, fx.mailboxId, 'Nope', 'Z'))).toBe('NOT_FOUND');
    expect(code(() => renameFolder(fx.db, fx.mailboxId, 'X', 'X/Y/Z'))).toBe('RENAME_INTO_ITSELF');
  });

  it('renaming INBOX moves its messages and leaves INBOX empty (RFC 3501 §6.3.5)', () => {
    const inbox = fx.folder('INBOX');
    createFolder(fx.db, fx.mailboxId, 'INBOX/Child');
    add(inbox, 3);
    expungeMessages(fx.db, inbox, [2]);
    const r = renameFolder(fx.db, fx.mailboxId, 'inbox', 'Old Inbox');
    expect(r.inbox!.folder.name).toBe('Old Inbox');
    expect(r.inbox!.move.srcUids).toEqual([1, 3]);
    expect(listUids(fx.db, r.inbox!.folder.id)).toEqual([1, 2]);
    expect(listUids(fx.db, inbox)).toEqual([]);
    expect(getFolder(fx.db, fx.mailboxId, 'INBOX')!.id).toBe(inbox);
    expect(getFolder(fx.db, fx.mailboxId, 'INBOX/Child')).toBeDefined();
    expect(r.events.map((e) => e.type)).toEqual(['folder', 'exists', 'expunge']);
  });

  it('subscribes and unsubscribes', () => {
    createFolder(fx.db, fx.mailboxId, 'S');
    expect(setSubscribed(fx.db, fx.mailboxId, 'S', false)!.subscribed).toBe(0);
    expect(getFolder(fx.db, fx.mailboxId, 'S')!.subscribed).toBe(0);
    setSubscribed(fx.db, fx.mailboxId, 'S', true);
    expect(getFolder(fx.db, fx.mailboxId, 'S')!.subscribed).toBe(1);
    expect(code(() => setSubscribed(fx.db, fx.mailboxId, 'none', true))).toBe('NOT_FOUND');
  });
});

describe('folders with the noselect column (schema v2)', () => {
  it('uses the column and keeps the special-use attribute', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openDb } = await import('../../src/store/db.js');
    const { addMailbox } = await import('./helpers.js');
    const { hasNoselectColumn, isNoselect, specialUseOf } = await import('../../src/store/folders.js');
    const dir = mkdtempSync(join(tmpdir(), 'gp-noselect-'));
    const db = openDb(dir);
    try {
      expect(hasNoselectColumn(db)).toBe(true);
      const mb = addMailbox(db);
      createFolder(db, mb, 'Trash/Sub');
      deleteFolder(db, mb, 'Trash');
      const t = getFolder(db, mb, 'Trash')!;
      expect(isNoselect(t)).toBe(true);
      expect(t.special_use).toBe('\\Trash');
      expect(specialUseOf(t)).toBe('\\Trash');
      const again = createFolder(db, mb, 'Trash');
      expect(isNoselect(again)).toBe(false);
      expect(again.special_use).toBe('\\Trash');
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
