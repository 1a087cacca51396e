/**
 * The set-up most IMAP transcript tests share, as one call: a server (startTestImap),
 * one provisioned mailbox, messages stored in INBOX, and a session logged in (and a
 * folder selected with `s1 SELECT <name>`) — made before each test, or once for the
 * file — and closed after.
 *
 *   const s = useImapSession({ messages: 5, select: 'INBOX' });
 *   it('…', async () => { expect(await s.c.cmd('a1 NOOP')).toEqual([...]); });
 */
import { beforeAll, beforeEach, afterAll, afterEach, expect, it } from 'vitest';
import { getFolder } from '../../src/store/folders.js';
import { sampleMessage, startTestImap, type StartOptions, type TestImap, type TranscriptClient } from './imap.js';

export interface ImapUser {
  address: string;
  password: string;
  mailboxId: number;
}

/** A message for INBOX: its bytes, or its bytes and stored flags. */
export type SeedMessage = string | { raw: string; flags: number };

export interface ImapSessionOptions extends StartOptions {
  /** Once for the file (beforeAll) instead of before each test. */
  once?: boolean;
  /** The mailbox's address and password (defaults: a fresh address, the test password). */
  address?: string;
  password?: string;
  /** Stored in INBOX before the session starts: a number of sample messages `m1`…, or the messages. */
  messages?: number | SeedMessage[];
  /** Log in a session (default true). */
  login?: boolean;
  /** Folder to select after login, with `s1 SELECT <name>`. */
  select?: string;
}

export interface ImapSession {
  readonly h: TestImap;
  /** The logged-in session (throws when `login: false`). */
  readonly c: TranscriptClient;
  readonly user: ImapUser;
  /** The UIDVALIDITY of one of the user's folders. */
  uidvalidity(folder: string): number;
}

/** Stores each message in the INBOX of `mailboxId`, in order. */
function seed(h: TestImap, mailboxId: number, messages: readonly SeedMessage[]): void {
  for (const m of messages) {
    if (typeof m === 'string') h.addMessage(mailboxId, 'INBOX', m);
    else h.addMessage(mailboxId, 'INBOX', m.raw, m.flags);
  }
}

/** A new session of `u`, logged in. */
export async function loggedIn(h: TestImap, u: { address: string; password: string }): Promise<TranscriptClient> {
  const c = await h.connect();
  await c.login(u.address, u.password);
  return c;
}

/** Registers the set-up and tear-down hooks; the returned object's fields are set when a test runs. */
export function useImapSession(opts: ImapSessionOptions = {}): ImapSession {
  let h: TestImap | undefined;
  let c: TranscriptClient | undefined;
  let user: ImapUser | undefined;
  const setUp = async () => {
    h = await startTestImap(opts);
    user = await h.provision(opts.address, opts.password);
    seed(h, user.mailboxId, typeof opts.messages === 'number' ? Array.from({ length: opts.messages }, (_, i) => sampleMessage('m' + (i + 1))) : (opts.messages ?? []));
    c = undefined;
    if (opts.login ?? true) {
      c = await loggedIn(h, user);
      if (opts.select) await c.cmd(`s1 SELECT ${opts.select}`);
    }
  };
  const tearDown = async () => {
    await c?.close();
    await h?.close();
    h = undefined;
  };
  if (opts.once) {
    beforeAll(setUp);
    afterAll(tearDown);
  } else {
    beforeEach(setUp);
    afterEach(tearDown);
  }
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`no ${what} (outside a test, or not asked for)`);
    return v;
  };
  return {
    get h() {
      return need(h, 'server');
    },
    get c() {
      return need(c, 'session');
    },
    get user() {
      return need(user, 'user');
    },
    uidvalidity(folder) {
      return getFolder(need(h, 'server').db, need(user, 'user').mailboxId, folder)!.uidvalidity;
    },
  };
}

export interface ImapServerFixture {
  readonly h: TestImap;
  /** A fresh mailbox (with `messages` stored in INBOX) and a session of it, logged in. */
  session(messages?: SeedMessage[]): Promise<{ c: TranscriptClient; user: ImapUser; mailboxId: number }>;
  /** The UIDVALIDITY of a folder of a mailbox. */
  uidvalidity(mailboxId: number, folder: string): number;
}

/** One server for the whole file (each test provisions its own mailbox with `session()`). */
export function useImapServer(opts: StartOptions = {}): ImapServerFixture {
  let h: TestImap | undefined;
  beforeAll(async () => {
    h = await startTestImap(opts);
  });
  afterAll(async () => {
    await h?.close();
    h = undefined;
  });
  const server = (): TestImap => {
    if (!h) throw new Error('no server (outside a test)');
    return h;
  };
  return {
    get h() {
      return server();
    },
    async session(messages = []) {
      const user = await server().provision();
      const c = await loggedIn(server(), user);
      seed(server(), user.mailboxId, messages);
      return { c, user, mailboxId: user.mailboxId };
    },
    uidvalidity(mailboxId, folder) {
      return getFolder(server().db, mailboxId, folder)!.uidvalidity;
    },
  };
}

