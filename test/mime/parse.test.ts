/**
 * Parser behaviour checked by hand against RFC 3501 §6.4.5 / §7.4.2 and against
 * Dovecot's own reference message (lib-imap/test-imap-bodystructure.c; Dovecot
 * reports CRLF sizes, so the message is given with CRLF line ends here).
 */
import { describe, expect, it } from 'vitest';
import { parseMessage, resolvePart, sectionRange, type SectionText } from '../../src/mime/parse.js';
import { parseAddressList } from '../../src/mime/address.js';
import { extractHeaderFields } from '../../src/mime/header.js';
import { AttachmentMeter } from '../../src/mime/attachment-meter.js';
import { bodystructureWire, envelopeWire } from './bodystructure-wire.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');

const dovecotMsg =
  'From: user@domain.org\n' +
  'Date: Sat, 24 Mar 2007 23:00:00 +0200\n' +
  'Mime-Version: 1.0\n' +
  'Content-Type: multipart/mixed; boundary="foo\n' +
  ' bar"\n' +
  '\n' +
  'Root MIME prologue\n' +
  '\n' +
  '--foo bar\n' +
  'Content-Type: text/x-myown; charset=us-ascii; foo="quoted\\"string"\n' +
  'Content-ID: <foo@example.com>\n' +
  'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n' +
  'Content-Disposition: inline; foo=bar\n' +
  'Content-Description: hellodescription\n' +
  'Content-Language: en, fi, se\n' +
  'Content-Location: http://example.com/test.txt\n' +
  '\n' +
  'hello\n' +
  '\n' +
  '--foo bar\n' +
  'Content-Type: message/rfc822\n' +
  '\n' +
  'From: sub@domain.org\n' +
  'To: sub-to1@domain.org, sub-to2@domain.org\n' +
  'Date: Sun, 12 Aug 2012 12:34:56 +0300\n' +
  'Subject: submsg\n' +
  'Content-Type: multipart/alternative; boundary="sub1"\n' +
  '\n' +
  'Sub MIME prologue\n' +
  '--sub1\n' +
  'Content-Type: text/html\n' +
  'Content-Transfer-Encoding: 8bit\n' +
  '\n' +
  '<p>Hello world</p>\n' +
  '\n' +
  '--sub1\n' +
  'Content-Type: text/plain\n' +
  'Content-Transfer-Encoding: ?invalid\n' +
  '\n' +
  'Hello another world\n' +
  '\n' +
  '--sub1--\n' +
  'Sub MIME epilogue\n' +
  '\n' +
  '--foo bar--\n' +
  'Root MIME epilogue\n';

const dovecotBodystructure =
  '(("text" "x-myown" ("charset" "us-ascii" "foo" "quoted\\"string") "<foo@example.com>" "hellodescription" "7bit" 7 1 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" ("foo" "bar")) ("en" "fi" "se") "http://example.com/test.txt")' +
  '("message" "rfc822" NIL NIL NIL "7bit" 412 ("Sun, 12 Aug 2012 12:34:56 +0300" "submsg" ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub-to1" "domain.org")(NIL NIL "sub-to2" "domain.org")) NIL NIL NIL NIL) ' +
  '(("text" "html" ("charset" "us-ascii") NIL NIL "8bit" 20 1 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1 NIL NIL NIL NIL) "alternative" ("boundary" "sub1") NIL NIL NIL) 21 NIL NIL NIL NIL)' +
  ' "mixed" ("boundary" "foo bar") NIL NIL NIL)';

