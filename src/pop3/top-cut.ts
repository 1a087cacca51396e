/**
 * What TOP sends of a message (RFC 1939 §7): the header, the empty line that ends
 * it, and the first `lines` lines of the body. Fed the message in chunks cut
 * anywhere; says where to stop. Pure: no I/O.
 */
export class TopCutter {
  private inHeader = true;
  /** Bytes of the current line seen so far, apart from a CR before its LF. */
  private lineLength = 0;
  private left: number;
  private done = false;

  constructor(lines: number) {
    this.left = lines;
  }

  /** The part of `chunk` to send; `done` once the cut is reached (later chunks are not needed). */
  push(chunk: Buffer): { take: Buffer; done: boolean } {
    if (this.done) return { take: chunk.subarray(0, 0), done: true };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b !== 0x0a) {
        if (b !== 0x0d) this.lineLength++;
        continue;
      }
      const empty = this.lineLength === 0;
      this.lineLength = 0;
      if (this.inHeader) {
        if (!empty) continue;
        this.inHeader = false;
        if (this.left > 0) continue;
      } else if (--this.left > 0) continue;
      this.done = true;
      return { take: chunk.subarray(0, i + 1), done: true };
    }
    return { take: chunk, done: false };
  }
}
