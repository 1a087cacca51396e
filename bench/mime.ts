/**
 * MIME ingest micro-benchmark:
 *  1. parseMessage on ~10 KB multipart/mixed (alternative text+HTML, small PDF),
 *     Latin and Cyrillic text: parses/s and µs per parse;
 *  2. parseMessage on a ~20 MB message (text + 15 MB base64 attachment): MB/s;
 *  3. the streaming AttachmentMeter on the same 20 MB message fed in 64 KiB chunks:
 *     MB/s (what SMTP pays while DATA streams in);
 *  4. a 30 MB message, to show time grows linearly with size.
 *
 * Run: npx vite-node bench/mime.ts   (or node dist/bench/mime.js after a build)
 */
import { performance } from 'node:perf_hooks';
import { parseMessage } from '../src/mime/parse.js';
import { AttachmentMeter } from '../src/mime/attachment-meter.js';

function b64lines(n: number): string {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 7919) & 0xff;
  return bytes.toString('base64').replace(/.{76}/g, '$&\r\n') + '\r\n';
}

function message10k(text: string): Buffer {
  const html = `<html><body><p>${text}</p></body></html>`;
  return Buffer.from(
    [
      'Return-Path: <ivanov@example.ru>',
      'Received: from mx.example.ru (mx.example.ru [192.0.2.1]) by mail.gosmail.test with ESMTPS; Tue, 14 Jan 2025 09:30:01 +0300',
      'Date: Tue, 14 Jan 2025 09:30:00 +0300',
      'From: =?UTF-8?B?0JjQstCw0L0g0JjQstCw0L3QvtCy?= <ivanov@example.ru>',
      'To: "Petrov, Petr" <petrov@gosmail.test>, anna@example.org',
      'Subject: =?UTF-8?B?0J7RgtGH0ZHRgiDQt9CwINGP0L3QstCw0YDRjA==?=',
      'Message-ID: <bench-1@example.ru>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="mixed-1"',
      '',
      '--mixed-1',
      'Content-Type: multipart/alternative; boundary="alt-1"',
      '',
      '--alt-1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--alt-1',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      html.replace(/.{70}/g, '$&=\r\n'),
      '--alt-1--',
      '--mixed-1',
      'Content-Type: application/pdf; name="a.pdf"',
      'Content-Disposition: attachment; filename="a.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64lines(1200),
      '--mixed-1--',
      '',
    ].join('\r\n'),
  );
}

function bigMessage(attachmentBytes: number): Buffer {
  return Buffer.concat([
    Buffer.from(
      'From: a@example.org\r\nTo: b@example.org\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=big\r\n\r\n' +
        '--big\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--big\r\n' +
        'Content-Type: application/octet-stream; name=big.bin\r\nContent-Disposition: attachment; filename=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n',
    ),
    Buffer.from(b64lines(attachmentBytes)),
    Buffer.from('--big--\r\n'),
  ]);
}

function time(fn: () => void, minMs = 500): { perCallMs: number; calls: number } {
  fn(); // warm-up
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    calls++;
    t = performance.now();
  }
  return { perCallMs: (t - t0) / calls, calls };
}

const samples: Array<[string, string]> = [
  ['Latin text', 'Good afternoon! This is a test message to measure how fast parsing is, nothing more. '.repeat(36)],
  ['Cyrillic text', 'Добрый день! Это тестовое письмо для проверки скорости разбора. '.repeat(28)],
];
for (const [label, text] of samples) {
  const small = message10k(text);
  const r1 = time(() => parseMessage(small), 1000);
  console.log(`parseMessage ${small.length} B (${label}, mixed/alternative + attachment): ${Math.round(1000 / r1.perCallMs)} parses/s (${(r1.perCallMs * 1000).toFixed(0)} µs each)`);
}

for (const att of [15_000_000, 22_000_000]) {
  const big = bigMessage(att);
  const mb = big.length / 1e6;
  const p = parseMessage(big);
  if (p.attachmentBytes !== att) throw new Error(`attachmentBytes ${p.attachmentBytes} != ${att}`);
  const r2 = time(() => parseMessage(big), 2000);
  console.log(`parseMessage ${mb.toFixed(1)} MB (attachment ${att / 1e6} MB): ${(r2.perCallMs).toFixed(1)} ms, ${(mb / (r2.perCallMs / 1000)).toFixed(0)} MB/s`);
  const r3 = time(() => {
    const m = new AttachmentMeter();
    for (let i = 0; i < big.length; i += 65536) m.feed(big.subarray(i, i + 65536));
    if (m.end() !== att) throw new Error('meter disagrees');
  }, 2000);
  console.log(`AttachmentMeter ${mb.toFixed(1)} MB in 64 KiB chunks: ${r3.perCallMs.toFixed(1)} ms, ${(mb / (r3.perCallMs / 1000)).toFixed(0)} MB/s`);
}