describe('parseMessage: Dovecot reference message', () => {
  const raw = crlf(dovecotMsg);
  const p = parseMessage(raw);
  it('BODYSTRUCTURE equals what Dovecot answers', () => {
    expect(bodystructureWire(p.bodystructure)).toBe(dovecotBodystructure);
  });
  it('numbers parts as RFC 3501 §6.4.5 does and slices them byte-exactly', () => {
    const body = (path: string): string => {
      const part = resolvePart(p.root, path)!;
      return raw.toString('utf8', part.bodyStart, part.bodyEnd);
    };
    expect(body('1')).toBe('hello\r\n');
    expect(body('2.1')).toBe('<p>Hello world</p>\r\n');
    expect(body('2.2')).toBe('Hello another world\r\n');
    const two = resolvePart(p.root, '2')!;
    expect(two.contentType).toBe('message/rfc822');
    expect(raw.toString('utf8', two.message!.headerStart, two.message!.headerStart + 21)).toBe('From: sub@domain.org\r');
    expect(resolvePart(p.root, '3')).toBeNull();
    expect(resolvePart(p.root, '2.3')).toBeNull();
    expect(resolvePart(p.root, '1.1')).toBe(resolvePart(p.root, '1'));
    expect(p.attachmentBytes).toBe(0);
  });
  it('gives the byte ranges of BODY[section] forms', () => {
    const sec = (path: string, t: SectionText): string | null => {
      const r = sectionRange(p.root, path, t);
      return r ? raw.toString('utf8', r[0], r[1]) : null;
    };
    expect(sec('', '')).toBe(raw.toString('utf8'));
    expect(sec('', 'HEADER')!.endsWith('bar"\r\n\r\n')).toBe(true);
    expect(sec('', 'TEXT')!.startsWith('Root MIME prologue')).toBe(true);
    expect(sec('1', 'MIME')).toBe(
      'Content-Type: text/x-myown; charset=us-ascii; foo="quoted\\"string"\r\nContent-ID: <foo@example.com>\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: inline; foo=bar\r\nContent-Description: hellodescription\r\nContent-Language: en, fi, se\r\nContent-Location: http://example.com/test.txt\r\n\r\n',
    );
    expect(sec('2', 'MIME')).toBe('Content-Type: message/rfc822\r\n\r\n');
    expect(sec('2', 'HEADER')!.startsWith('From: sub@domain.org\r\n')).toBe(true);
    expect(sec('2', 'HEADER')!.endsWith('boundary="sub1"\r\n\r\n')).toBe(true);
    expect(sec('2', 'TEXT')!.startsWith('Sub MIME prologue\r\n--sub1')).toBe(true);
    expect(sec('2', 'TEXT')!.endsWith('Sub MIME epilogue\r\n')).toBe(true);
    expect(sec('2', '')).toBe(sec('2', 'HEADER')! + sec('2', 'TEXT')!);
    expect(sec('2.2', '')).toBe('Hello another world\r\n');
    expect(sec('1', 'HEADER')).toBeNull();
    expect(sec('', 'MIME')).toBeNull();
    expect(sec('9', '')).toBeNull();
  });
});

