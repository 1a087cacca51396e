/**
 * The Sieve language alone (RFC 5228 and its extensions): malformed scripts are
 * refused with the line and column of the fault; a script's actions for a
 * message; the run-time limits end a run with the implicit keep.
 */
import { describe, it, expect } from 'vitest';
import { compileScript, SieveSyntaxError } from '../../src/sieve/script.js';
import { runScript, type SieveMessage } from '../../src/sieve/interpret.js';

const limits = { maxActions: 8, maxRedirects: 2, vacationDays: 7, vacationMinDays: 1 };

function message(o: { headers?: Record<string, string[]>; from?: string; to?: string; body?: string; size?: number } = {}): SieveMessage {
  const h = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    header: (n) => h[n.toLowerCase()] ?? [],
    addresses: (n) => (h[n.toLowerCase()] ?? []).map((v) => /<([^>]+)>/.exec(v)?.[1] ?? v),
    envelope: (p) => (p === 'from' ? [o.from ?? 'sender@remote.test'] : p === 'to' ? [o.to ?? 'alice@example.org'] : []),
    size: o.size ?? 1000,
    body: () => [o.body ?? ''],
    mailboxExists: (n) => n === 'INBOX' || n === 'Work',
  };
}

function syntaxError(src: string): SieveSyntaxError {
  try {
    compileScript(src);
  } catch (e) {
    if (e instanceof SieveSyntaxError) return e;
    throw e;
  }
  throw new Error('the script was accepted');
}

describe('sieve: refusals name the line and column', () => {
  it.each([
    ['if header :contains "subject" "x" {\n  fileinto "Work";\n}\n', 2, 3, 'needs require "fileinto"'],
    ['require "fileinto";\nif header :contains "subject" "x" {\n  fileinto "Work"\n}\n', 4, 1, 'expected ";"'],
    ['require ["fileinto"];\nkeep;\nrequire "envelope";\n', 3, 1, 'require must come before'],
    ['require "fileinto";\n\nif true { fileinto; }\n', 3, 11, 'needs 1 argument'],
    ['frobnicate;\n', 1, 1, 'unknown command "frobnicate"'],
    ['if header :bogus "a" "b" { keep; }', 1, 11, 'unknown tag :bogus'],
    ['keep;\n"unterminated', 2, 1, 'unterminated string'],
    ['require "nosuchext";', 1, 1, 'unsupported extension'],
    ['if true { keep; ', 1, 17, 'missing "}"'],
    ['else { keep; }', 1, 1, 'else without a preceding if'],
  ])('%j', (src, line, column, text) => {
    const e = syntaxError(src);
    expect(e.message).toContain(text);
    expect({ line: e.pos.line, column: e.pos.column }).toEqual({ line, column });
    expect(e.message).toMatch(new RegExp(`^line ${line}, column ${column}: `));
  });
});

describe('sieve: actions', () => {
  it('files by header, with flags, and cancels the implicit keep', () => {
    const s = compileScript('require ["fileinto", "imap4flags"];\nif header :contains "Subject" "отчёт" {\n  addflag "\\\\Flagged";\n  fileinto :flags ["\\\\Seen", "$Work"] "Work";\n  stop;\n}\nkeep;\n');
    const r = runScript(s, message({ headers: { subject: ['Квартальный ОТЧЁТ'] } }), limits);
    // i;ascii-casemap folds ASCII only: "отчёт" vs "ОТЧЁТ" differ; the block does not run, the keep does.
    expect(r.actions).toEqual([{ type: 'keep', flags: [] }]);
    const r2 = runScript(s, message({ headers: { subject: ['квартальный отчёт'] } }), limits);
    expect(r2.actions).toEqual([{ type: 'fileinto', folder: 'Work', flags: ['\\Seen', '$Work'], create: false }]);
  });

  it('envelope, address parts, :matches, body, size, allof/anyof/not, :copy, mailboxexists', () => {
    const s = compileScript(`require ["envelope", "body", "copy", "mailbox", "fileinto"];
if allof (envelope :domain "from" "remote.test", address :localpart :matches "to" "al*", not size :over 10K) {
  redirect :copy "bob@example.org";
}
if anyof (body :contains "invoice", false) { fileinto "Work"; }
if mailboxexists "Nope" { discard; }
`);
    const r = runScript(s, message({ headers: { to: ['Alice <alice@example.org>'] }, body: 'your Invoice is attached' }), limits);
    expect(r.actions).toEqual([
      { type: 'redirect', address: 'bob@example.org' },
      { type: 'fileinto', folder: 'Work', flags: [], create: false },
    ]);
  });

  it('reject and vacation', () => {
    const rej = runScript(compileScript('require "reject";\nif header :is "x-spam" "yes" { reject "no spam, thanks"; }'), message({ headers: { 'x-spam': ['YES'] } }), limits);
    expect(rej.actions).toEqual([{ type: 'reject', reason: 'no spam, thanks', ereject: false }]);
    const vac = runScript(compileScript('require "vacation";\nvacation :days 3 :subject "Away" "Back on Monday.";'), message(), limits);
    expect(vac.actions[0]).toMatchObject({ type: 'vacation', days: 3, subject: 'Away', reason: 'Back on Monday.' });
    expect(vac.actions[1]).toEqual({ type: 'keep', flags: [] });
  });

  it('a run over the limits, or reject with fileinto, ends with the implicit keep and the error', () => {
    const many = runScript(compileScript('redirect "a@x.test"; redirect "b@x.test"; redirect "c@x.test";'), message(), limits);
    expect(many.error).toMatch(/more than 2 redirects/);
    expect(many.actions).toEqual([{ type: 'keep', flags: [] }]);
    const both = runScript(compileScript('require ["reject", "fileinto"]; fileinto "Work"; reject "x";'), message(), limits);
    expect(both.error).toMatch(/RFC 5429/);
    expect(both.actions).toEqual([{ type: 'keep', flags: [] }]);
  });

  it('multi-line strings with dot-stuffing and comments', () => {
    const s = compileScript('require "vacation"; # away\n/* bracketed\ncomment */ vacation text:\nline one\n..dot\n.\n;');
    const r = runScript(s, message(), limits);
    expect(r.actions[0]).toMatchObject({ reason: 'line one\r\n.dot\r\n' });
  });
});
