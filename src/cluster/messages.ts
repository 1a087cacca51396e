/**
 * What the primary and its workers say to each other over the cluster IPC channel.
 *   worker → primary: `change` (a committed change, to be relayed to the other
 *     workers), `watch` / `unwatch` (a folder its sessions select), `ready`
 *     (listening on these ports), `metrics` (a snapshot of the worker's
 *     counters), `fatal` (it could not start).
 *   primary → worker: `change` (a change committed by another worker or by the
 *     primary's scheduler), `watching` / `watchers` (which folders the other
 *     workers watch: only their changes are sent), `watched`, `shutdown` (stop
 *     gracefully), `reload-tls` (SIGHUP).
 */
import type { ChangeEvent } from '../events/bus.js';
import type { MetricFamily } from '../shared/metrics.js';

export type ToPrimary =
  /** A committed change, numbered by its worker; answered with `relayed` once every other worker applied it. */
  | { gp: 'change'; ev: ChangeEvent; seq: number }
  /** A relayed change (or another worker's `watching` with an id) was applied on this worker. */
  | { gp: 'applied'; id: number }
  /** A session of this worker is about to select this folder: answered with `watched` once every other worker sends its changes. */
  | { gp: 'watch'; folderId: number; id: number }
  /** No session of this worker has the folder selected any more. */
  | { gp: 'unwatch'; folderId: number }
  | { gp: 'ready'; smtpPort: number; imapPort: number; pop3Port: number | null }
  | { gp: 'metrics'; families: MetricFamily[] }
  /** A submission queued mail for other domains: the primary's outbound runner looks now. */
  | { gp: 'queued' }
  /** Asked to park (`park` with this id): writes in flight finished, the connection closed. */
  | { gp: 'parked'; id: number }
  /** The worker could not start (a port it cannot bind): the primary stops with this. */
  | { gp: 'fatal'; message: string; code?: string; port?: number };

export type ToWorker =
  /** A change from elsewhere; `id` (when set) is to be answered with `applied`. */
  | { gp: 'change'; ev: ChangeEvent; id?: number }
  /** Every other worker has applied this worker's changes up to `seq`. */
  | { gp: 'relayed'; seq: number }
  /** Another worker watches (`on`) or no longer watches a folder; `id` (when set) is to be answered with `applied`. */
  | { gp: 'watching'; folderId: number; on: boolean; id?: number }
  /** What the other workers watch now, folder id and how many of them: sent to a worker as it starts. */
  | { gp: 'watchers'; folders: Array<[number, number]> }
  /** The `watch` with this id holds: every other worker sends this one the folder's changes. */
  | { gp: 'watched'; id: number }
  | { gp: 'shutdown'; reason: string }
  /** The key rotation: finish the writes in flight, close the connection, answer `parked`; store calls wait until it ends. */
  | { gp: 'park'; id: number }
  /** The rotation ended (either way): reopen the database with the key file's key. */
  | { gp: 'resume' }
  | { gp: 'reload-tls' };

export function isMessage<T extends { gp: string }>(m: unknown): m is T {
  return typeof m === 'object' && m !== null && typeof (m as { gp?: unknown }).gp === 'string';
}
