import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  normalizePhone, normalizeSnils, parseDate, parsePassport, validateDivisionCode, validateFullName, validateInn,
  validatePassportNumber, validatePassportSeries,
} from '../../src/identity/validators.js';
import { parseMailboxAddress, validateLocalPart } from '../../src/identity/address.js';
import { checkPasswordPolicy, hasRun } from '../../src/identity/passwords.js';
import { GpError } from '../../src/shared/errors.js';

interface Vectors {
  snils: Array<{ input: string; verdict: 'valid' | 'valid_unchecked' | 'invalid'; canonical: string | null }>;
  inn: Array<{ input: string; valid: boolean }>;
  phone: Array<{ input: string; normalised: string | null }>;
  date: Array<{ input: string; valid: boolean }>;
  passport_series: Array<{ input: string; valid: boolean }>;
  passport_number: Array<{ input: string; valid: boolean }>;
  division_code: Array<{ input: string; valid: boolean }>;
}

const repoRoot = resolve(import.meta.dirname, '..', '..');
const shared = resolve(repoRoot, '..', 'shared', 'vectors', 'identity.json');
const local = resolve(import.meta.dirname, 'fixtures', 'identity-vectors.json');
const V = JSON.parse(readFileSync(local, 'utf8')) as Vectors;

/** The refusal thrown by fn, or null when it returned. */
function refusal(fn: () => unknown): GpError | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof GpError) return e;
    throw e;
  }
}

/** Each case: a valid input comes back as it was; an invalid one is refused, the error's `key` being `value`. */
function itKeepsValidInput(title: string, cases: Array<{ input: string; valid: boolean }>, validate: (input: string) => unknown, key: 'code' | 'field', value: string): void {
  it.each(cases)(title, (v) => {
    if (v.valid) expect(validate(v.input)).toBe(v.input);
    else expect(refusal(() => validate(v.input))?.[key]).toBe(value);
  });
}

function rule(fn: () => unknown): string | undefined {
  return refusal(fn)?.details?.rule as string | undefined;
}

/** Each input is refused by `validate` naming the rule given. */
function expectRules(validate: (input: string) => unknown, cases: Array<[input: string, rule: string]>): void {
  for (const [input, r] of cases) expect(rule(() => validate(input)), input).toBe(r);
}