/**
 * Folders t/a … t/gone for the LIST-EXTENDED and LSUB tests (RFC 5258 §5 example
 * shapes): some subscribed, some parents of subscribed names only, and t/gone
 * subscribed then deleted (a subscription that outlives its folder).
 */
export async function subscriptionTree(c: TranscriptClient): Promise<void> {
  for (const n of ['t/a', 't/b/', 't/b/x', 't/c', 't/d/e', 't/e/e', 't/f/f', 't/f/g', 't/gone']) expect((await c.cmd(`p CREATE ${n}`)).at(-1)).toMatch(/^p OK \[MAILBOXID \(F\d+-\d+\)\] CREATE completed$/);
  for (const n of ['t/a', 't/b/x', 't/e/e', 't/f/f', 't/f/g', 't/gone']) expect(await c.cmd(`q SUBSCRIBE ${n}`)).toEqual(['q OK SUBSCRIBE completed']);
  expect(await c.cmd('r DELETE t/gone')).toEqual(['r OK DELETE completed']);
}

/** Sends each command in turn and expects exactly its reply lines (strings, or matchers such as expect.stringMatching). */
export async function expectReplies(c: TranscriptClient, steps: Array<[command: string, reply: unknown[]]>): Promise<void> {
  for (const [command, reply] of steps) expect(await c.cmd(command), command).toEqual(reply);
}

/** Each command, sent before login on a new connection, is BAD `<NAME>: authenticate first` (RFC 3501 §3, §7.1.5). */
export async function expectNeedsLogin(h: TestImap, commands: string[]): Promise<void> {
  const c = await h.connect();
  for (const [i, command] of commands.entries()) {
    const name = command.split(' ')[0]!.toUpperCase();
    expect(await c.cmd(`n${i} ${command}`)).toEqual([`n${i} BAD ${name}: authenticate first`]);
  }
  await c.close();
}

/** The options of the LOGIN and AUTHENTICATE tests: a mailbox anna@example.org and small line and literal limits. */
export const LIMITED_LOGIN: ImapSessionOptions = {
  once: true,
  login: false,
  address: 'anna@example.org',
  password: 'Correct-Horse-42',
  config: { imap: { maxLineBytes: 2000, maxLiteralBytes: 5000 } },
};

/** A table of commands and the replies each gets, in order (`expectReplies`). */
export type ReplySteps = Array<[command: string, reply: unknown[]]>;

/** `command` (its tag first) with no folder selected is BAD `<NAME>: select a folder first` (RFC 3501 §6.4). */
export async function expectNeedsSelected(c: TranscriptClient, command: string): Promise<void> {
  const [tag, name] = command.split(' ') as [string, string];
  expect(await c.cmd(command)).toEqual([`${tag} BAD ${name.toUpperCase()}: select a folder first`]);
}

/**
 * 'the wrong state and arguments are BAD' of a command of the selected state that
 * takes no arguments (CHECK, UNSELECT): BAD before login and with no folder
 * selected; in INBOX, BAD with `argument` after it and OK without.
 */
export function itTakesNoArguments(s: ImapSession, name: string, argument: string): void {
  it('the wrong state and arguments are BAD', async () => {
    await expectNeedsLogin(s.h, [name]);
    await expectNeedsSelected(s.c, `b2 ${name}`);
    await s.c.cmd('b3 SELECT INBOX');
    await expectReplies(s.c, [
      [`b4 ${name} ${argument}`, [`b4 BAD ${name}: unexpected extra arguments`]],
      [`b5 ${name}`, [`b5 OK ${name} completed`]],
    ]);
  });
}

/** Steps and their replies: a table (`expectReplies`), or a run of them such as a transcript section (given the session and its mailbox). */
export type Replies = ReplySteps | ((c: TranscriptClient, session: { user: ImapUser; mailboxId: number }) => Promise<void>);

async function run(c: TranscriptClient, replies: Replies, session: { user: ImapUser; mailboxId: number }): Promise<void> {
  if (typeof replies === 'function') await replies(c, session);
  else await expectReplies(c, replies);
}

/** A test of a new session of a fresh mailbox in which each step gets its reply (`expectReplies`, or a transcript). */
export function itReplies(s: ImapServerFixture, title: string, steps: Replies): void {
  it(title, async () => {
    const { c, user, mailboxId } = await s.session();
    await run(c, steps, { user, mailboxId });
    await c.close();
  });
}

/**
 * The last test of a command's file: before login each of `needsLogin` is BAD
 * (`expectNeedsLogin`); after it, on a session of its own, each step gets its reply.
 */
export function itRejectsBadSyntax(s: ImapServerFixture, o: { needsLogin: string[]; replies: Replies }): void {
  it('syntax errors and the wrong state are BAD', async () => {
    await expectNeedsLogin(s.h, o.needsLogin);
    const { c, user, mailboxId } = await s.session();
    await run(c, o.replies, { user, mailboxId });
    await c.close();
  });
}
