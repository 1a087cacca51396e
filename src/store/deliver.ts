/**
 * The durable write path with group commit: SMTP delivery and IMAP APPEND call
 * Writer.deliver(); other store writes may go through Writer.run().
 *
 * Durability: a promise resolves only after its batch is committed and on disk, so
 * SMTP may answer 250 and IMAP OK. The COMMIT itself runs with synchronous=NORMAL
 * and the WAL is then fsynced off the event loop (wal-sync.ts), so the other
 * sessions of the process go on while the disk works. Requests that arrive while a batch is pending
 * are committed together in ONE transaction on the next turn of the event loop
 * (setImmediate), so N concurrent deliveries cost one fsync. Each request runs in
 * its own SAVEPOINT inside the batch: if it throws, only it is rolled back and
 * rejected. Change events are published after COMMIT, merged per folder.
 */
import type { Db } from './db.js';
import type { ChangeEvent, EventBus } from '../events/bus.js';
import type { ParsedMessage } from '../mime/types.js';
import { putBlob } from './blobs.js';
import { WalSync } from './wal-sync.js';
import { pragmaValue, setPragma, tx, withoutOwnSync } from './tx.js';
import { appendMessages } from './messages.js';
import { mergeEvents } from './changes.js';
import { forgetKnownTerms } from './fts.js';
import { GpError } from '../shared/errors.js';
import { crossedWarning, enforceQuota, mailboxOfFolder, mailboxQuota, type MailboxQuota, type QuotaDefaults } from './quota.js';

export interface DeliveryTarget {
  folderId: number;
  /** System-flag mask (store/flags.ts). */
  flags?: number;
  /** Space-separated keywords. */
  keywords?: string;
  /** INTERNALDATE (APPEND may give it), ms; defaults to storedAt. */
  internalDate?: number;
  /** Its zone, minutes east of UTC (APPEND's date-time); 0 when absent. */
  internalZone?: number;
}

export interface DeliveryRequest {
  raw: Buffer;
  parsed: ParsedMessage;
  targets: DeliveryTarget[];
  /** When the server stored it (the retention clock), ms; defaults to now. */
  storedAt?: number;
  /**
   * References to the blob beyond the folder targets (one per outbound queue row);
   * with them a request may have no folder target at all.
   */
  extraRefs?: number;
  /** A message of the service itself (notices, reports, the quota warning): not held to the quota. */
  quotaExempt?: boolean;
  /**
   * More rows to write in the same transaction (send_events, audit, queue rows).
   * Throwing fails this request. blobId is 0 when the message was stored nowhere
   * (no folder target and no extra reference: every copy went elsewhere).
   */
  extra?: (db: Db, blobId: number) => void;
  /**
   * Other messages stored in the same transaction (forwarded copies, vacation
   * replies): all of them commit together with this one, or none does.
   */
  also?: DeliveryRequest[];
}

export interface DeliveredTarget {
  folderId: number;
  uid: number;
  uidvalidity: number;
  modseq: number;
}

export interface DeliveryResult {
  blobId: number;
  /** One entry per target, in the order given. */
  targets: DeliveredTarget[];
}

/** The result of a Writer.run() operation: its value and the events to publish after commit. */
export interface WriteOutcome<T> {
  value: T;
  events?: ChangeEvent[];
}

interface Pending {
  op: (db: Db) => WriteOutcome<unknown>;
  /** Bytes this request writes (message size), for the batch byte budget. */
  bytes: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: WriteOutcome<unknown> } | { ok: false; error: unknown };

export interface WriterStats {
  /** Transactions committed (or attempted). */
  batches: number;
  /** Requests handled. */
  requests: number;
  /** Largest batch so far. */
  maxBatch: number;
}

/** RFC 9208 quotas as the writer enforces them on every delivery. */
export interface QuotaPolicy {
  defaults: QuotaDefaults;
  /** Percent of a limit at which `onWarn` is called once, when a delivery crosses it. */
  warnPercent: number;
  /** Called after COMMIT, once per mailbox a delivery took across warnPercent. */
  onWarn?: (q: MailboxQuota) => void;
}

export interface WriterOptions {
  quota?: QuotaPolicy;
  /** Most requests in one transaction (the rest wait for the next one). */
  maxBatch?: number;
  /** Most message bytes in one transaction (at least one request is always taken). */
  maxBatchBytes?: number;
}

