/**
 * SMTP replies in one place: every refusal the submission service gives, with its
 * reply code (RFC 5321 §4.2) and enhanced status code (RFC 3463, RFC 2034), and the
 * mapping of the product's typed errors to replies.
 */
import { isGpError } from '../shared/errors.js';

export interface SmtpReplyError extends Error {
  responseCode: number;
}

export function reply(code: number, enhanced: string, text: string): SmtpReplyError {
  return Object.assign(new Error(`${enhanced} ${text}`), { responseCode: code });
}

export const R = {
  authFailed: () => reply(535, '5.7.8', 'Authentication credentials invalid'),
  /** Two-factor protection is on: the mailbox password was right, but only app passwords log in. */
  appPasswordRequired: (text: string) => reply(535, '5.7.8', `Authentication credentials invalid: ${text}`),
  authLocked: (text: string) => reply(454, '4.7.0', `Temporary authentication failure: ${text}`),
  authMethod: () => reply(504, '5.5.4', 'Unrecognized authentication type; use PLAIN or LOGIN'),
  senderMismatch: (given: string, user: string) =>
    reply(553, '5.7.1', `Sender address <${given}> is not the authenticated mailbox <${user}>; send from your own address`),
  senderIdentity: (text: string) => reply(553, '5.7.1', text),
  accessWithdrawn: () =>
    reply(421, '4.7.0', 'Access to this mailbox has been withdrawn (blocked, deleted, password changed or app password revoked); log in again'),
  authzidMismatch: () =>
    reply(535, '5.7.8', 'Authentication credentials invalid: acting as another user (authorization identity) is not allowed'),
  tooManyRecipients: (max: number) => reply(452, '4.5.3', `Too many recipients: at most ${max} per message`),
  unknownRecipient: (rcpt: string) => reply(550, '5.1.1', `No such mailbox here: <${rcpt}>`),
  otherDomain: (rcpt: string) =>
    reply(550, '5.7.1', `Delivery to other domains is not enabled on this server: <${rcpt}> cannot be reached`),
  dailyLimit: (limit: number, retry: string) =>
    reply(550, '5.4.5', `Daily sending limit reached: at most ${limit} recipients in 24 hours; the next message can be sent after ${retry}`),
  sizeExceeded: (max: number) => reply(552, '5.3.4', `Message too big: the limit is ${max} bytes`),
  attachments: (text: string) => reply(552, '5.3.4', `Message refused: ${text}`),
  /** RFC 5429 §2.1: the Sieve reject reason in the refusal; control characters dropped. */
  filterReject: (reason: string) => reply(550, '5.7.1', `Message refused by the recipient's filter: ${reason.replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 400)}`),
  /** RFC 3463 §3.3 X.2.2 "mailbox full"; RFC 5321 §4.2.2 552 "exceeded storage allocation". */
  overQuota: (text: string) => reply(552, '5.2.2', `Mailbox full: ${text}`),
  noRecipients: () => reply(554, '5.5.1', 'No valid recipients'),
  shuttingDown: () => reply(421, '4.3.2', 'Server shutting down, try again later'),
  temporary: (text: string) => reply(451, '4.3.0', text),
  internal: () => reply(451, '4.3.0', 'Local error in processing; the message was not accepted, try again later'),
};

/** A store/identity error met while delivering → the reply (temporary unless it is a refusal of the message). */
export function replyForError(e: unknown): SmtpReplyError {
  if (isGpError(e)) {
    if (e.temporary || e.code === 'SHUTTING_DOWN' || e.code === 'STORE_BUSY') return R.temporary(`${e.message}; try again later`);
    if (e.code === 'OVERQUOTA') return R.overQuota(e.message);
    if (e.kind === 'refusal') return reply(550, '5.7.1', e.message);
  }
  return R.internal();
}
