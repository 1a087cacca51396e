/**
 * Several sessions on one folder while messages arrive: each session keeps a model
 * of its sequence-number → uid map only from the responses it receives (EXISTS,
 * EXPUNGE, and the uids of new messages; VANISHED for a QRESYNC session), and after every round of random
 * operations (STORE, EXPUNGE, UID EXPUNGE, APPEND, COPY, MOVE, delivery) each
 * model equals the folder in the store and every session reports the same flags.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { getFolder } from '../../../src/store/folders.js';
import { listUids } from '../../../src/store/messages.js';

let h: TestImap;
const seen = { expunge: 0, vanished: 0 };
let user: { address: string; password: string; mailboxId: number };

interface Peer {
  c: TranscriptClient;
  uids: number[];
  exists: number;
}

beforeAll(async () => {
  h = await startTestImap();
  user = await h.provision();
});
afterAll(async () => {
  await h.close();
});

function apply(p: Peer, lines: string[]): void {
  for (const l of lines) {
    let m = /^\* (\d+) EXPUNGE$/.exec(l);
    if (m) {
      const n = Number(m[1]);
      expect(n, `EXPUNGE ${n} within ${p.uids.length}`).toBeLessThanOrEqual(p.uids.length);
      p.uids.splice(n - 1, 1);
      seen.expunge++;
      p.exists--;
      continue;
    }
    m = /^\* VANISHED (?:\(EARLIER\) )?([\d:,]+)$/.exec(l);
    if (m) {
      const gone = new Set<number>();
      for (const part of m[1]!.split(',')) {
        const [a, b] = part.split(':').map(Number) as [number, number | undefined];
        for (let u = a; u <= (b ?? a); u++) gone.add(u);
      }
      seen.vanished++;
      const before = p.uids.length;
      p.uids = p.uids.filter((u) => !gone.has(u));
      p.exists -= before - p.uids.length;
      continue;
    }
    m = /^\* (\d+) EXISTS$/.exec(l);
    if (m) p.exists = Number(m[1]);
  }
}

async function run(p: Peer, cmd: string): Promise<string[]> {
  const r = await p.c.cmd(cmd);
  apply(p, r);
  if (p.exists > p.uids.length) {
    const f = await p.c.cmd(`n FETCH ${p.uids.length + 1}:* (UID)`);
    for (const l of f) {
      const m = /^\* (\d+) FETCH \(UID (\d+)\)$/.exec(l);
      if (m) {
        expect(Number(m[1])).toBe(p.uids.length + 1);
        p.uids.push(Number(m[2]));
      }
    }
  }
  expect(p.uids.length).toBe(p.exists);
  return r;
}

describe('sessions on one folder stay consistent', () => {
  it('random rounds', async () => {
    const folderId = getFolder(h.db, user.mailboxId, 'INBOX')!.id;
    for (let i = 0; i < 5; i++) h.addMessage(user.mailboxId, 'INBOX', sampleMessage('seed' + i));
    const peers: Peer[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await h.connect();
      await c.login(user.address, user.password);
      // the last one reports expunges as VANISHED (RFC 7162 §3.2.10)
      if (i === 3) expect(await c.cmd('e ENABLE QRESYNC')).toEqual(['* ENABLED QRESYNC', 'e OK ENABLE completed']);
      const p: Peer = { c, uids: [], exists: 0 };
      await run(p, 's SELECT INBOX');
      peers.push(p);
    }
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const flags = ['\\Seen', '\\Flagged', '\\Deleted', '$Work'];
    for (let round = 0; round < 150; round++) {
      const p = peers[rnd(peers.length)]!;
      const n = p.uids.length;
      const op = rnd(7);
      const seq = n ? 1 + rnd(n) : 0;
      if (op === 0 && n) await run(p, `a STORE ${seq} ${['+', '-', ''][rnd(3)]}FLAGS (${flags[rnd(flags.length)]})`);
      else if (op === 1) await run(p, 'a EXPUNGE');
      else if (op === 2 && n) await run(p, `a UID EXPUNGE ${p.uids[seq - 1]}`);
      else if (op === 3) {
        const m = sampleMessage('app' + round);
        await run(p, `a APPEND INBOX {${Buffer.byteLength(m)}+}\r\n${m}`);
      } else if (op === 4 && n) await run(p, `a MOVE ${seq} Archive`);
      else if (op === 5 && n) await run(p, `a COPY ${seq} INBOX`);
      else h.addMessage(user.mailboxId, 'INBOX', sampleMessage('dlv' + round));
      // every session syncs and must match the store
      const truth = listUids(h.db, folderId);
      const answers: string[][] = [];
      for (const q of peers) {
        await run(q, 'z NOOP');
        expect(q.uids, `round ${round}`).toEqual(truth);
        const f = await q.c.cmd('f FETCH 1:* (UID FLAGS)');
        answers.push(f.filter((l) => l.startsWith('* ')).map((l) => l.replace(/ ?\\Recent/, '').replace('( ', '(')));
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      // the QRESYNC session also sees MODSEQ in unsolicited FETCH; compare UID and FLAGS only
      expect(answers[3]!.map((l) => l.replace(/ MODSEQ \(\d+\)/, ''))).toEqual(answers[0]);
    }
    expect(seen.expunge).toBeGreaterThan(0);
    expect(seen.vanished).toBeGreaterThan(0);
    for (const p of peers) await p.c.close();
  }, 120_000);
});
