/**
 * What every identity operation needs: the store, the configuration, who acts
 * (`operator:NAME`, `mailbox:ADDRESS` or `system`), and optionally the event bus
 * of a running server, a clock (tests) and a notifier for one-time codes.
 */
import type { Db } from '../store/db.js';
import type { Config } from '../config/load.js';
import type { EventBus } from '../events/bus.js';
import type { Notifier } from './notifier.js';

export interface IdentityContext {
  db: Db;
  cfg: Config;
  /** Audit actor: `operator:NAME` | `mailbox:ADDRESS` | `system`. */
  actor: string;
  bus?: EventBus;
  /** Clock in Unix ms (tests move it). */
  now?: () => number;
  /** Overrides the notifier chosen by config.notifier. */
  notifier?: Notifier;
  remote?: string | null;
}

export function nowOf(ctx: IdentityContext): number {
  return ctx.now ? ctx.now() : Date.now();
}

export function operatorActor(name: string): string {
  return `operator:${name}`;
}
