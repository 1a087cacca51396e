/**
 * A folder name kept only for its inferiors (RFC 3501 §6.3.8 \Noselect). Schema v1
 * has no column for it and marks it with special_use = '\Noselect'; a
 * `folders.noselect` column (requested for a later schema version) is used as soon
 * as it exists. A module of its own so that store/messages.ts and store/folders.ts
 * need not import each other.
 */
import type { FolderRow } from './folders.js';

export const NOSELECT = '\\Noselect';

export function isNoselect(f: Pick<FolderRow, 'special_use'> & { noselect?: unknown }): boolean {
  return f.noselect === 1 || f.special_use === NOSELECT;
}
