/**
 * A least-recently-used map bounded by entries and by a byte budget (each entry
 * says its size); an entry larger than a quarter of the budget is not kept.
 * Used for what never changes once stored: a blob's parsed form and its chunks
 * (blob ids are never reused: store/blobs.ts keeps the highest id).
 */
export class Lru<K, V> {
  private readonly map = new Map<K, { v: V; size: number }>();
  private bytes = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}
  get(k: K): V | undefined {
    const e = this.map.get(k);
    if (e === undefined) return undefined;
    this.map.delete(k);
    this.map.set(k, e);
    return e.v;
  }
  set(k: K, v: V, size: number): void {
    if (size > this.maxBytes / 4) return; // too big to be worth keeping
    this.delete(k);
    this.map.set(k, { v, size });
    this.bytes += size;
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      this.delete(this.map.keys().next().value as K);
    }
  }
  delete(k: K): void {
    const e = this.map.get(k);
    if (e === undefined) return;
    this.bytes -= e.size;
    this.map.delete(k);
  }
}

