/**
 * Receiving DATA (RFC 5321 §4.1.1.4): the dot-unstuffed stream from smtp-server is
 * walked by the attachment meter while it arrives and kept as its chunks (joined
 * once, with the trace fields, in submit.ts). Over the
 * raw size limit or over the attachment rule, the rest of the stream is drained
 * (the client is still sending) without keeping it, and the message is refused
 * as a whole.
 */
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Config } from '../config/schema.js';
import { AttachmentMeter } from '../mime/attachment-meter.js';
import { attachmentRefusal } from '../policy/attachments.js';
import type { Logger } from '../shared/logger.js';
import { replyForError, type SmtpReplyError } from './replies.js';

export type Received =
  | { kind: 'ok'; chunks: Buffer[]; size: number; attachmentBytes: number }
  | { kind: 'size' }
  | { kind: 'attachments'; attachmentBytes: number; text: string };

export function receiveData(stream: SMTPServerDataStream, cfg: Config): Promise<Received> {
  return new Promise((resolve, reject) => {
    const meter = new AttachmentMeter();
    let chunks: Buffer[] = [];
    let size = 0;
    let refused: Received | null = null;
    stream.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > cfg.smtp.maxMessageBytes) {
        refused = { kind: 'size' };
        chunks = [];
        return;
      }
      meter.feed(chunk);
      const text = attachmentRefusal(cfg, meter.attachmentBytes);
      if (text) {
        refused = { kind: 'attachments', attachmentBytes: meter.attachmentBytes, text };
        chunks = [];
        return;
      }
      chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => {
      if (stream.sizeExceeded) return resolve({ kind: 'size' });
      if (refused) return resolve(refused);
      const attachmentBytes = meter.end();
      const text = attachmentRefusal(cfg, attachmentBytes);
      if (text) return resolve({ kind: 'attachments', attachmentBytes, text });
      resolve({ kind: 'ok', chunks, size, attachmentBytes });
    });
  });
}

/** The SIZE parameter of the session's MAIL FROM (RFC 1870 §6), 0 when not given. */
export function declaredSize(session: SMTPServerSession): number {
  const from = session.envelope.mailFrom;
  const args = from ? (from.args as Record<string, string> | false | undefined) : undefined;
  const n = Number(args ? (args.SIZE ?? args.size ?? 0) : 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** How a DATA handler ends: a refusal, or null and the text of the 250 reply. */
export type DataDone = (err: SmtpReplyError | null, msg?: string) => void;

/** The 250 reply to DATA once the message is stored or queued. */
export function acceptedText(queueId: string): string {
  return `2.0.0 Message accepted for delivery: queued as ${queueId}`;
}

export interface DataTurn {
  stream: SMTPServerDataStream;
  session: SMTPServerSession;
  cfg: Config;
  /** The sessions in DATA (a shutdown lets them finish). */
  inData: Set<string>;
  log: Logger;
  /** The error log line of an unexpected failure. */
  failed: string;
  /** The refusal counted for an unexpected failure. */
  internal: (err: SmtpReplyError) => SmtpReplyError;
  /** Empties the session's envelope once DATA is answered. */
  reset: () => void;
  cb: (err?: Error | null, msg?: string) => void;
}

/**
 * onData of the submission and MX listeners: the session is in DATA until it is
 * answered; the message is received (receiveData) and given to `handle`, which
 * answers with `done`; an unexpected error is logged and answered 451
 * (replyForError) through `internal`.
 */
export function handleData(t: DataTurn, handle: (got: Received, done: DataDone) => Promise<void>): void {
  t.inData.add(t.session.id);
  const done: DataDone = (err, msg) => {
    t.inData.delete(t.session.id);
    t.reset();
    if (err) t.cb(err);
    else t.cb(null, msg);
  };
  receiveData(t.stream, t.cfg)
    .then((got) => handle(got, done))
    .catch((e: unknown) => {
      t.log.error({ err: e, sid: t.session.id }, t.failed);
      done(t.internal(replyForError(e)));
    });
}
