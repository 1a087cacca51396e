/**
 * A parse thread of ./parse-pool.ts: prepares each message it is sent
 * (./prepare.ts) and sends the result back with the request's id.
 */
import { parentPort } from 'node:worker_threads';
import { prepareMessage } from './prepare.js';

parentPort?.on('message', (m: { id: number; raw: Uint8Array }) => {
  try {
    const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
    parentPort!.postMessage({ id: m.id, prepared: prepareMessage(raw) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: String((e as Error)?.message ?? e) });
  }
});
