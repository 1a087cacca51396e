import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, makeCli, repoRoot } from './helpers.js';

beforeAll(() => ensureBuilt());

describe('scripts/provision-csv.mjs', () => {
  it('provisions the good rows, reports each row, does not stop at a bad one, exits 1', () => {
    const cli = makeCli();
    const csv = join(cli.dir, 'people.csv');
    writeFileSync(csv, [
      'name,phone,birth_date,snils,passport,passport_issued,passport_division,inn,email,address,password',
      '"Иванов Иван Иванович",+7 912 345-67-89,15.03.1980,112-233-445 95,4510 123456,01.02.2015,770-001,500100732259,,ivanov@example.org,Vk7#pQ2m!zR9',
      'Петров Пётр,89991234567,,112-233-445 96,4510 654321,,,,,petrov@example.org,Vk7#pQ2m!zR9',
      '"Сидорова, Анна",89991234568,,123-456-789 64,4510 111111,,,,,sidorova@example.org,Vk7#pQ2m!zR9',
      'Смирнов Олег,89991234569,,087-654-321 02,4510 222222,,,,,"smirnov@example.org","Tq4#""wZ8m!x"',
      '',
    ].join('\r\n'));
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'provision-csv.mjs'), csv, 'Петрова А. В.'], { env: cli.env, cwd: cli.dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('row 2: ok account 1 mailbox ivanov@example.org');
    expect(lines[1]).toMatch(/^row 3: FAILED at documents \[INVALID_SNILS\] snils: .*checksum/);
    expect(lines[2]).toMatch(/^row 4: FAILED at register \[INVALID_NAME\]/);
    expect(lines[3]).toMatch(/^row 5: ok account \d+ mailbox smirnov@example\.org$/);
    expect(lines[4]).toBe('2 of 4 row(s) provisioned, 2 failed');

    const mbs = cli.run(['mailbox', 'list', '--json']).json.mailboxes as Array<{ address: string; access: { ok: boolean } }>;
    expect(mbs.map((m) => [m.address, m.access.ok])).toEqual([['ivanov@example.org', true], ['smirnov@example.org', true]]);
    const confirms = cli.run(['audit', '--action', 'account.confirm', '--json']).json.events as Array<{ actor: string; details: { method: string } }>;
    expect(confirms.every((e) => e.actor === 'operator:Петрова А. В.' && e.details.method === 'in-person')).toBe(true);
  });
});
