/**
 * `npm run bench:sieve`: the cost of filters on delivery, in this process.
 *   compile  a 40-rule script (header, address, envelope, body tests; fileinto,
 *            flags, vacation) parsed and checked: scripts/s
 *   run      that script against a parsed 10 KB two-part message through the
 *            delivery step's view (decoded headers, addresses, body parts): runs/s
 * The delivery step compiles a script once per text and runs it per recipient.
 *
 *   node dist/bench/sieve.js [iterations=20000]
 */
import { compileScript } from '../src/sieve/script.js';
import { runScript } from '../src/sieve/interpret.js';
import { sieveView } from '../src/delivery/sieve-view.js';
import { parseMessage } from '../src/mime/parse.js';

const N = Number(process.argv[2] ?? 20000);

const rules = Array.from({ length: 40 }, (_, i) =>
  i % 4 === 0
    ? `if header :contains "subject" "topic-${i}" { fileinto :flags "\\\\Flagged" "Folder${i}"; stop; }`
    : i % 4 === 1
      ? `if address :domain "from" "domain${i}.test" { fileinto "Folder${i}"; }`
      : i % 4 === 2
        ? `if envelope :localpart :matches "from" "list-${i}-*" { addflag "$List${i}"; }`
        : `if body :contains "keyword ${i}" { fileinto "Folder${i}"; }`,
);
const script = `require ["fileinto", "imap4flags", "envelope", "body", "vacation"];\n${rules.join('\n')}\nvacation :days 7 "Away.";\n`;

const text = 'Добрый день. '.repeat(400);
const raw = Buffer.from(
  [
    'From: Person <person@remote.test>',
    'To: alice@example.org',
    'Subject: quarterly figures',
    'Message-ID: <bench@remote.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '--b',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>${text}</p>`,
    '--b--',
    '',
  ].join('\r\n'),
);
const parsed = parseMessage(raw);
const limits = { maxActions: 32, maxRedirects: 4, vacationDays: 7, vacationMinDays: 1 };

function time(label: string, n: number, f: () => void): void {
  for (let i = 0; i < Math.min(1000, n); i++) f();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  const ns = Number(process.hrtime.bigint() - t0);
  console.log(`${label.padEnd(8)} ${n} in ${(ns / 1e6).toFixed(0)} ms: ${Math.round(n / (ns / 1e9))}/s, ${(ns / n / 1000).toFixed(1)} µs each`);
}

console.log(`script: ${rules.length} rules, ${Buffer.byteLength(script)} bytes; message: ${raw.length} bytes`);
time('compile', Math.max(1, Math.floor(N / 4)), () => void compileScript(script));
const compiled = compileScript(script);
time('run', N, () => {
  const msg = sieveView({ raw, parsed, mailFrom: 'person@remote.test', recipient: 'alice@example.org', folderExists: () => true });
  const r = runScript(compiled, msg, limits);
  if (!r.actions.length) throw new Error('no actions');
});