describe('parseMessage: single-part and edge layouts', () => {
  it('a non-multipart message has one part, 1, which is its body', () => {
    const raw = crlf('Subject: x\n\nline1\nline2');
    const p = parseMessage(raw);
    expect(p.root.children).toBeUndefined();
    const one = resolvePart(p.root, '1')!;
    expect(raw.toString('latin1', one.bodyStart, one.bodyEnd)).toBe('line1\r\nline2');
    expect(p.bodystructure.lines).toBe(2);
    expect(p.bodystructure.size).toBe(12);
    expect(resolvePart(p.root, '2')).toBeNull();
  });

  it('a top-level message/rfc822 message: its body is part 1, the inner parts 1.1 and 1.2', () => {
    const raw = crlf('Content-Type: message/rfc822\n\nSubject: inner\nContent-Type: multipart/mixed; boundary=i\n\n--i\n\nA\n--i\n\nB\n--i--\n');
    const p = parseMessage(raw);
    expect(p.root.message!.children!.map((c) => c.path)).toEqual(['1.1', '1.2']);
    expect(resolvePart(p.root, '1.2')!.path).toBe('1.2');
    expect(sectionRange(p.root, '1', 'HEADER')).toEqual([p.root.message!.headerStart, p.root.message!.headerEnd]);
    const b = resolvePart(p.root, '1.2')!;
    expect(raw.toString('latin1', b.bodyStart, b.bodyEnd)).toBe('B');
  });

  it('the header block includes the empty line; headers-only messages have an empty body', () => {
    const raw = crlf('Subject: x\n\nbody');
    const p = parseMessage(raw);
    expect(raw.toString('latin1', p.root.headerStart, p.root.headerEnd)).toBe('Subject: x\r\n\r\n');
    const h = Buffer.from('Subject: only');
    const q = parseMessage(h);
    expect([q.root.headerEnd, q.root.bodyStart, q.root.bodyEnd]).toEqual([13, 13, 13]);
    expect(q.envelope.subject).toBe('only');
  });

  it('a boundary that is a prefix of another is not confused with it', () => {
    const raw = crlf(
      'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: multipart/mixed; boundary="b-inner"\n\n--b-inner\n\nA\n--b-inner--\n--b\n\nB\n--b--\n',
    );
    const p = parseMessage(raw);
    expect(p.root.children!.map((c) => c.path)).toEqual(['1', '2']);
    expect(p.root.children![0]!.children!.map((c) => c.path)).toEqual(['1.1']);
    const b11 = resolvePart(p.root, '1.1')!;
    expect(raw.toString('latin1', b11.bodyStart, b11.bodyEnd)).toBe('A');
  });

  it('an inner part that reaches the outer boundary ends there (missing inner close)', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/mixed; boundary=i\n\n--i\n\nA\n--o\n\nB\n--o--\n');
    const p = parseMessage(raw);
    const a = resolvePart(p.root, '1.1')!;
    expect(raw.toString('latin1', a.bodyStart, a.bodyEnd)).toBe('A');
    const b = resolvePart(p.root, '2')!;
    expect(raw.toString('latin1', b.bodyStart, b.bodyEnd)).toBe('B');
  });

  it('a multipart without a boundary parameter is text/plain', () => {
    const p = parseMessage(crlf('Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n'));
    expect(p.bodystructure.type).toBe('text');
    expect(p.root.contentType).toBe('text/plain');
  });

  it('never throws on garbage, and the streaming meter agrees with it under any chunking', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = ['--b', '--b--', '--c', '--c--', '\r\n', '\n', '\r\n\r\n', 'Content-Type: multipart/mixed; boundary=b',
      'Content-Type: multipart/digest; boundary=c', 'Content-Type: message/rfc822', 'Content-Type: image/png',
      'Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: quoted-printable', 'Content-Disposition: attachment',
      ' ', '\t', 'QUJD', '=3D', '=', '=\r\n', 'x', ': ', '-', '  \r\n', '\r', '=?utf-8?B?'];
    let counted = 0;
    for (let n = 0; n < 3000; n++) {
      let s = rnd() < 0.7 ? 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: image/png\r\n' : '';
      const len = Math.floor(rnd() * 80);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const raw = Buffer.from(s);
      const p = parseMessage(raw);
      if (p.attachmentBytes > 0) counted++;
      const m = new AttachmentMeter();
      for (let i = 0; i < raw.length; ) {
        const k = 1 + Math.floor(rnd() * 9);
        m.feed(raw.subarray(i, i + k));
        i += k;
      }
      expect({ s, bytes: m.end() }).toEqual({ s, bytes: p.attachmentBytes });
    }
    expect(counted).toBeGreaterThan(500);
  });

  it('deep nesting stops at a depth limit without overflowing the stack', () => {
    let s = '';
    for (let i = 0; i < 2000; i++) s += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
    s += '\r\nend\r\n';
    const p = parseMessage(Buffer.from(s));
    expect(p.size).toBe(s.length);
    const m = new AttachmentMeter();
    m.feed(Buffer.from(s));
    expect(m.end()).toBe(p.attachmentBytes);
  });
});

