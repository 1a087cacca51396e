/**
 * The mbox imaptest appends from, when `bench:compare` is not given one
 * ($MBOX): N varied messages, the same every time (a seeded generator):
 * Cyrillic subjects and bodies, every 5th with an HTML alternative, two in
 * five with a PDF attachment (2 KB, 30 KB or 120 KB), one in five of those
 * also carrying a message/rfc822, every 3rd with a Cc.
 */
import { writeFileSync } from 'node:fs';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'налог пенсия выписка уведомление справка invoice meeting report квитанция заявление статус услуга'.split(' ');

const b64Lines = (b: Buffer) => b.toString('base64').replace(/.{76}/g, '$&\r\n');
const encWord = (s: string) => `=?utf-8?b?${Buffer.from(s).toString('base64')}?=`;

export function writeMbox(file: string, n: number): void {
  const rnd = prng(7);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const subject = Array.from({ length: int(1, 6) }, () => pick(WORDS)).join(' ') + ` #${i}`;
    const body = Array.from({ length: int(3, 80) }, () => Array.from({ length: 12 }, () => pick(WORDS)).join(' ')).join('\r\n') + '\r\n';
    const head = [
      `From: ${encWord(`Отправитель ${i}`)} <sender${i % 37}@gov.test>`,
      `To: user${i % 11}@example.test`,
      ...(i % 3 === 0 ? ['Cc: cc@example.test'] : []),
      `Subject: ${encWord(subject)}`,
      `Date: ${new Date((1_700_000_000 + i * 3600) * 1000).toUTCString().replace('GMT', '-0000')}`,
      `Message-ID: <gen${i}.${int(0, 1 << 30)}@gov.test>`,
      'MIME-Version: 1.0',
    ];
    const text = `Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64Lines(Buffer.from(body))}\r\n`;
    const k = i % 5;
    let msg: string;
    if (k === 0 || k === 4) {
      msg = `${head.join('\r\n')}\r\n${text}`;
    } else if (k === 1) {
      const html = `<html><body><p>${body.replace(/\r\n/g, '<br>')}</p></body></html>`;
      msg = `${head.join('\r\n')}\r\nContent-Type: multipart/alternative; boundary="alt${i}"\r\n\r\n--alt${i}\r\n${text}--alt${i}\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64Lines(Buffer.from(html))}\r\n--alt${i}--\r\n`;
    } else {
      const pdf = Buffer.alloc(pick([2000, 30_000, 120_000]));
      for (let j = 0; j < pdf.length; j++) pdf[j] = Math.floor(rnd() * 256);
      let parts = `--mix${i}\r\n${text}--mix${i}\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="doc${i}.pdf"\r\n\r\n${b64Lines(pdf)}\r\n`;
      if (k === 3) {
        parts += `--mix${i}\r\nContent-Type: message/rfc822\r\n\r\nSubject: ${encWord('вложенное')}\r\nFrom: a@b.test\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\ninner text\r\n`;
      }
      msg = `${head.join('\r\n')}\r\nContent-Type: multipart/mixed; boundary="mix${i}"\r\n\r\n${parts}--mix${i}--\r\n`;
    }
    out.push(Buffer.from(`From sender@gov.test Mon Jan  1 00:00:00 2024\r\n${msg.replace(/\r\nFrom /g, '\r\n>From ')}\r\n`));
  }
  writeFileSync(file, Buffer.concat(out));
}
