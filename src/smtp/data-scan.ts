/**
 * The DATA phase's scan for "\r\n." (RFC 5321 §4.5.2 dot-stuffing and §4.1.1.4
 * the end of data), done natively for the common chunk.
 *
 * smtp-server's stream looks for a dot after a line feed one byte at a time in
 * JavaScript, every byte of every message: a tenth of the event loop's time on a
 * 1 MB message. A chunk (with the bytes it keeps from the one before) that holds no
 * "\n." at all, outside the start of the data, can only be passed on: that is found
 * by Buffer.indexOf and done here exactly as the library does it (the last four
 * bytes kept for the next chunk, the rest counted and written, waiting for drain).
 * Every other chunk — a dot-stuffed line, the end of the data, the first bytes of
 * the data — goes to the library's own code.
 *
 * Installed once, and only when the stream has the method and fields this relies on;
 * otherwise (another version of smtp-server) the library runs unchanged.
 */
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';

const NL_DOT = Buffer.from('\n.');

interface StreamInternals {
  _dataStream: (NodeJS.WritableStream & { writable: boolean; destroyed: boolean }) | null;
  _lastBytes: Buffer | false;
  _atDataStart: boolean;
  _countDataBytes(n: number): void;
  _feedDataStream(chunk: Buffer, done: () => void): void;
}

let installed = false;

/** Chunks passed on here, not by the library (for the tests). */
export const dataScanStats = { passedOn: 0 };

/** Whether a "\n." lies in the kept bytes or across their seam with the chunk. */
function keptHasNlDot(last: Buffer, chunk: Buffer): boolean {
  return last.indexOf(NL_DOT) !== -1 || (chunk.length > 0 && chunk[0] === 0x2e && last[last.length - 1] === 0x0a);
}

export function installDataScan(): boolean {
  if (installed) return true;
  const proto = (SMTPStream as unknown as { prototype: StreamInternals }).prototype;
  const original = proto._feedDataStream;
  if (typeof original !== 'function' || typeof proto._countDataBytes !== 'function') return false;
  proto._feedDataStream = function (this: StreamInternals, input: Buffer, done: () => void): void {
    const last = this._lastBytes && this._lastBytes.length ? this._lastBytes : null;
    if (this._atDataStart || !this._dataStream || input.indexOf(NL_DOT) !== -1 || (last && keptHasNlDot(last, input))) {
      original.call(this, input, done);
      return;
    }
    dataScanStats.passedOn++;
    const chunk = last ? Buffer.concat([last, input], last.length + input.length) : input;
    this._lastBytes = chunk.length < 4 ? chunk : chunk.subarray(chunk.length - 4);
    if (this._lastBytes.length >= chunk.length) {
      done();
      return;
    }
    const buf = chunk.subarray(0, chunk.length - this._lastBytes.length);
    this._countDataBytes(buf.length);
    const dataStream = this._dataStream;
    if (!dataStream.writable) {
      done();
      return;
    }
    if (dataStream.write(buf) || dataStream.destroyed) {
      done();
      return;
    }
    // a stream that the application destroys never drains, it only closes
    const onDrain = () => {
      dataStream.removeListener('drain', onDrain);
      dataStream.removeListener('close', onDrain);
      done();
    };
    dataStream.once('drain', onDrain);
    dataStream.once('close', onDrain);
  };
  installed = true;
  return true;
}
