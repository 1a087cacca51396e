/**
 * The in-process scheduler: the retention purge and the other expiry every
 * `retention.intervalMinutes` (first run a minute after start) — and the
 * destruction of personal data that is due (identity/personal-data.ts) — never two runs at
 * once in this process; a CLI purge in another process is safe beside it (see
 * retention.ts).
 */
import { destroyDuePersonalData } from '../identity/personal-data.js';
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../shared/logger.js';
import { runPurge, type PurgeReport } from './retention.js';
import { runExpiry } from './expiry.js';

export interface Scheduler {
  /** No new runs; resolves when a run under way has finished. */
  stop(): Promise<void>;
  /** Run now (unless a run is under way); resolves with the purge report. */
  runNow(): Promise<PurgeReport | null>;
}

export function startScheduler(o: { db: Db; cfg: Config; bus: EventBus; log: Logger; firstDelayMs?: number }): Scheduler {
  let running: Promise<PurgeReport | null> | null = null;
  let stopped = false;
  const run = (): Promise<PurgeReport | null> => {
    if (stopped) return Promise.resolve(null);
    if (running) return running;
    running = (async () => {
      try {
        const report = await runPurge({ db: o.db, cfg: o.cfg, bus: o.bus, log: o.log, trigger: 'schedule' });
        const expiry = runExpiry(o.db, o.cfg);
        o.log.info({ expiry }, 'expiry done');
        const destroyed = destroyDuePersonalData({ db: o.db, cfg: o.cfg, actor: 'system', bus: o.bus });
        if (destroyed.accounts.length) o.log.info({ accounts: destroyed.accounts.length }, 'personal data destroyed');
        return report;
      } catch (e) {
        o.log.error({ err: e }, 'scheduled purge failed');
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const first = setTimeout(() => void run(), o.firstDelayMs ?? 60_000);
  const every = setInterval(() => void run(), o.cfg.retention.intervalMinutes * 60_000);
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
    runNow: run,
  };
}
