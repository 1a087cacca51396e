/**
 * Changes made by another process (the CLI blocking a person, changing a password,
 * purging) never pass this process's bus: they bump the store's control counter,
 * and the servers poll it. One watcher per listener; `onChange` runs when the
 * counter moved.
 */
import type { Db } from '../store/db.js';
import type { Logger } from '../shared/logger.js';
import { controlCounter } from '../store/db.js';

export function watchControl(db: Db, log: Logger, intervalMs: number, onChange: () => void): () => void {
  const read = (): number => {
    try {
      return controlCounter(db);
    } catch (err) {
      log.error({ err }, 'reading the control counter failed');
      return -1;
    }
  };
  let last = read();
  const timer = setInterval(() => {
    const c = read();
    if (c === last) return;
    last = c;
    onChange();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