describe('shared identity vectors', () => {
  it.runIf(existsSync(shared))('the local copy equals ../shared/vectors/identity.json', () => {
    expect(JSON.parse(readFileSync(shared, 'utf8'))).toEqual(V);
  });

  it.each(V.snils)('SNILS $input → $verdict', (v) => {
    if (v.verdict === 'invalid') {
      const e = refusal(() => normalizeSnils(v.input));
      expect(e?.code).toBe('INVALID_SNILS');
      expect(e?.message).toMatch(/^snils: /);
    } else {
      expect(normalizeSnils(v.input)).toBe(v.canonical);
    }
  });

  itKeepsValidInput('INN $input valid=$valid', V.inn, validateInn, 'code', 'INVALID_INN');

  it.each(V.phone)('phone $input → $normalised', (v) => {
    if (v.normalised) expect(normalizePhone(v.input)).toBe(v.normalised);
    else expect(refusal(() => normalizePhone(v.input))?.code).toBe('INVALID_PHONE');
  });

  it.each(V.date)('date $input valid=$valid', (v) => {
    if (v.valid) expect(parseDate(v.input)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    else expect(refusal(() => parseDate(v.input, 'birth_date'))?.code).toBe('INVALID_BIRTH_DATE');
  });

  it.each(V.passport_series)('passport series $input valid=$valid', (v) => {
    if (v.valid) expect(validatePassportSeries(v.input)).toMatch(/^\d{4}$/);
    else expect(refusal(() => validatePassportSeries(v.input))?.field).toBe('passport_series');
  });

  itKeepsValidInput('passport number $input valid=$valid', V.passport_number, validatePassportNumber, 'field', 'passport_number');
  itKeepsValidInput('division code $input valid=$valid', V.division_code, validateDivisionCode, 'field', 'passport_division');
});

describe('validators: rules named in refusals', () => {
  it('SNILS rules: characters, length, zeros, checksum', () => {
    expectRules(normalizeSnils, [['112-233-445 9x', 'characters'], ['112-233-445 9', 'length'], ['000 000 000 00', 'zeros'], ['112-233-445 96', 'checksum']]);
    expect(refusal(() => normalizeSnils('112-233-445 96'))!.message).toBe('snils: control number does not match (checksum)');
  });

  it('full name: two or three words, one alphabet, hyphens inside words', () => {
    expect(validateFullName('  Иванов   Иван  Иванович ')).toBe('Иванов Иван Иванович');
    expect(validateFullName('Салтыков-Щедрин Михаил')).toBe('Салтыков-Щедрин Михаил');
    expect(validateFullName('Anna-Maria Smith')).toBe('Anna-Maria Smith');
    expect(validateFullName('Ёлкина Алёна')).toBe('Ёлкина Алёна');
    expectRules(validateFullName, [['Иванов', 'words'], ['Иванов Иван Иванович Младший', 'words'], ['Иванов Ivan', 'letters'], ['Иванов1 Иван', 'letters'], ['-Иванов Иван', 'letters'], ['Иванов Иван-', 'letters']]);
    expect(refusal(() => validateFullName('Иванов'))!.code).toBe('INVALID_NAME');
  });

  it('phone rules: format and mobile', () => {
    expectRules(normalizePhone, [['+7 495 123-45-67', 'mobile'], ['912345678', 'format'], ['+7 912 345 67 8a', 'characters']]);
  });

  it('dates: calendar, format, not in the future for birth dates', () => {
    expect(parseDate('29.02.2024')).toBe('2024-02-29');
    expect(rule(() => parseDate('29.02.2023'))).toBe('calendar');
    expect(rule(() => parseDate('2000-01-01'))).toBe('format');
    const now = Date.UTC(2026, 0, 15);
    expect(parseDate('15.01.2026', 'birth_date', { notFuture: true, now })).toBe('2026-01-15');
    expect(rule(() => parseDate('16.01.2026', 'birth_date', { notFuture: true, now }))).toBe('future');
  });

  it('passport "series number" and INN rules', () => {
    expect(parsePassport('45 10 123456')).toEqual({ series: '4510', number: '123456' });
    expect(parsePassport('4510123456')).toEqual({ series: '4510', number: '123456' });
    expect(refusal(() => parsePassport('4510 12345'))!.field).toBe('passport');
    expectRules(validateInn, [['77070838931', 'length'], ['7707083894', 'checksum'], ['770708389A', 'characters']]);
  });
});

describe('address rules', () => {
  const cfg = { domains: ['example.org'] };
  it('accepts and lower-cases', () => {
    expect(parseMailboxAddress(cfg, 'Ivan.Petrov@Example.ORG')).toEqual({ address: 'ivan.petrov@example.org', local: 'ivan.petrov', domain: 'example.org' });
    expect(validateLocalPart('a_b-c.d9')).toBe('a_b-c.d9');
    expect(validateLocalPart('abc')).toBe('abc');
    expect(validateLocalPart('a'.repeat(64))).toBe('a'.repeat(64));
  });
  it.each([
    ['ab@example.org', 'length'],
    [`${'a'.repeat(65)}@example.org`, 'length'],
    ['ivan+tag@example.org', 'characters'],
    ['иван@example.org', 'characters'],
    ['1ivan@example.org', 'start'],
    ['_ivan@example.org', 'start'],
    ['ivan.@example.org', 'end'],
    ['ivan-@example.org', 'end'],
    ['iv..an@example.org', 'separators'],
    ['iv.-an@example.org', 'separators'],
    ['postmaster@example.org', 'reserved'],
    ['Abuse@example.org', 'reserved'],
    ['admin@example.org', 'reserved'],
    ['root@example.org', 'reserved'],
    ['mailer-daemon@example.org', 'reserved'],
    ['noreply@example.org', 'reserved'],
    // Reserved names are compared with separators and digits folded away.
    ['post.master@example.org', 'reserved'],
    ['postmaster1@example.org', 'reserved'],
    ['no.reply@example.org', 'reserved'],
    ['mailer.daemon@example.org', 'reserved'],
    ['ad-min2@example.org', 'reserved'],
    ['ivan@other.org', 'domain'],
    ['ivan', 'format'],
    ['ivan@@example.org', 'format'],
  ])('%s refused (%s)', (addr, r) => {
    const e = refusal(() => parseMailboxAddress(cfg, addr));
    expect(e?.code).toBe('INVALID_ADDRESS');
    expect(e?.details?.rule).toBe(r);
  });
});

describe('password policy', () => {
  it('accepts a strong password', () => {
    expect(() => checkPasswordPolicy('Vk7#pQ2m!zR9', 'ivanov')).not.toThrow();
    expect(() => checkPasswordPolicy('Пароль9зима', 'ivanov')).not.toThrow();
  });
  it.each([
    ['Ab1x', 'length'],
    ['Ab1' + 'xq'.repeat(31), 'length'],
    ['Vk7 pQ2m!zR9', 'whitespace'],
    ['vk7#pq2m!zr9', 'uppercase'],
    ['VK7#PQ2M!ZR9', 'lowercase'],
    ['Vkx#pQzm!zRw', 'digit'],
    ['Vk7#1234!zR', 'sequence'],
    ['Vk7#abcd!zR', 'sequence'],
    ['Vk7#DCBA!zR', 'sequence'],
    ['Vk7#aaaa!zR', 'sequence'],
    ['Vk7#AaaA!zR', 'sequence'],
    ['xIvanov7#Q', 'local_part'],
    ['Password1', 'common'],
    ['Qwerty123', 'common'],
    ['P@ssw0rd', 'common'],
  ])('%s refused (%s)', (pw, r) => {
    const e = refusal(() => checkPasswordPolicy(pw, 'ivanov'));
    expect(e?.code).toBe('INVALID_PASSWORD');
    expect(e?.details?.rule).toBe(r);
  });
  it('runs of 3 are fine, runs of 4 are not', () => {
    expect(hasRun('x123y')).toBe(false);
    expect(hasRun('x1234')).toBe(true);
    expect(hasRun('zzz9')).toBe(false);
  });
});
