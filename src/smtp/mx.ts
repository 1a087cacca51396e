/**
 * Inbound mail from other servers on the MX port (RFC 5321; default 25):
 * STARTTLS offered with the server's certificate (RFC 3207), no AUTH, recipients
 * of the served domains only — never a relay:
 *   onConnect   → at most mx.maxConnectionsPerIp at once per client   421 4.7.0
 *   onMailFrom  → at most mx.messagesPerIpPerMinute per client         451 4.7.1
 *   onRcptTo    → other domains                                      550 5.7.1
 *                 unknown, deleted or blocked local mailbox           550 5.1.1
 *                 (a bounce to a valid SRS address goes back to the original
 *                 sender: delivery/srs-return.ts)
 *                 more than mx.maxRecipients                          452 4.5.3
 *                 a full mailbox (RFC 9208, SIZE counted)             552 5.2.2
 *   onData      → SIZE and the 25 MiB attachment rule while streaming  552 5.3.4,
 *                 then inbound.ts (SPF/DKIM/DMARC/ARC, one commit)    → 250
 * The answers for an unknown mailbox come at RCPT, so nothing is accepted that
 * would later bounce (no backscatter).
 */
import { installDataScan } from './data-scan.js';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { lookupRecipient, type LocalRecipient } from '../identity/recipients.js';
import { metrics, METRIC, type RefusalReason } from '../shared/metrics.js';
import { R, reply, type SmtpReplyError } from './replies.js';
import { acceptedText, declaredSize, handleData } from './data.js';
import { recipientQuotaRefusal } from '../policy/quota.js';
import { deliverInbound } from './inbound.js';
import { dnsResolver } from './dns.js';
import { trackConnections } from './connections.js';
import { counted } from './refusals.js';
import { newQueueId, receivedField } from './received.js';
import { returnBounce, srsReturnTarget } from '../delivery/srs-return.js';
import { listenSmtp, listenerHandle } from './listen.js';
import type { SmtpContext, SmtpListener } from './types.js';
import { tlsPosture } from '../tls/posture.js';

const MINUTE = 60_000;

