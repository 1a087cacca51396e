/**
 * A refusal of a submission, said once: counted in the metrics and, when it is a
 * refusal by the service rules, journalled as one `submission.refused` audit row.
 */
import type { Db } from '../store/db.js';
import { audit } from '../store/audit.js';
import { metrics, METRIC, type RefusalReason } from '../shared/metrics.js';
import type { SmtpReplyError } from './replies.js';
import type { SmtpUser } from './types.js';

export function counted(reason: RefusalReason, err: SmtpReplyError, path: 'smtp' | 'mx' = 'smtp'): SmtpReplyError {
  metrics.inc(METRIC.messagesRefused, { path, reason });
  return err;
}

export function refuseAudited(
  db: Db,
  o: { user: SmtpUser; remote: string; reason: RefusalReason; details?: Record<string, unknown>; error: SmtpReplyError },
): SmtpReplyError {
  audit(db, {
    actor: `mailbox:${o.user.address}`,
    subject: `mailbox:${o.user.address}`,
    action: 'submission.refused',
    outcome: 'refused',
    remote: o.remote,
    mailboxId: o.user.mailboxId,
    details: { reason: o.reason, ...o.details },
  });
  return counted(o.reason, o.error);
}