describe('BODYSTRUCTURE fields', () => {
  it('text without a charset gets charset us-ascii appended; bad encodings are 7bit', () => {
    const p = parseMessage(crlf('Content-Type: text/plain; format=flowed\nContent-Transfer-Encoding: ?bad\n\nx\n'));
    expect(p.bodystructure.params).toEqual([['format', 'flowed'], ['charset', 'us-ascii']]);
    expect(p.bodystructure.encoding).toBe('7bit');
    expect(parseMessage(crlf('Content-Type: image/png\n\nx')).bodystructure.params).toEqual([]);
  });

  it('RFC 2231 continuations and charsets are decoded, non-ASCII given as one RFC 2047 word', () => {
    const p = parseMessage(
      crlf("Content-Type: application/pdf; name*0*=utf-8''%D0%90; name*1=b.pdf\nContent-Disposition: attachment; filename*=UTF-8''%D0%90b.pdf\nContent-Transfer-Encoding: BASE64\n\nQUJD\n"),
    );
    const want = '=?UTF-8?B?' + Buffer.from('Аb.pdf').toString('base64') + '?=';
    expect(p.bodystructure.params).toEqual([['name', want]]);
    expect(p.bodystructure.disposition).toEqual(['attachment', [['filename', want]]]);
    expect(p.bodystructure.encoding).toBe('base64');
    expect(p.attachmentBytes).toBe(3);
  });
});

describe('ENVELOPE addresses (cases from Dovecot test-message-address.c)', () => {
  const one = (s: string): unknown => parseAddressList(s)![0];
  it.each([
    ['user@domain', { name: null, adl: null, mailbox: 'user', host: 'domain' }],
    ['<user@domain>', { name: null, adl: null, mailbox: 'user', host: 'domain' }],
    ['foo bar <user@domain>', { name: 'foo bar', adl: null, mailbox: 'user', host: 'domain' }],
    ['"foo bar" <user@domain>', { name: 'foo bar', adl: null, mailbox: 'user', host: 'domain' }],
    ['<@route:user@domain>', { name: null, adl: '@route', mailbox: 'user', host: 'domain' }],
    ['<@route@route2:user@domain>', { name: null, adl: '@route,@route2', mailbox: 'user', host: 'domain' }],
    ['hello <@route ,@route2:user@domain>', { name: 'hello', adl: '@route,@route2', mailbox: 'user', host: 'domain' }],
    ['user (hello)', { name: 'hello', adl: null, mailbox: 'user', host: '' }],
    ['hello <user>', { name: 'hello', adl: null, mailbox: 'user', host: '' }],
    ['@domain', { name: null, adl: null, mailbox: '', host: 'domain' }],
    ['"Smith, John" <j@x>', { name: 'Smith, John', adl: null, mailbox: 'j', host: 'x' }],
    ['"a\\"b" <"odd local"@x>', { name: 'a"b', adl: null, mailbox: '"odd local"', host: 'x' }],
  ])('%s', (input, want) => {
    expect(one(input)).toEqual(want);
  });
  it('groups, empty groups, and an empty list', () => {
    expect(parseAddressList('group: a@b, c <d@e>;, f@g')).toEqual([
      { name: null, adl: null, mailbox: 'group', host: null },
      { name: null, adl: null, mailbox: 'a', host: 'b' },
      { name: 'c', adl: null, mailbox: 'd', host: 'e' },
      { name: null, adl: null, mailbox: null, host: null },
      { name: null, adl: null, mailbox: 'f', host: 'g' },
    ]);
    expect(parseAddressList('group:;')).toEqual([
      { name: null, adl: null, mailbox: 'group', host: null },
      { name: null, adl: null, mailbox: null, host: null },
    ]);
    expect(parseAddressList('')).toBeNull();
    expect(parseAddressList(null)).toBeNull();
  });
  it('envelope fields are raw and unfolded; Sender and Reply-To default to From', () => {
    const p = parseMessage(crlf('From: =?UTF-8?B?0JA=?= <a@b>\nSubject: =?UTF-8?B?0JA=?=\n  folded\nMessage-ID: <m@b>\n\n'));
    expect(envelopeWire(p.envelope)).toBe(
      '(NIL "=?UTF-8?B?0JA=?=  folded" (("=?UTF-8?B?0JA=?=" NIL "a" "b")) (("=?UTF-8?B?0JA=?=" NIL "a" "b")) (("=?UTF-8?B?0JA=?=" NIL "a" "b")) NIL NIL NIL NIL "<m@b>")',
    );
  });
});

