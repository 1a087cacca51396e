/**
 * Comparators and match types (RFC 5228 §2.7): `:is`, `:contains`, `:matches`
 * (`*` any run, `?` one character, `\` quotes the next), with the comparators
 * "i;ascii-casemap" (the default: ASCII letters fold, RFC 4790 §9.2) and
 * "i;octet" (exact). Address parts (§2.7.4): `:all`, `:localpart`, `:domain`.
 * Pure.
 */

export type MatchType = 'is' | 'contains' | 'matches';
export type Comparator = 'i;ascii-casemap' | 'i;octet';
export type AddressPart = 'all' | 'localpart' | 'domain';

export const COMPARATORS: ReadonlySet<string> = new Set(['i;ascii-casemap', 'i;octet']);

const fold = (s: string, c: Comparator): string => (c === 'i;octet' ? s : s.replace(/[A-Z]/g, (x) => x.toLowerCase()));

function wildcard(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += escape(pattern[++i]!);
    else if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else re += escape(ch);
  }
  return new RegExp(`^${re}$`, 'u');
}

const escape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Whether `value` matches `key` under the match type and comparator. */
export function matches(value: string, key: string, type: MatchType, comparator: Comparator): boolean {
  return anyMatch([value], [key], type, comparator);
}

/** Any value against any key (§2.7.1: a test with lists is true when one pair matches); each folded once. */
export function anyMatch(values: string[], keys: string[], type: MatchType, comparator: Comparator): boolean {
  const ks = keys.map((k) => fold(k, comparator));
  const test = type === 'matches' ? ks.map(wildcard) : null;
  for (const value of values) {
    const v = fold(value, comparator);
    for (let i = 0; i < ks.length; i++) {
      if (type === 'is' ? v === ks[i] : type === 'contains' ? v.includes(ks[i]!) : test![i]!.test(v)) return true;
    }
  }
  return false;
}

/** The part of an address a test compares (§2.7.4); the address itself without a domain has none. */
export function addressPart(address: string, part: AddressPart): string {
  if (part === 'all') return address;
  const at = address.lastIndexOf('@');
  if (part === 'localpart') return at < 0 ? address : address.slice(0, at);
  return at < 0 ? '' : address.slice(at + 1);
}