export async function startMx(ctx: SmtpContext): Promise<SmtpListener> {
  const { cfg, db, log } = ctx;
  const served = new Set(cfg.domains);
  const resolver = dnsResolver(cfg.dns.servers);
  let closing = false;
  const conns = trackConnections({ db, log, bus: ctx.bus, controlPollMs: ctx.controlPollMs ?? 2000 });
  const perIp = new Map<string, number>();
  /** Accepted-message times per client address in the last minute. */
  const recent = new Map<string, number[]>();
  const recipients = new Map<string, LocalRecipient[]>();
  /** Original senders of bounces addressed to SRS addresses, per session. */
  const returns = new Map<string, string[]>();
  const refused = (reason: RefusalReason, err: SmtpReplyError) => counted(reason, err, 'mx');
  /** Messages accepted from `ip` in the last minute (the map keeps no stale entry). */
  const rateOf = (ip: string, now: number): number[] => {
    const list = (recent.get(ip) ?? []).filter((t) => t > now - MINUTE);
    if (list.length) recent.set(ip, list);
    else recent.delete(ip);
    return list;
  };
  const recordAccepted = (ip: string, now: number) => recent.set(ip, [...rateOf(ip, now), now]);

  installDataScan();
  const server = new SMTPServer({
    secure: false,
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    ...tlsPosture(cfg),
    name: cfg.hostname,
    banner: 'gospochta ESMTP',
    size: cfg.smtp.maxMessageBytes,
    authOptional: true,
    disabledCommands: ['AUTH'],
    maxClients: cfg.smtp.maxClients,
    socketTimeout: cfg.smtp.socketTimeoutMs,
    closeTimeout: cfg.smtp.shutdownGraceMs,
    logger: false,

    onConnect(session: SMTPServerSession, cb) {
      if (closing) return cb(R.shuttingDown());
      const n = (perIp.get(session.remoteAddress) ?? 0) + 1;
      if (n > cfg.mx.maxConnectionsPerIp) return cb(refused('connections', reply(421, '4.7.0', 'Too many connections from your address; try again later')));
      perIp.set(session.remoteAddress, n);
      (session as SMTPServerSession & { counted?: boolean }).counted = true;
      metrics.inc(METRIC.connections, { protocol: 'mx' });
      cb();
    },

    onMailFrom(_address, session, cb) {
      recipients.set(session.id, []);
      returns.delete(session.id);
      if (rateOf(session.remoteAddress, Date.now()).length >= cfg.mx.messagesPerIpPerMinute) {
        return cb(refused('rate', reply(451, '4.7.1', `Too many messages from your address: at most ${cfg.mx.messagesPerIpPerMinute} a minute; try again later`)));
      }
      cb();
    },

    onRcptTo(address, session, cb) {
      const list = recipients.get(session.id) ?? [];
      const rcpt = (address.address || '').toLowerCase();
      if (list.some((r) => r.address === rcpt)) return cb();
      if (list.length >= cfg.mx.maxRecipients) return cb(R.tooManyRecipients(cfg.mx.maxRecipients));
      const found = lookupRecipient(db, served, rcpt);
      if (found.kind === 'other-domain') return cb(refused('relay_denied', reply(550, '5.7.1', `Relay access denied: <${rcpt}> is not in a domain served here`)));
      if (found.kind === 'unknown') {
        const back = srsReturnTarget({ db, cfg, rcpt, mailFrom: (session.envelope.mailFrom && session.envelope.mailFrom.address) || '' });
        if (!back) return cb(refused('recipient_unknown', R.unknownRecipient(rcpt)));
        returns.set(session.id, [...(returns.get(session.id) ?? []), back]);
        return cb();
      }
      const full = recipientQuotaRefusal(db, cfg, found.recipient.mailboxId, declaredSize(session));
      if (full) return cb(refused('over_quota', R.overQuota(full)));
      list.push(found.recipient);
      recipients.set(session.id, list);
      cb();
    },

    onData(stream, session, cb) {
      const list = recipients.get(session.id) ?? [];
      const reset = () => recipients.set(session.id, []);
      handleData({ stream, session, cfg, inData: conns.inData, log, failed: 'mx: delivery failed', internal: (e) => refused('internal', e), reset, cb }, async (got, done) => {
        if (got.kind === 'size') return done(refused('size', R.sizeExceeded(cfg.smtp.maxMessageBytes)));
        if (got.kind === 'attachments') return done(refused('attachment_limit', R.attachments(got.text)));
        const back = returns.get(session.id) ?? [];
        returns.delete(session.id);
        if (!list.length && !back.length) return done(R.noRecipients());
        const mailFrom = (session.envelope.mailFrom && session.envelope.mailFrom.address) || '';
        if (back.length) {
          const queueId = newQueueId();
          const trace = Buffer.from(receivedField({ heloName: session.hostNameAppearsAs || '', remoteAddress: session.remoteAddress, hostname: cfg.hostname, protocol: (session as SMTPServerSession & { secure?: boolean }).secure === true ? 'ESMTPS' : 'ESMTP', queueId }), 'utf8');
          await returnBounce(ctx, { raw: Buffer.concat([trace, ...got.chunks]), to: back });
          log.info({ sid: session.id, queueId, to: back }, 'mx: bounce to an SRS address sent on to the original sender');
          if (!list.length) return done(null, acceptedText(queueId));
        }
        const r = await deliverInbound(ctx, { chunks: got.chunks, size: got.size, session, mailFrom, recipients: list, resolver });
        if (!r.ok) return done(r.error);
        recordAccepted(session.remoteAddress, Date.now());
        done(null, acceptedText(r.queueId));
      });
    },

    onClose(session) {
      recipients.delete(session.id);
      returns.delete(session.id);
      conns.inData.delete(session.id);
      if (!(session as SMTPServerSession & { counted?: boolean }).counted) return;
      const n = (perIp.get(session.remoteAddress) ?? 1) - 1;
      if (n > 0) perIp.set(session.remoteAddress, n);
      else perIp.delete(session.remoteAddress);
    },
  });
  conns.attach(server);
  const port = await listenSmtp(server, { port: ctx.port ?? cfg.mx.port, host: ctx.host ?? cfg.bind, log, onFail: () => conns.stop() });
  log.info({ port }, 'MX listening (STARTTLS, no AUTH)');

  return listenerHandle(server, { port, conns, hostname: cfg.hostname, onClose: () => (closing = true) });
}
