/**
 * Validators for a person's identity data. Each returns the canonical value or
 * throws `invalid(field, rule)` naming the field and the rule it broke; the
 * short rule id is in `details.rule` for scripts and tests.
 */
import { invalid, type GpError } from '../shared/errors.js';

export function refuse(field: string, rule: string, text: string): GpError {
  return invalid(field, text, { rule });
}

const NAME_WORD_CYR = /^[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*$/u;
const NAME_WORD_LAT = /^[A-Za-z]+(?:-[A-Za-z]+)*$/;

/** Full name: two or three words of Cyrillic or Latin letters (one alphabet), hyphens inside words. */
export function validateFullName(input: string, field = 'name'): string {
  const words = input.trim().split(/\s+/u).filter(Boolean);
  if (words.length < 2 || words.length > 3) throw refuse(field, 'words', 'must be two or three words (surname, name, patronymic)');
  const cyr = words.every((w) => NAME_WORD_CYR.test(w));
  const lat = words.every((w) => NAME_WORD_LAT.test(w));
  if (!cyr && !lat) {
    throw refuse(field, 'letters', 'must use Cyrillic or Latin letters of one alphabet, with hyphens only inside words');
  }
  if (words.some((w) => w.length > 60)) throw refuse(field, 'length', 'each word must be at most 60 letters');
  return words.join(' ');
}

/** Russian mobile number in any usual spelling → `+79XXXXXXXXX`. */
export function normalizePhone(input: string, field = 'phone'): string {
  const s = input.trim();
  if (!/^\+?[\d\s()-]+$/.test(s)) throw refuse(field, 'characters', 'may contain only digits, spaces, hyphens, brackets and a leading +');
  const digits = s.replace(/\D/g, '');
  let national: string | null = null;
  if (s.startsWith('+')) {
    if (digits.length === 11 && digits.startsWith('7')) national = digits.slice(1);
  } else if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7'))) {
    national = digits.slice(1);
  } else if (digits.length === 10) {
    national = digits;
  }
  if (national === null) throw refuse(field, 'format', 'must be a Russian number: +7 and 10 digits (or 8 and 10 digits)');
  if (!national.startsWith('9')) throw refuse(field, 'mobile', 'must be a Russian mobile number (+7 9XX XXX-XX-XX)');
  return '+7' + national;
}

/** SNILS control number of the first nine digits (Pension Fund rule). */
export function snilsChecksum(nine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (9 - i);
  if (sum < 100) return sum;
  if (sum === 100 || sum === 101) return 0;
  const r = sum % 101;
  return r === 100 ? 0 : r;
}

/** Numbers up to 001-001-998 were issued before the checksum rule: not checked. */
export const SNILS_UNCHECKED_MAX = 1001998;

/** SNILS with spaces/hyphens between digits → `XXX-XXX-XXX YY`. */
export function normalizeSnils(input: string, field = 'snils'): string {
  const s = input.trim();
  if (!/^[\d\s-]+$/.test(s)) throw refuse(field, 'characters', 'may contain only digits, spaces and hyphens');
  const d = s.replace(/[\s-]/g, '');
  if (d.length !== 11) throw refuse(field, 'length', 'must be 11 digits (XXX-XXX-XXX YY)');
  if (/^0+$/.test(d)) throw refuse(field, 'zeros', 'must not be all zeros');
  const nine = d.slice(0, 9);
  if (Number(nine) > SNILS_UNCHECKED_MAX && snilsChecksum(nine) !== Number(d.slice(9))) {
    throw refuse(field, 'checksum', 'control number does not match (checksum)');
  }
  return `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 9)} ${d.slice(9)}`;
}

function innDigit(d: string, weights: number[]): number {
  let sum = 0;
  weights.forEach((w, i) => (sum += w * Number(d[i])));
  return (sum % 11) % 10;
}

/** INN: 10 digits (organisation) or 12 (individual) with control digits. */
export function validateInn(input: string, field = 'inn'): string {
  const d = input.trim();
  if (!/^\d+$/.test(d)) throw refuse(field, 'characters', 'must contain only digits');
  if (d.length === 10) {
    if (innDigit(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) !== Number(d[9])) throw refuse(field, 'checksum', 'control digit does not match (checksum)');
  } else if (d.length === 12) {
    const c11 = innDigit(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
    const c12 = innDigit(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
    if (c11 !== Number(d[10]) || c12 !== Number(d[11])) throw refuse(field, 'checksum', 'control digits do not match (checksum)');
  } else {
    throw refuse(field, 'length', 'must be 10 or 12 digits');
  }
  return d;
}

/** A calendar date `DD.MM.YYYY` → ISO `YYYY-MM-DD`. */
export function parseDate(input: string, field = 'date', opts: { notFuture?: boolean; now?: number } = {}): string {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(input.trim());
  if (!m) throw refuse(field, 'format', 'must be a date DD.MM.YYYY');
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = Number(m[3]);
  const dt = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || dt.getUTCFullYear() !== year || dt.getUTCMonth() !== month - 1 || dt.getUTCDate() !== day) {
    throw refuse(field, 'calendar', 'must be a real calendar date');
  }
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  if (opts.notFuture) {
    const today = new Date(opts.now ?? Date.now()).toISOString().slice(0, 10);
    if (iso > today) throw refuse(field, 'future', 'must not be in the future');
  }
  return iso;
}

/** ISO `YYYY-MM-DD` → `DD.MM.YYYY` for display. */
export function formatDate(iso: string | null): string | null {
  if (!iso) return null;
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

export function validatePassportSeries(input: string, field = 'passport_series'): string {
  const d = input.trim().replace(/\s/g, '');
  if (!/^\d{4}$/.test(d)) throw refuse(field, 'format', 'must be 4 digits');
  return d;
}

export function validatePassportNumber(input: string, field = 'passport_number'): string {
  const d = input.trim();
  if (!/^\d{6}$/.test(d)) throw refuse(field, 'format', 'must be 6 digits');
  return d;
}

/** `--passport "4510 123456"`: series (4 digits, may be split "45 10") then number (6 digits). */
export function parsePassport(input: string, field = 'passport'): { series: string; number: string } {
  const d = input.trim().replace(/\s/g, '');
  if (!/^\d{10}$/.test(d)) throw refuse(field, 'format', 'must be a series of 4 digits and a number of 6 digits ("4510 123456")');
  return { series: validatePassportSeries(d.slice(0, 4)), number: validatePassportNumber(d.slice(4)) };
}

export function validateDivisionCode(input: string, field = 'passport_division'): string {
  const d = input.trim();
  if (!/^\d{3}-\d{3}$/.test(d)) throw refuse(field, 'format', 'must be a division code XXX-XXX');
  return d;
}

/** A contact e-mail for one-time codes: a plain addr-spec. */
export function validateContactEmail(input: string, field = 'email'): string {
  const s = input.trim();
  if (s.length > 254 || !/^[^\s@<>()",;:]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i.test(s)) {
    throw refuse(field, 'format', 'must be an e-mail address name@example.org');
  }
  return s;
}