describe('extractHeaderFields (BODY[HEADER.FIELDS …])', () => {
  const header = Buffer.from('From: a@b\r\nSubject: one\r\n two\r\nTo: c@d\r\nsubject: again\r\n\r\n');
  it('keeps named fields case-insensitively with their folded lines, ends with CRLF', () => {
    expect(extractHeaderFields(header, ['SUBJECT'], false).toString()).toBe('Subject: one\r\n two\r\nsubject: again\r\n\r\n');
  });
  it('NOT drops them', () => {
    expect(extractHeaderFields(header, ['subject'], true).toString()).toBe('From: a@b\r\nTo: c@d\r\n\r\n');
  });
  it('no match is just the empty line; bare LF becomes CRLF', () => {
    expect(extractHeaderFields(header, ['x-none'], false).toString()).toBe('\r\n');
    expect(extractHeaderFields(Buffer.from('A: 1\nB: 2\n\n'), ['b'], false).toString()).toBe('B: 2\r\n\r\n');
  });
});

describe('search fields', () => {
  it('decodes subjects in UTF-8 (B, Q), KOI8-R and windows-1251, and bodies by charset', () => {
    const koi = Buffer.from('=?koi8-r?B?' + Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]).toString('base64') + '?=');
    const cp = Buffer.from('=?windows-1251?Q?=CF=F0=E8=E2=E5=F2?=');
    for (const subj of [koi, cp, Buffer.from('=?UTF-8?Q?=D0=9F=D1=80=D0=B8=D0=B2=D0=B5=D1=82?=')]) {
      const raw = Buffer.concat([Buffer.from('Subject: '), subj, Buffer.from('\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\n'), Buffer.from([0xcf, 0xd0, 0xc8, 0xc2, 0xc5, 0xd2])]);
      const s = parseMessage(raw).search;
      expect(s.subject).toBe('привет');
      expect(s.body).toBe('привет');
    }
  });
  it('caps the body text', () => {
    const big = 'Content-Type: text/plain\r\n\r\n' + 'abcdefgh\r\n'.repeat(60000);
    expect(parseMessage(Buffer.from(big)).search.body.length).toBe(256 * 1024);
  });
  it('caps the body text at the same characters whatever the charset and encoding, decoding only a prefix', () => {
    const text = ('Ab' + 'ж'.repeat(3) + '€😀 x\r\n').repeat(40000);
    const cap = 256 * 1024;
    for (const [charset, cte, body] of [
      ['utf-8', '8bit', Buffer.from(text)],
      ['utf-8', 'base64', Buffer.from(Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\r\n'))],
      ['us-ascii', '7bit', Buffer.from(text.replace(/[^\x00-\x7f]/g, 'q'))],
      ['windows-1251', '8bit', Buffer.from(text.replace(/[€😀]/g, 'q').replace(/ж/g, '\xe6'), 'latin1')],
    ] as const) {
      const raw = Buffer.concat([Buffer.from(`Content-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n`), body]);
      const expected = (charset === 'us-ascii' ? text.replace(/[^\x00-\x7f]/g, 'q') : charset === 'windows-1251' ? text.replace(/[€😀]/g, 'q') : text).toLowerCase().slice(0, cap);
      expect(parseMessage(raw).search.body, `${charset} ${cte}`).toBe(expected);
    }
  });
  it('parses Date with a zone comment; null when absent or bad', () => {
    expect(parseMessage(crlf('Date: Tue, 1 Jul 2003 10:52:37 +0200 (CEST)\n\n')).search.sentDate).toBe(Date.UTC(2003, 6, 1, 8, 52, 37));
    expect(parseMessage(crlf('Date: nonsense\n\n')).search.sentDate).toBeNull();
    expect(parseMessage(crlf('Subject: x\n\n')).search.sentDate).toBeNull();
  });
});

