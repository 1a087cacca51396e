/** File-system steps shared by the backup, the restore and the store's file copies. */
import { closeSync, fsyncSync, openSync, unlinkSync } from 'node:fs';

/** fsync a file or a directory (a directory after a rename, so the new name is durable). */
export function fsyncPath(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function removeIfExists(p: string): void {
  try {
    unlinkSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
