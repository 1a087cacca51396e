/**
 * A tiny in-process counter registry and its Prometheus text rendering
 * (exposition format 0.0.4: `# HELP`, `# TYPE`, `name{label="value"} number`).
 *
 * Protocol and policy code count what happens with `metrics.inc(name, labels)`;
 * the optional endpoint (src/ops/metrics-server.ts) serves `metrics.render()`.
 * Counters only go up; a gauge (`set`) holds the latest value.
 *
 * Counter names the server uses (declared below so they render at 0 from the start):
 *   gospochta_connections_total{protocol="smtp"|"imap"|"pop3"}     accepted TCP/TLS connections
 *   gospochta_logins_total{protocol, outcome="ok"|"failed"|"locked"} authentication attempts
 *   gospochta_messages_accepted_total{via="smtp"|"imap_append"}      messages committed to the store
 *   gospochta_messages_refused_total{via, reason}                    refusals by rule; reason is one of
 *        "attachment_limit" (552 5.3.4 / NO [TOOBIG]), "size" (raw size over SIZE/APPENDLIMIT),
 *        "daily_limit" (550 5.4.5), "sender_mismatch" (553 5.7.1), "relay_denied" (550 5.7.1),
 *        "recipient_unknown", "access_withdrawn" (421 4.7.0), on the MX port also "connections",
 *        "rate" and "dmarc_reject"; "internal"
 *   gospochta_recipients_accepted_total                              recipients of accepted submissions
 *   gospochta_lockouts_total{kind="mailbox"|"ip"}                   lockouts started
 *   gospochta_purge_runs_total{trigger="schedule"|"cli"}            retention purge runs
 *   gospochta_purged_messages_total                                  messages removed by retention
 *   gospochta_open_connections{protocol} (gauge)                     connections open now
 *   gospochta_spam_checks_total{outcome="ham"|"junk"|"reject"|"unavailable"} rspamd checks on the MX port
 *   gospochta_spam_learn_total{kind="spam"|"ham", outcome="learned"|"known"|"failed"} Junk moves taught
 *   gospochta_outbound_queue_length (gauge)                          recipients waiting in the outbound queue
 *   gospochta_outbound_queue_oldest_seconds (gauge)                  age of the oldest of them (0: none)
 */

export type Labels = Record<string, string | number>;
export type MetricType = 'counter' | 'gauge';

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: MetricSample[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

function normLabels(labels: Labels | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!labels) return out;
  for (const k of Object.keys(labels).sort()) {
    if (!LABEL_RE.test(k)) throw new Error(`metrics: invalid label name ${JSON.stringify(k)}`);
    out[k] = String(labels[k]);
  }
  return out;
}

/** Prometheus label value escaping: backslash, double quote and newline. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

interface Family {
  type: MetricType;
  help: string;
  /** Every series carries labels: nothing is rendered until one is counted. */
  labelled: boolean;
  samples: Map<string, MetricSample>;
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  /** Declare a metric with its help text (optional: inc/set declare on first use). */
  describe(name: string, type: MetricType, help: string, opts: { labelled?: boolean } = {}): void {
    const f = this.family(name, type);
    f.help = help;
    f.labelled = opts.labelled ?? false;
  }

  /** Add `by` (default 1) to a counter. */
  inc(name: string, labels?: Labels, by = 1): void {
    if (!(by >= 0)) throw new Error(`metrics: counter ${name} can only go up`);
    this.addTo(this.family(name, 'counter'), labels, by);
  }

  /** Set a gauge to a value. */
  set(name: string, value: number, labels?: Labels): void {
    const f = this.family(name, 'gauge');
    const l = normLabels(labels);
    f.samples.set(labelKey(l), { labels: l, value });
  }

  /** Add to a gauge (may be negative). */
  add(name: string, by: number, labels?: Labels): void {
    this.addTo(this.family(name, 'gauge'), labels, by);
  }

  /** Add `by` to the series of `labels` in `f` (a new series starts at `by`). */
  private addTo(f: Family, labels: Labels | undefined, by: number): void {
    const l = normLabels(labels);
    const key = labelKey(l);
    const s = f.samples.get(key);
    if (s) s.value += by;
    else f.samples.set(key, { labels: l, value: by });
  }

  /** The current value of one series (0 when never counted). */
  get(name: string, labels?: Labels): number {
    return this.families.get(name)?.samples.get(labelKey(normLabels(labels)))?.value ?? 0;
  }

  /** A copy of every metric and series, sorted by name. */
  snapshot(): MetricFamily[] {
    return [...this.families.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, f]) => ({
        name,
        type: f.type,
        help: f.help,
        samples: [...f.samples.values()].map((s) => ({ labels: { ...s.labels }, value: s.value })),
      }));
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const f of this.snapshot()) {
      if (f.help) lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
      lines.push(`# TYPE ${f.name} ${f.type}`);
      // An unlabelled metric nobody counted yet still shows as 0.
      if (!f.samples.length && !this.families.get(f.name)!.labelled) lines.push(`${f.name} 0`);
      for (const s of f.samples) {
        const ls = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
        lines.push(`${f.name}${ls.length ? `{${ls.join(',')}}` : ''} ${formatValue(s.value)}`);
      }
    }
    return lines.join('\n') + '\n';
  }

  /** Forget every series (tests); declarations stay. */
  reset(): void {
    for (const f of this.families.values()) f.samples.clear();
  }

  private family(name: string, type: MetricType): Family {
    let f = this.families.get(name);
    if (!f) {
      if (!NAME_RE.test(name)) throw new Error(`metrics: invalid metric name ${JSON.stringify(name)}`);
      f = { type, help: '', labelled: false, samples: new Map() };
      this.families.set(name, f);
    } else if (f.type !== type) {
      throw new Error(`metrics: ${name} is a ${f.type}, not a ${type}`);
    }
    return f;
  }
}