/** A batch that found the write lock taken tries again after this long (a timer: the event loop goes on). */
const LOCK_RETRY_MS = 1;
/** How long it tries without waiting inside SQLite; then it waits there (busy_timeout), as every other write does. */
const LOCK_WAIT_MS = 2000;

/** Store one message once and file it in every target folder (inside the caller's transaction). */
export class Writer {
  readonly stats: WriterStats = { batches: 0, requests: 0, maxBatch: 0 };
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private drained: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  readonly quota: QuotaPolicy | undefined;
  /** The batch's body; wrapped per connection by tx() (a swappable handle may change it). */
  private readonly batchBody: (batch: Pending[], outcomes: Outcome[]) => void;
  /** The WAL fsync after each batch; absent for a database without a WAL file (in memory). */
  private readonly walSync: WalSync | undefined;
  /** Batches committed whose sync has not finished. */
  private syncing = 0;
  /** The next batch waits for the sync in flight (flush() runs when it ends). */
  private afterSync = false;
  /** Since when the next batch has found the write lock taken by another process (ms), or null. */
  private lockWaitSince: number | null = null;

  constructor(
    readonly db: Db,
    private readonly bus: EventBus,
    opts: WriterOptions = {},
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 256);
    this.maxBatchBytes = Math.max(1, opts.maxBatchBytes ?? 64 * 1024 * 1024);
    this.quota = opts.quota;
    const wal = !db.memory && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
    this.walSync = wal ? new WalSync(`${db.name}-wal`) : undefined;
    // Built once; tx() wraps them once per connection (better-sqlite3 builds new wrappers on every db.transaction()).
    const requestBody = (p: Pending) => p.op(db);
    this.batchBody = (batch: Pending[], outcomes: Outcome[]) => {
      const requestTx = tx(db, requestBody, 'deferred');
      for (const p of batch) {
        try {
          // Nested: runs in a SAVEPOINT and rolls back to it on throw.
          outcomes.push({ ok: true, value: requestTx(p) });
        } catch (error) {
          // Rolled back to its savepoint: what it indexed is not there.
          forgetKnownTerms(db);
          outcomes.push({ ok: false, error });
        }
      }
    };
  }

  /**
   * Store a message once and file it in every target folder. Resolves after the
   * transaction holding it has committed; `exists` events are published then.
   */
  deliver(req: DeliveryRequest): Promise<DeliveryResult> {
    const stores = (r: DeliveryRequest): boolean => r.targets.length > 0 || !!r.extraRefs || (r.also ?? []).some(stores);
    if (!stores(req) && !req.extra) return Promise.reject(new Error('deliver: no targets'));
    const bytes = (r: DeliveryRequest): number => r.raw.length + (r.also ?? []).reduce((n, a) => n + bytes(a), 0);
    const warnings: MailboxQuota[] = [];
    const done = this.enqueue(bytes(req), (db) => {
      const events: ChangeEvent[] = [];
      const value = this.storeChecked(db, req, events, warnings);
      return { value, events };
    });
    return this.withWarnings(done, warnings);
  }

  /**
   * Several messages in one savepoint of the next group commit: all are stored or,
   * when one fails, none (MULTIAPPEND, RFC 3502 §6.3.11).
   */
  deliverAll(reqs: DeliveryRequest[]): Promise<DeliveryResult[]> {
    if (reqs.some((r) => r.targets.length === 0 && !r.extraRefs)) return Promise.reject(new Error('deliver: no targets'));
    const bytes = reqs.reduce((n, r) => n + r.raw.length, 0);
    const warnings: MailboxQuota[] = [];
    const done = this.enqueue(bytes, (db) => {
      const events: ChangeEvent[] = [];
      const value = reqs.map((r) => this.storeChecked(db, r, events, warnings));
      return { value, events };
    });
    return this.withWarnings(done, warnings);
  }

  /**
   * One request inside the transaction: its mailboxes' quotas checked first (throws
   * OVERQUOTA), then stored; a mailbox that crossed the warning level is noted. The
   * copies it carries (`also`: forwarded copies, filter replies) are the service's
   * own doing and are not refused for a full mailbox.
   */
  private storeChecked(db: Db, req: DeliveryRequest, events: ChangeEvent[], warnings: MailboxQuota[]): DeliveryResult {
    const before = req.quotaExempt ? [] : this.checkQuota(db, req);
    const value = storeOne(db, req, events);
    if (this.quota) {
      for (const b of before) {
        const after = mailboxQuota(db, b.mailboxId, this.quota.defaults);
        if (after && crossedWarning(b, after, this.quota.warnPercent)) warnings.push(after);
      }
    }
    return value;
  }

  /** After COMMIT: the 90 % warnings of the mailboxes that crossed it. */
  private withWarnings<T>(done: Promise<T>, warnings: MailboxQuota[]): Promise<T> {
    const onWarn = this.quota?.onWarn;
    if (!onWarn) return done;
    return done.then((r) => {
      for (const w of warnings) onWarn(w);
      return r;
    });
  }

  /**
   * RFC 9208 §5: the limits of every mailbox the request files into, checked in
   * the delivering transaction; throws OVERQUOTA. Returns their quotas before it.
   */
  private checkQuota(db: Db, req: DeliveryRequest): MailboxQuota[] {
    if (!this.quota) return [];
    const perMailbox = new Map<number, number>();
    for (const t of req.targets) {
      const m = mailboxOfFolder(db, t.folderId);
      if (m !== undefined) perMailbox.set(m, (perMailbox.get(m) ?? 0) + 1);
    }
    const out: MailboxQuota[] = [];
    for (const [mailboxId, n] of perMailbox) {
      const q = enforceQuota(db, { mailboxId, bytes: n * req.raw.length, messages: n, defaults: this.quota.defaults });
      if (q) out.push(q);
    }
    return out;
  }

  /**
   * Run a synchronous write in the next group-committed transaction (inside its own
   * savepoint). Resolves with its value after COMMIT; its events are published then.
   */
  run<T>(op: (db: Db) => WriteOutcome<T>): Promise<T> {
    return this.enqueue(0, op);
  }

  private enqueue<T>(bytes: number, op: (db: Db) => WriteOutcome<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(
        new GpError('SHUTTING_DOWN', 'the server is shutting down; try again later', { kind: 'refusal', temporary: true }),
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, bytes, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when no request is queued (every accepted request has committed or failed). */
  drain(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private get idle(): boolean {
    return !this.scheduled && this.queue.length === 0 && this.syncing === 0;
  }

  private wakeDrained(): void {
    if (!this.idle) return;
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }

  /** Refuse new requests (SHUTTING_DOWN, temporary) and wait for the queued ones. */
  close(): Promise<void> {
    this.closed = true;
    return this.drain().then(() => this.walSync?.close());
  }

  /** Requests waiting for the next transaction. */
  get pending(): number {
    return this.queue.length;
  }

  private flush(): void {
    // Group commit: while the last batch's sync is in flight, requests gather for one
    // transaction after it. Committed now, they would wait for that sync and a second
    // one all the same (WalSync), each batch writing its folder, index and search
    // pages again.
    if (this.syncing > 0) {
      this.afterSync = true;
      return;
    }
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.maxBatch) {
      const next = this.queue[n]!.bytes;
      if (n > 0 && bytes + next > this.maxBatchBytes) break;
      bytes += next;
      n++;
    }
    const batch = this.queue.splice(0, n);
    let committed = true;
    try {
      committed = this.commitBatch(batch);
      // Counted once a batch is committed or failed for good (not each try for another process's lock).
      if (committed && batch.length) {
        this.stats.batches++;
        this.stats.requests += batch.length;
        if (batch.length > this.stats.maxBatch) this.stats.maxBatch = batch.length;
      }
    } finally {
      if (!committed) {
        // Another process holds the write lock: the batch waits its turn on a timer.
        this.queue.unshift(...batch);
        setTimeout(() => this.flush(), LOCK_RETRY_MS);
      } else if (this.queue.length) setImmediate(() => this.flush());
      else {
        this.scheduled = false;
        this.wakeDrained();
      }
    }
  }

  /**
   * Commit one batch; false when another process held the write lock (nothing ran:
   * the caller retries). Waiting for that lock inside SQLite (busy_timeout) would
   * put the whole event loop to sleep, every session of the process with it; so
   * BEGIN IMMEDIATE is tried without waiting, for up to LOCK_WAIT_MS, and only then
   * with SQLite's own wait.
   */
  private commitBatch(batch: Pending[]): boolean {
    if (batch.length === 0) return true;

    const outcomes: Outcome[] = [];
    const waited = this.lockWaitSince !== null ? Date.now() - this.lockWaitSince : 0;
    const tryOnly = this.walSync !== undefined && waited < LOCK_WAIT_MS;
    try {
      // no fsync inside COMMIT: the WAL is synced below, off the event loop
      const batchTx = tx(this.db, this.batchBody);
      const timeout = tryOnly ? pragmaValue(this.db, 'busy_timeout') : 0;
      if (tryOnly) setPragma(this.db, 'busy_timeout', 0);
      try {
        if (this.walSync) withoutOwnSync(this.db, () => batchTx(batch, outcomes));
        else batchTx(batch, outcomes);
      } finally {
        if (tryOnly) setPragma(this.db, 'busy_timeout', timeout);
      }
      this.lockWaitSince = null;
    } catch (error) {
      if (tryOnly && outcomes.length === 0 && isBusy(error)) {
        this.lockWaitSince ??= Date.now();
        return false;
      }
      this.lockWaitSince = null;
      // BEGIN or COMMIT failed: nothing of this batch is stored.
      forgetKnownTerms(this.db);
      const e = isBusy(error)
        ? new GpError('STORE_BUSY', 'the message store is busy; try again later', {
            kind: 'refusal',
            temporary: true,
            cause: error,
          })
        : error;
      for (const p of batch) p.reject(e);
      return true;
    }
    if (!this.walSync) {
      this.afterDurable(batch, outcomes);
      return true;
    }
    this.syncing++;
    // When the sync ends, the batch that gathered meanwhile is committed (and its sync
    // started) before this one's requests are answered: the answers' work on the event
    // loop overlaps that sync instead of coming before it.
    const synced = (): void => {
      this.syncing--;
      if (this.afterSync && this.syncing === 0) {
        this.afterSync = false;
        this.flush();
      }
    };
    this.walSync.sync().then(
      () => {
        try {
          synced();
        } finally {
          this.afterDurable(batch, outcomes);
        }
      },
      (error: unknown) => {
        try {
          synced();
        } finally {
          // Committed but not known to be on disk: nobody is told it was stored.
          const e = new GpError('STORE_SYNC', 'the message store could not write to disk; try again later', { kind: 'internal', temporary: true, cause: error });
          for (const p of batch) p.reject(e);
        }
      },
    ).finally(() => this.wakeDrained());
    return true;
  }

  /** After the batch is on disk: its changes published, then its requests answered. */
  private afterDurable(batch: Pending[], outcomes: Outcome[]): void {
    const events: ChangeEvent[] = [];
    for (const o of outcomes) if (o.ok && o.value.events) events.push(...o.value.events);
    for (const ev of mergeEvents(events)) {
      try {
        this.bus.publish(ev);
      } catch {
        // A subscriber's failure must not affect the writers; subscribers log their own errors.
      }
    }
    const answer = () => {
      for (let i = 0; i < batch.length; i++) {
        const o = outcomes[i]!;
        if (o.ok) batch[i]!.resolve(o.value.value);
        else batch[i]!.reject(o.error);
      }
    };
    // Committed either way; the answers wait until the other processes have the changes.
    if (events.length) this.bus.settled().then(answer, answer);
    else answer();
  }
}

/** One request and those it carries (`also`), inside the caller's transaction. */
function storeOne(db: Db, req: DeliveryRequest, events: ChangeEvent[]): DeliveryResult {
  const storedAt = req.storedAt ?? Date.now();
  const refs = req.targets.length + (req.extraRefs ?? 0);
  const blobId = refs > 0 ? putBlob(db, req.raw, req.parsed, refs) : 0;
  const targets: DeliveredTarget[] = [];
  for (const t of req.targets) {
    const r = appendMessages(db, t.folderId, [
      {
        blobId,
        size: req.raw.length,
        flags: t.flags ?? 0,
        keywords: t.keywords ?? '',
        internalDate: t.internalDate ?? storedAt,
        internalZone: t.internalZone ?? 0,
        storedAt,
      },
    ]);
    targets.push({ folderId: t.folderId, uid: r.uids[0]!, uidvalidity: r.uidvalidity, modseq: r.modseq });
    events.push(...r.events);
  }
  req.extra?.(db, blobId);
  for (const a of req.also ?? []) storeOne(db, a, events);
  return { blobId, targets };
}

/** SQLITE_BUSY / SQLITE_LOCKED (another process held the write lock past busy_timeout). */
function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
