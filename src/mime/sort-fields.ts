/**
 * The per-message keys SORT (RFC 5256 §3, RFC 5957) and THREAD (RFC 5256 §3) read
 * from indexed columns, computed once per blob at ingest (store/blobs.ts) and by the
 * migration that added them. String keys are case-folded here (RFC 5256 §3 compares
 * with i;ascii-casemap, which folds to upper case: `_` sorts after letters;
 * non-ASCII letters are folded too, so Cyrillic subjects sort without regard to case).
 * Pure.
 */
import { baseSubject } from './base-subject.js';
import { decodeWords } from './search.js';
import type { ImapAddress, ImapEnvelope } from './types.js';

export interface SortFields {
  /** RFC 5256 §2.1 base subject, folded. */
  subjectKey: string;
  /** The subject had a reply/forward marker (RFC 5256 §3 REFERENCES step 5). */
  reply: boolean;
  /** addr-mailbox of the first From / To / Cc address (RFC 5256 §3 FROM, TO, CC), folded. */
  fromKey: string;
  toKey: string;
  ccKey: string;
  /** RFC 5957 §3 DISPLAYFROM / DISPLAYTO: the decoded display name, else the addr-spec, folded. */
  displayFromKey: string;
  displayToKey: string;
  /** Message-ID (`<...>`, lower-cased) or '' when none is valid. */
  messageId: string;
  /** RFC 5256 §3 REFERENCES step 1: the References ids, or the first In-Reply-To id, space-separated. */
  parents: string;
}

/** The case folding all string sort keys share. */
export function foldKey(s: string): string {
  return s.toUpperCase();
}

const MSG_ID = /<[^<>\s]+>/g;

function ids(value: string | null | undefined): string[] {
  if (!value) return [];
  return (value.toLowerCase().match(MSG_ID) ?? []).slice(0, 1000);
}

function first(list: ImapAddress[] | null | undefined): ImapAddress | undefined {
  return list && list.length ? list[0] : undefined;
}

function mailboxKey(a: ImapAddress | undefined): string {
  return a ? foldKey(a.mailbox ?? '') : '';
}

function displayKey(a: ImapAddress | undefined): string {
  if (!a) return '';
  const name = a.name === null ? '' : decodeWords(a.name).trim();
  if (name) return foldKey(name);
  // a group (RFC 3501 §7.4.2: NIL host) sorts by its name; an address without a name by its addr-spec
  if (a.host === null || a.host === '') return foldKey(a.mailbox ?? '');
  return foldKey(`${a.mailbox ?? ''}@${a.host}`);
}

/** The value of the first `name:` line of a decoded, lower-cased "name: value" header text. */
export function headerLine(headers: string, name: string): string | undefined {
  const at = headers.startsWith(name + ':') ? 0 : headers.indexOf('\n' + name + ':');
  if (at < 0) return undefined;
  const start = at === 0 ? name.length + 1 : at + name.length + 2;
  const end = headers.indexOf('\n', start);
  return headers.slice(start, end < 0 ? undefined : end);
}

/**
 * `headers` is the decoded, lower-cased top-level header text ("name: value" lines)
 * that ingest keeps for SEARCH; the References field is read from it.
 */
export function sortFields(envelope: ImapEnvelope, headers: string): SortFields {
  const subject = baseSubject(decodeWords(envelope.subject ?? ''));
  const own = ids(envelope.messageId)[0] ?? '';
  const refs = ids(headerLine(headers, 'references'));
  const parents = refs.length ? refs : ids(envelope.inReplyTo).slice(0, 1);
  return {
    subjectKey: foldKey(subject.base),
    reply: subject.reply,
    fromKey: mailboxKey(first(envelope.from)),
    toKey: mailboxKey(first(envelope.to)),
    ccKey: mailboxKey(first(envelope.cc)),
    displayFromKey: displayKey(first(envelope.from)),
    displayToKey: displayKey(first(envelope.to)),
    messageId: own,
    parents: parents.join(' '),
  };
}