/** The names the server counts under (see the header comment). */
export const METRIC = {
  connections: 'gospochta_connections_total',
  openConnections: 'gospochta_open_connections',
  logins: 'gospochta_logins_total',
  messagesAccepted: 'gospochta_messages_accepted_total',
  messagesRefused: 'gospochta_messages_refused_total',
  recipientsAccepted: 'gospochta_recipients_accepted_total',
  lockouts: 'gospochta_lockouts_total',
  purgeRuns: 'gospochta_purge_runs_total',
  purgedMessages: 'gospochta_purged_messages_total',
  spamChecks: 'gospochta_spam_checks_total',
  spamLearned: 'gospochta_spam_learn_total',
  outboundQueueLength: 'gospochta_outbound_queue_length',
  outboundQueueOldest: 'gospochta_outbound_queue_oldest_seconds',
  outboundDelivered: 'gospochta_outbound_delivered_total',
} as const;

export type RefusalReason =
  | 'attachment_limit'
  | 'size'
  | 'daily_limit'
  | 'sender_mismatch'
  | 'relay_denied'
  | 'recipient_unknown'
  | 'access_withdrawn'
  /** A recipient's Sieve filter refused the message (reject/ereject, RFC 5429). */
  | 'filter_reject'
  /** MX only: too many connections or messages from one client, a DMARC p=reject failure. */
  | 'connections'
  | 'rate'
  | 'dmarc_reject'
  | 'over_quota'
  /** MX only: rspamd scored the message at or over spam.rejectScore. */
  | 'spam'
  | 'internal';

function declareDefaults(r: MetricsRegistry): void {
  const d = (name: string, type: MetricType, help: string, labelled: boolean) => r.describe(name, type, help, { labelled });
  d(METRIC.connections, 'counter', 'Connections accepted, by protocol.', true);
  d(METRIC.openConnections, 'gauge', 'Connections open now, by protocol.', true);
  d(METRIC.logins, 'counter', 'Authentication attempts, by protocol and outcome (ok, failed, locked).', true);
  d(METRIC.messagesAccepted, 'counter', 'Messages committed to the store, by path (smtp, imap_append).', true);
  d(METRIC.messagesRefused, 'counter', 'Messages refused, by path and reason.', true);
  d(METRIC.recipientsAccepted, 'counter', 'Recipients of accepted submissions (what the daily limit counts).', false);
  d(METRIC.lockouts, 'counter', 'Authentication lockouts started, by kind (mailbox, ip).', true);
  d(METRIC.purgeRuns, 'counter', 'Retention purge runs, by trigger (schedule, cli).', true);
  d(METRIC.purgedMessages, 'counter', 'Messages removed by the retention purge.', false);
  d(METRIC.spamChecks, 'counter', 'Spam checks of mail from other servers by rspamd, by outcome (ham, junk, reject, unavailable).', true);
  d(METRIC.spamLearned, 'counter', 'Messages taught to rspamd by moves into and out of Junk, by kind (spam, ham) and outcome (learned, known, failed).', true);
  d(METRIC.outboundQueueLength, 'gauge', 'Recipients in other domains whose mail waits in the outbound queue.', false);
  d(METRIC.outboundQueueOldest, 'gauge', 'Seconds the oldest message in the outbound queue has waited (0 when empty).', false);
  d(METRIC.outboundDelivered, 'counter', 'Recipients delivered to other domains, by the TLS policy the session was held to (dane, tls-required, mta-sts, opportunistic).', true);
}

/** A registry with the server's metrics declared (tests make their own). */
export function createServerRegistry(): MetricsRegistry {
  const r = new MetricsRegistry();
  declareDefaults(r);
  return r;
}

/** The process-wide registry the server counts into. */
export const metrics = createServerRegistry();
