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