describe('search text from HTML', () => {
  it('strips tags, comments, scripts and styles, decodes entities', async () => {
    const { htmlToText } = await import('../../src/mime/search.js');
    expect(htmlToText('<p>A&amp;B</p><!-- c --><script>x<y</script><STYLE>p{}</STYLE>&#1055;&#x440;и')).toBe(' A&B    При');
  });
  it('stays linear on hostile markup', async () => {
    const { htmlToText } = await import('../../src/mime/search.js');
    expect(htmlToText('<'.repeat(200_000)).trim()).toBe('');
    expect(htmlToText('<script'.repeat(50_000)).trim()).toBe('');
    expect(htmlToText('<!--'.repeat(50_000)).trim()).toBe('');
  });
});

describe('hostile headers stay linear', () => {
  it('many lines without a colon, many bare parameters, many open brackets', () => {
    const lines = 'no colon here\r\n'.repeat(100_000) + 'Subject: x\r\n\r\n';
    expect(parseMessage(Buffer.from(lines)).envelope.subject).toBe('x');
    const params = 'Content-Type: text/plain' + ';a'.repeat(200_000) + '\r\n\r\nx';
    expect(parseMessage(Buffer.from(params)).bodystructure.subtype).toBe('plain');
    const addr = 'To: ' + '[a'.repeat(100_000) + '\r\nFrom: ' + '<'.repeat(100_000) + '\r\n\r\n';
    expect(parseMessage(Buffer.from(addr)).size).toBe(addr.length);
  });
});

describe('offsets agree with Dovecot message-parser (lib-mail/test-message-parser.c)', () => {
  it('truncated MIME headers: parts that end inside their header', () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary=":foo"\n' +
        '\n' +
        '--:foo\n' +
        '--:foo\n' +
        'Content-Type: text/plain\n' +
        '--:foo\n' +
        'Content-Type: text/plain\r\n' +
        '--:foo\n' +
        'Content-Type: text/html\n' +
        '--:foo--\n',
    );
    const p = parseMessage(raw);
    expect(p.root.headerEnd - p.root.headerStart).toBe(48);
    expect(p.root.bodyEnd - p.root.bodyStart).toBe(112);
    const kids = p.root.children!.map((c) => [c.headerStart, c.headerEnd - c.headerStart, c.bodyEnd - c.bodyStart]);
    expect(kids).toEqual([
      [55, 0, 0],
      [62, 24, 0],
      [94, 24, 0],
      [127, 23, 0],
    ]);
  });
  it('a multipart/mixed with nested parts: positions and sizes', () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary="ab"\n\n--ab\nContent-Type: multipart/mixed; boundary="a"\n\n--ab\nContent-Type: text/plain\n\n--a\n\n',
    );
    const p = parseMessage(raw);
    expect(p.root.headerEnd).toBe(46);
    expect(p.root.bodyEnd - p.root.bodyStart).toBe(86);
    const [c1, c2] = p.root.children!;
    expect([c1!.headerStart, c1!.headerEnd - c1!.headerStart, c1!.bodyEnd - c1!.bodyStart]).toEqual([51, 44, 0]);
    expect([c2!.headerStart, c2!.headerEnd - c2!.headerStart, c2!.bodyEnd - c2!.bodyStart]).toEqual([101, 26, 5]);
    expect(p.bodystructure.children![1]!.lines).toBe(2);
  });
});

describe('legacy 8-bit headers', () => {
  it('raw KOI8-R / windows-1251 header text is read in the message charset', () => {
    const subj = Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]); // "Привет" in KOI8-R
    const single = Buffer.concat([Buffer.from('Subject: '), subj, Buffer.from('\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\nx')]);
    expect(parseMessage(single).envelope.subject).toBe('Привет');
    const cp = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // windows-1251
    const multi = Buffer.concat([
      Buffer.from('From: '),
      cp,
      Buffer.from(' <a@b>\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\nx\r\n--z--\r\n'),
    ]);
    const p = parseMessage(multi);
    expect(p.envelope.from![0]!.name).toBe('Привет');
    expect(p.search.from).toBe('привет <a@b>');
  });
  it('dates with zone names Date.parse does not know', () => {
    expect(parseMessage(crlf('Date: Wed, 22 Jan 2025 14:00:00 MSK\n\n')).search.sentDate).toBe(Date.UTC(2025, 0, 22, 11, 0, 0));
  });
});
