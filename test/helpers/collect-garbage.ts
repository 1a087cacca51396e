/**
 * What a child server holds in memory, read through its inspector (the child is
 * started with `--inspect=127.0.0.1:0`): full collections (`HeapProfiler.collectGarbage`)
 * until two readings of `process.memoryUsage()` agree, so a reading counts what the
 * server keeps, not what it has dropped and V8 has yet to collect (V8 starts a
 * collection only when about 64 MB of dead Buffers have piled up, and frees their
 * memory on a background thread after it).
 * The inspector is reached by a short-lived `node --experimental-websocket` (Node 20
 * has no WebSocket client without the flag).
 */
import { execFile } from 'node:child_process';

const SCRIPT = `
const ws = new WebSocket(process.argv[1]);
let id = 0;
const waiting = new Map();
const call = (method, params) => new Promise((r) => { waiting.set(++id, r); ws.send(JSON.stringify({ id, method, params })); });
ws.onmessage = (e) => { const m = JSON.parse(e.data); waiting.get(m.id)?.(m.result); waiting.delete(m.id); };
ws.onerror = (e) => { console.error(e.message ?? 'inspector connection failed'); process.exit(1); };
const read = async () => {
  await call('HeapProfiler.collectGarbage');
  const r = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
  return JSON.parse(r.result.value);
};
ws.onopen = async () => {
  let last = await read();
  for (let i = 0; i < 50; i++) {
    const now = await read();
    const settled = Math.abs(now.external - last.external) < 65536 && Math.abs(now.heapUsed - last.heapUsed) < 1048576;
    last = now;
    if (settled) break;
  }
  console.log(JSON.stringify(last));
  ws.close();
  process.exit(0);
};
`;

export interface HeldMemory {
  rss: number;
  heapUsed: number;
  /** Memory of Buffers and other objects outside the V8 heap. */
  external: number;
}

/** The inspector URL (`ws://127.0.0.1:PORT/ID`) a child printed on stderr, if it did. */
export function inspectorUrl(log: string): string | undefined {
  return /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(log)?.[0];
}

/** Collect garbage in the child until what it holds is steady, then read it. */
export function collectGarbage(url: string): Promise<HeldMemory> {
  return new Promise((res, rej) => {
    execFile(process.execPath, ['--experimental-websocket', '--no-warnings', '-e', SCRIPT, url], { timeout: 60_000 }, (err, out, stderr) =>
      err ? rej(new Error(`garbage collection through the inspector failed: ${stderr || err.message}`)) : res(JSON.parse(out) as HeldMemory),
    );
  });
}
