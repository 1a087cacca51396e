/**
 * The configuration schema: every setting, its default and its rule, in one place.
 * Every limit the server enforces (line length, literal size, connections, timeouts,
 * the service rules) is named here with a safe default.
 */
import { z } from 'zod';
import { hostname, availableParallelism } from 'node:os';

const port = z.number().int().min(0, 'must be a port number 0-65535').max(65535, 'must be a port number 0-65535');
const positiveInt = z.number().int('must be a whole number').positive('must be greater than 0');
const nonNegInt = z.number().int('must be a whole number').min(0, 'must be 0 or more');
const domainName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, 'must be a lower-case domain name');

export const configSchema = z
  .object({
    /** Directory for the SQLite file and the generated TLS key/certificate. */
    dataDir: z.string().min(1).default('./data'),
    /**
     * The database key file (64 hex digits, mode 0600); empty → `<dataDir>/gospochta.key`,
     * generated on first start. GOSPOCHTA_KEY in the environment, when set, is used instead.
     */
    keyFile: z.string().default(''),
    /** Mail domains served; the first one is the primary domain (postmaster@, notices). */
    domains: z.array(domainName).min(1, 'must name at least one domain').default(['localhost']),
    /** Server hostname: SMTP banner, IMAP greeting, certificate subject. */
    hostname: z.string().min(1).default(hostname() || 'localhost'),
    bind: z.string().min(1).default('0.0.0.0'),
    /**
     * Worker processes sharing the listeners (one primary supervises them); 1 runs
     * everything in one process. Default: the number of cores.
     */
    workers: z.number().int('must be a whole number').min(1, 'must be at least 1').max(256, 'must be at most 256').default(availableParallelism()),
    tls: z
      .object({
        /** PEM certificate chain and key; empty → self-signed, generated into dataDir on first start. */
        cert: z.string().default(''),
        key: z.string().default(''),
        minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
        /** Session ticket keys are replaced this often (each process its own). */
        ticketRotationMinutes: positiveInt.default(60),
      })
      .default({}),
    smtp: z
      .object({
        port: port.default(465),
        maxClients: positiveInt.default(500),
        /** Idle socket timeout (RFC 5321 §4.5.3.2 suggests minutes). */
        socketTimeoutMs: positiveInt.default(5 * 60_000),
        /** Raw message size limit advertised as SIZE (RFC 1870); 25 MiB of attachments fits after base64. */
        maxMessageBytes: positiveInt.default(38_000_000),
        maxRecipients: positiveInt.default(100),
        /** How long a DATA transfer may finish after SIGTERM. */
        shutdownGraceMs: nonNegInt.default(15_000),
      })
      .default({}),
    /** Submission with STARTTLS (RFC 6409, RFC 8314 §3.3): the rules of port 465. 0 = off. */
    submission: z
      .object({
        port: port.default(587),
      })
      .default({}),
    /** Inbound mail from other servers (RFC 5321): STARTTLS, no AUTH, local recipients only. 0 = off. */
    mx: z
      .object({
        port: port.default(25),
        /** Connections at once from one client address. */
        maxConnectionsPerIp: positiveInt.default(20),
        /** Messages accepted per client address in any minute. */
        messagesPerIpPerMinute: positiveInt.default(120),
        /** Recipients per message. */
        maxRecipients: positiveInt.default(100),
        /**
         * The MTA-STS policy `gospochta dns` prints for the served domains (RFC 8461 §3.2):
         * `testing` (receivers only report) until the certificate is one other servers
         * verify, then `enforce`.
         */
        mtaStsMode: z.enum(['testing', 'enforce']).default('testing'),
        /** max_age of that policy, seconds (RFC 8461 §3.2: at most 31557600). */
        mtaStsMaxAgeSeconds: positiveInt.max(31_557_600).default(604_800),
        /** Where TLS reports go (RFC 8460 §3, the `_smtp._tls` record); empty = postmaster@<domain>. */
        tlsRptAddress: z.string().default(''),
      })
      .default({}),
    /** Mail to other domains: the durable queue and its delivery. */
    outbound: z
      .object({
        /** Accept submissions to other domains (queued, then delivered by MX or a route). */
        enabled: z.boolean().default(true),
        /** Fixed routes: domain (or "*") → "host:port", instead of the MX look-up (a smarthost; tests). */
        routes: z.record(z.string(), z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port')).default({}),
        /** First retry after this long; each next one waits twice as long, at most maxRetrySeconds. */
        firstRetrySeconds: positiveInt.default(60),
        maxRetrySeconds: positiveInt.default(4 * 3600),
        /** After this long without delivery the message is returned to its sender (a DSN). */
        giveUpSeconds: positiveInt.default(5 * 24 * 3600),
        /** Deliveries at once. */
        concurrency: positiveInt.default(10),
        /** How often the queue is looked at when nothing wakes it, ms. */
        pollMs: positiveInt.default(5000),
        timeoutMs: positiveInt.default(60_000),
        /**
         * Mail still undelivered after this long earns its sender one "delayed" report
         * (RFC 3464 Action: delayed) while the queue keeps trying; 0 = no such report.
         */
        delayNoticeSeconds: nonNegInt.default(0),
        /** Apply the recipient domain's MTA-STS policy (RFC 8461) to deliveries by MX look-up. */
        mtaSts: z.boolean().default(true),
        /** The port of remote MX hosts (RFC 5321: 25); another value only on test networks. */
        mxPort: port.min(1).default(25),
        /**
         * DANE (RFC 7672) on deliveries by MX look-up: a host whose TLSA records are
         * DNSSEC-validated gets STARTTLS and a matching certificate, or nothing.
         */
        dane: z.boolean().default(true),
        /**
         * The validating resolver whose AD bit DANE trusts ("host" or "host:port"); empty =
         * the first nameserver of /etc/resolv.conf when it is on loopback, else DANE is off.
         */
        dnssecResolver: z
          .string()
          .regex(/^$|^(\[[0-9a-fA-F:.]+\]|[^:\s\[\]]+)(:\d{1,5})?$|^[0-9a-fA-F:]+$/, 'must be host, host:port or [ipv6]:port')
          .default(''),
      })
      .default({}),
    /** Forwarding and Sieve redirects (RFC 5321 §6.3 loop detection). */
    forwarding: z
      .object({
        /** Targets of one mailbox's forwarding. */
        maxTargets: positiveInt.default(5),
        /** A message with more Received: fields than this is not forwarded again (a loop). */
        maxHops: positiveInt.default(30),
        /** A bounce to an SRS address older than this many days is refused (the address is stale). */
        srsMaxDays: positiveInt.default(21),
      })
      .default({}),
    /** Sieve filters (RFC 5228) and ManageSieve (RFC 5804, STARTTLS). port 0 = off. */
    sieve: z
      .object({
        port: port.default(4190),
        maxScriptBytes: positiveInt.default(64 * 1024),
        maxScripts: positiveInt.default(20),
        /** Actions one run may take; past it the run ends with the implicit keep. */
        maxActions: positiveInt.default(32),
        maxRedirects: positiveInt.default(4),
        /** vacation's period when the script names none (RFC 5230 §4.1 suggests 7), and its least value. */
        vacationDays: positiveInt.default(7),
        vacationMinDays: positiveInt.default(1),
        /** Failed AUTHENTICATE attempts on one connection before it is closed. */
        maxAuthFailures: positiveInt.default(3),
        /** An unauthenticated or idle connection is closed after this long. */
        idleTimeoutMs: positiveInt.default(10 * 60_000),
      })
      .default({}),
    /** Spam filtering of mail from other servers by rspamd (its HTTP protocol); off while rspamdUrl is empty. */
    spam: z
      .object({
        /** The rspamd controller, e.g. http://127.0.0.1:11334 (checks and learning both go there). */
        rspamdUrl: z.union([z.literal(''), z.string().url('must be a URL such as http://127.0.0.1:11334').regex(/^https?:\/\//, 'must be an http:// or https:// URL')]).default(''),
        /** The controller's password (its `password`/`enable_password`), sent on learning; empty = none. */
        password: z.string().default(''),
        /** How long a check or a learn request may take; then the message goes on without a verdict. */
        timeoutMs: positiveInt.default(5000),
        /** At this score or above a message is refused on the MX port (550 5.7.1); rspamd's own reject is 15. */
        rejectScore: z.number().default(15),
        /** At this score or above it is delivered into Junk; rspamd's "add header" is 6. */
        junkScore: z.number().default(6),
      })
      .default({}),
    /** DNS servers for SPF, DKIM, DMARC and ARC, and for MX and MTA-STS look-ups of outbound mail ("ip" or "ip:port"); empty = the system's. */
    dns: z
      .object({
        servers: z.array(z.string().min(1)).default([]),
      })
      .default({}),
    imap: z
      .object({
        port: port.default(993),
        maxLineBytes: positiveInt.default(64 * 1024),
        /** Largest literal accepted (APPEND); defaults to the SMTP raw-message limit. */
        maxLiteralBytes: positiveInt.optional(),
        /**
         * A command whose literals hold more than this many bytes (an APPEND message) has
         * them written to a temporary file in dataDir as they arrive, not kept in memory.
         */
        literalSpoolBytes: positiveInt.default(256 * 1024),
        /** Bytes of such literals in flight (being received or waiting) on the whole server; over it `NO [LIMIT]`. */
        spoolBytes: positiveInt.default(2 * 1024 * 1024 * 1024),
        /** The same for one mailbox, all its connections together. */
        spoolBytesPerUser: positiveInt.default(160_000_000),
        /** Bytes of APPEND messages read into memory at once to be parsed and stored; more wait their turn. */
        appendMemoryBytes: positiveInt.default(128 * 1024 * 1024),
        maxConnections: positiveInt.default(5000),
        maxConnectionsPerUser: positiveInt.default(50),
        /** RFC 3501 §5.4: at least 30 minutes for authenticated sessions. */
        idleTimeoutMs: z.number().int().min(30 * 60_000, 'must be at least 30 minutes (RFC 3501 §5.4)').default(30 * 60_000),
        unauthTimeoutMs: positiveInt.default(60_000),
        /** Failed logins on one connection before `* BYE`. */
        maxAuthFailures: positiveInt.default(5),
        /** Consecutive BAD replies before `* BYE` (not an IMAP client). */
        maxBadCommands: positiveInt.default(20),
      })
      .default({}),
    /** POP3 (RFC 1939) with implicit TLS (RFC 8314 §3.3), INBOX only. 0 = off. */
    pop3: z
      .object({
        port: port.default(995),
        maxConnections: positiveInt.default(1000),
        /** RFC 1939 §3: an inactivity autologout timer of at least 10 minutes. */
        idleTimeoutMs: z.number().int().min(10 * 60_000, 'must be at least 10 minutes (RFC 1939 §3)').default(10 * 60_000),
        /** Failed logins on one connection before it is closed. */
        maxAuthFailures: positiveInt.default(3),
      })
      .default({}),
    limits: z
      .object({
        /** Decoded size of all attachments of one message (25 MiB). */
        attachmentBytes: positiveInt.default(26_214_400),
        /** Recipients per mailbox in any rolling 24 hours. */
        dailyRecipients: positiveInt.default(200),
        /** Bytes of mail a mailbox may hold, all folders together (RFC 9208 STORAGE; 10 GiB); `gospochta mailbox quota` sets one mailbox's own. */
        mailboxBytes: positiveInt.default(10 * 1024 ** 3),
        /** Messages a mailbox may hold (RFC 9208 MESSAGE). */
        mailboxMessages: positiveInt.default(1_000_000),
        /** Percent of either limit at which one warning message goes into the INBOX. */
        quotaWarnPercent: positiveInt.max(100).default(90),
      })
      .default({}),
    retention: z
      .object({
        days: positiveInt.default(180),
        /** How often the in-process purge runs. */
        intervalMinutes: positiveInt.default(60),
        /** Messages per purge transaction, so clients are never stalled for long. */
        batchSize: positiveInt.default(500),
        /** How long the audit journal is kept (3 years). */
        auditDays: positiveInt.default(3 * 365),
      })
      .default({}),
    auth: z
      .object({
        failureDelayMs: nonNegInt.default(1000),
        windowMinutes: positiveInt.default(15),
        lockMinutes: positiveInt.default(15),
        mailboxFailures: positiveInt.default(5),
        ipFailures: positiveInt.default(20),
        /**
         * Failures on one address from all networks within windowMinutes after which
         * every attempt on it is slowed by slowDownMs (never refused: the hard lock
         * is per mailbox and client network).
         */
        slowDownFailures: positiveInt.default(10),
        slowDownMs: nonNegInt.default(2000),
        /**
         * How often a running server looks for blocks, deletions and password changes
         * made by the CLI in another process (the control counter), ms: open IMAP and
         * SMTP sessions of such a mailbox end within about this time.
         */
        accessCheckMs: positiveInt.default(1000),
        /** Successful verifications are cached this long (never the password itself). */
        cacheSeconds: nonNegInt.default(300),
        /** argon2 computations allowed at once. */
        maxConcurrentHashes: positiveInt.default(4),
        /** argon2id cost: OWASP minimum m=19456 KiB, t=2, p=1. */
        argon2: z
          .object({
            memoryKiB: z.number().int().min(19456, 'must be at least 19456 KiB (OWASP)').default(19456),
            timeCost: z.number().int().min(2, 'must be at least 2').default(2),
            parallelism: positiveInt.default(1),
          })
          .default({}),
      })
      .default({}),
    identity: z
      .object({
        /** The consent text version shown to people at registration. */
        consentVersion: z.string().min(1).default('2026-01'),
        /** PEM files of CAs trusted for qualified certificates. */
        trustedCaFiles: z.array(z.string()).default([]),
        codeTtlSeconds: positiveInt.default(600),
        codeMaxAttempts: positiveInt.default(5),
        codeResendSeconds: nonNegInt.default(60),
        /** Days after a consent revocation or an account deletion until its personal data is destroyed (152-FZ art. 21 §5). */
        personalDataDays: positiveInt.default(30),
      })
      .default({}),
    notifier: z
      .discriminatedUnion('kind', [
        /** One-time codes appended as JSON lines to a file an operator reads. */
        z.object({ kind: z.literal('outbox'), file: z.string().default('') }),
        /** POST {phone, email, code, text} to an SMS gateway. */
        z.object({ kind: z.literal('webhook'), url: z.string().url('must be a URL'), token: z.string().default('') }),
        /** E-mail the code to the account's contact address through an SMTP relay. */
        z.object({
          kind: z.literal('email'),
          from: z.string().min(3),
          host: z.string().min(1),
          port: port.default(587),
          secure: z.boolean().default(false),
          user: z.string().default(''),
          pass: z.string().default(''),
        }),
      ])
      .default({ kind: 'outbox', file: '' }),
    notices: z
      .object({
        newDevice: z.boolean().default(true),
        operatorContact: z.string().default('the service operator'),
      })
      .default({}),
    metrics: z
      .object({
        /** Prometheus text endpoint on 127.0.0.1; 0 = off. */
        port: port.default(0),
      })
      .default({}),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
