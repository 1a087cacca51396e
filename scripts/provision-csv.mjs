#!/usr/bin/env node
// Provision people from a CSV file through the gospochta CLI.
//
// Usage:  node scripts/provision-csv.mjs FILE.csv OPERATOR_NAME
//
// For each row: account register → account documents → account confirm
// --method in-person (the operator named on the command line saw the documents)
// → mailbox create (password given on stdin). Each step runs `gospochta … --json`;
// the row's outcome is printed as one line. A bad row does not stop the run; the
// exit code is 1 if any row failed, 0 otherwise.
//
// The CSV (RFC 4180: comma-separated, "quoted" fields, "" for a quote inside) has
// a header line naming the columns, in any order:
//   name               full name, "Иванов Иван Иванович"            (required)
//   phone              Russian mobile number                         (required)
//   birth_date         DD.MM.YYYY                                    (optional)
//   snils              XXX-XXX-XXX YY                                (required)
//   passport           series and number, "4510 123456"             (required)
//   passport_issued    DD.MM.YYYY                                    (optional)
//   passport_division  XXX-XXX                                       (optional)
//   inn                10 or 12 digits                               (optional)
//   email              contact e-mail                                (optional)
//   address            mailbox address, name@domain                  (required)
//   password           initial mailbox password                      (required)
// Every row is taken to mean that the person consents to the processing of
// personal data (collect the signed consent before). The file holds passwords:
// keep it mode 0600 and delete it after the run.
//
// Environment: the CLI's own (GOSPOCHTA_DATA_DIR, GOSPOCHTA_CONFIG, …);
// GOSPOCHTA_CLI overrides the CLI path (default: ../bin/gospochta.js next to this script).
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REQUIRED = ['name', 'phone', 'snils', 'passport', 'address', 'password'];
const cli = process.env.GOSPOCHTA_CLI || fileURLToPath(new URL('../bin/gospochta.js', import.meta.url));

/** RFC 4180 records. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // BOM
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') (field += '"'), i++;
        else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field), (field = '');
      rows.push(row), (row = []);
    } else field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

function gospochta(args, stdin) {
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { input: stdin ?? '', encoding: 'utf8' });
  let out = null;
  try {
    out = JSON.parse(r.stdout.trim().split('\n').pop() || 'null');
  } catch {
    out = null;
  }
  if (r.status === 0 && out) return out;
  const message = (out && out.message) || r.stderr.trim().replace(/^gospochta: /, '') || `exit ${r.status}`;
  throw Object.assign(new Error(message), { code: (out && out.error) || 'FAILED' });
}

function provision(rec, operator) {
  let step = 'register';
  let id = null;
  try {
    const reg = ['account', 'register', '--name', rec.name, '--phone', rec.phone, '--consent', '--operator', operator];
    if (rec.birth_date) reg.push('--birth-date', rec.birth_date);
    if (rec.email) reg.push('--email', rec.email);
    id = String(gospochta(reg).id);
    step = 'documents';
    const docs = ['account', 'documents', id, '--snils', rec.snils, '--passport', rec.passport, '--operator', operator];
    if (rec.passport_issued) docs.push('--passport-issued', rec.passport_issued);
    if (rec.passport_division) docs.push('--passport-division', rec.passport_division);
    if (rec.inn) docs.push('--inn', rec.inn);
    gospochta(docs);
    step = 'confirm';
    gospochta(['account', 'confirm', id, '--method', 'in-person', '--operator', operator, '--document', `passport ${rec.passport}`]);
    step = 'mailbox';
    const mb = gospochta(['mailbox', 'create', id, '--address', rec.address, '--password-stdin', '--operator', operator], rec.password + '\n');
    return { ok: true, account: Number(id), address: mb.address };
  } catch (e) {
    return { ok: false, account: id === null ? null : Number(id), step, error: e.code, message: e.message };
  }
}

function main() {
  const [file, operator] = process.argv.slice(2);
  if (!file || !operator) {
    process.stderr.write('usage: provision-csv.mjs FILE.csv OPERATOR_NAME\n');
    return 2;
  }
  let rows;
  try {
    rows = parseCsv(readFileSync(file, 'utf8'));
  } catch (e) {
    process.stderr.write(`provision-csv: cannot read ${file}: ${e.message}\n`);
    return 2;
  }
  const header = (rows.shift() || []).map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) {
    process.stderr.write(`provision-csv: the header lacks column(s): ${missing.join(', ')}\n`);
    return 2;
  }
  let failed = 0;
  rows.forEach((cells, n) => {
    const line = n + 2; // the header is line 1
    const rec = Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? '').trim()]));
    const empty = REQUIRED.filter((c) => !rec[c]);
    const r = empty.length
      ? { ok: false, account: null, step: 'read', error: 'MISSING_FIELDS', message: `empty: ${empty.join(', ')}` }
      : provision(rec, operator);
    if (r.ok) process.stdout.write(`row ${line}: ok account ${r.account} mailbox ${r.address}\n`);
    else {
      failed++;
      const acc = r.account === null ? '' : ` (account ${r.account} left at its current level)`;
      process.stdout.write(`row ${line}: FAILED at ${r.step} [${r.error}] ${r.message}${acc}\n`);
    }
  });
  process.stdout.write(`${rows.length - failed} of ${rows.length} row(s) provisioned, ${failed} failed\n`);
  return failed ? 1 : 0;
}

process.exitCode = main();
