/**
 * The import rules of docs/architecture.md, checked over src/:
 *
 * 1. SQL lives in store/: no other module imports better-sqlite3, calls a
 *    driver's prepare()/pragma(), or holds an SQL statement in a string literal.
 * 2. imap/protocol/ is pure: at run time it imports only other imap/protocol
 *    modules and node built-ins without I/O (type-only imports are free).
 * 3. store/ knows nothing of protocols: it imports nothing from imap/, smtp/,
 *    policy/ or cli/ (not even types).
 * 4. No cycle of value imports anywhere in src/ (`import type`, and imports the
 *    compiler drops because only types are used, do not count).
 * 5. IMAP commands, FETCH and SEARCH see the session as the `ImapSession`
 *    interface: nothing under imap/commands, imap/fetch, imap/search imports
 *    imap/session.ts.
 *
 * "At run time" is what the TypeScript compiler emits: each module is transpiled
 * and the imports left in its JavaScript are the edges.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

/**
 * Known offenders, one file and one rule each, with the reason; the rules above
 * are never weakened for them. Empty: keep it so.
 */
const ALLOWED: Record<'sql' | 'cycle', Record<string, string>> = {
  sql: {},
  cycle: {},
};

// ---------------------------------------------------------------- reading src/

interface Import {
  /** The specifier as written. */
  spec: string;
  /** src-relative path of the imported module (relative specifiers only). */
  target: string | null;
  /** Left in the emitted JavaScript (a value import). */
  runtime: boolean;
}

interface Module {
  /** src-relative, with forward slashes: `imap/protocol/tokens.ts`. */
  path: string;
  imports: Import[];
  /** String and template literals that read as SQL, with their line. */
  sql: Array<{ line: number; text: string }>;
  /** Calls of `.prepare(` / `.pragma(`, with their line. */
  driverCalls: Array<{ line: number; text: string }>;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

const toPosix = (p: string) => p.split(sep).join('/');

function resolveTarget(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const abs = resolve(dirname(join(SRC, from)), spec);
  for (const cand of [abs.replace(/\.js$/, '.ts'), abs, `${abs}.ts`, join(abs, 'index.ts')]) {
    if (existsSync(cand) && cand.endsWith('.ts')) return toPosix(relative(SRC, cand));
  }
  return toPosix(relative(SRC, abs)); // unresolved: still named, so rules on folders apply
}

function specifiers(sf: ts.SourceFile): Array<{ spec: string; typeOnly: boolean }> {
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const allTypes = Boolean(c && !c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly));
      out.push({ spec: n.moduleSpecifier.text, typeOnly: Boolean(c?.isTypeOnly) || allTypes });
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const named = n.exportClause && ts.isNamedExports(n.exportClause) ? n.exportClause.elements : undefined;
      const allTypes = Boolean(named && named.length > 0 && named.every((e) => e.isTypeOnly));
      out.push({ spec: n.moduleSpecifier.text, typeOnly: n.isTypeOnly || allTypes });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const a = n.arguments[0];
      if (a && ts.isStringLiteralLike(a)) out.push({ spec: a.text, typeOnly: false });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ spec: n.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** SQL statements as this code base writes them (upper-case keywords). */
const SQL = [
  /\bSELECT\b[\s\S]*\bFROM\b/,
  /\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b/,
  /\bUPDATE\s+[A-Za-z_][\w.]*\s+SET\b/,
  /\bDELETE\s+FROM\b/,
  /\b(?:CREATE|DROP|ALTER)\s+(?:TEMP\s+|TEMPORARY\s+|UNIQUE\s+|VIRTUAL\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\b/,
  /^\s*PRAGMA\b/,
];

export function looksLikeSql(text: string): boolean {
  return SQL.some((re) => re.test(text));
}

function literalText(n: ts.Node): string | null {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isTemplateExpression(n)) return n.head.text + n.templateSpans.map((s) => '${}' + s.literal.text).join('');
  return null;
}

function readModule(file: string): Module {
  const path = toPosix(relative(SRC, file));
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const sql: Module['sql'] = [];
  const driverCalls: Module['driverCalls'] = [];
  const visit = (n: ts.Node): void => {
    const lit = literalText(n);
    if (lit !== null) {
      if (looksLikeSql(lit)) sql.push({ line: line(n), text: lit.replace(/\s+/g, ' ').slice(0, 80) });
      if (ts.isTemplateExpression(n)) n.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ['prepare', 'pragma'].includes(n.expression.name.text)) {
      driverCalls.push({ line: line(n), text: n.getText(sf).replace(/\s+/g, ' ').slice(0, 80) });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);

  // What survives compilation: the run-time imports.
  const js = ts.transpileModule(text, {
    fileName: path,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  const emitted = new Set(specifiers(ts.createSourceFile(`${path}.js`, js, ts.ScriptTarget.ES2022, true)).map((s) => s.spec));
  const imports = specifiers(sf).map(({ spec, typeOnly }) => ({
    spec,
    target: resolveTarget(path, spec),
    runtime: !typeOnly && emitted.has(spec),
  }));
  return { path, imports, sql, driverCalls };
}

const modules = walk(SRC).map(readModule);
const byPath = new Map(modules.map((m) => [m.path, m]));
const inDir = (p: string, ...dirs: string[]) => dirs.some((d) => p.startsWith(`${d}/`));

// ---------------------------------------------------------------- cycles

/** Strongly connected components of the value-import graph with more than one module (or a self-import). */
export function valueImportCycles(mods: readonly Module[]): string[][] {
  const edges = new Map(mods.map((m) => [m.path, [...new Set(m.imports.filter((i) => i.runtime && i.target && byPathOf(mods).has(i.target)).map((i) => i.target!))]]));
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const m of mods) if (!idx.has(m.path)) strong(m.path);
  return out;
}

function byPathOf(mods: readonly Module[]): Map<string, Module> {
  return mods === modules ? byPath : new Map(mods.map((m) => [m.path, m]));
}

// ---------------------------------------------------------------- rules

/** Node built-ins imap/protocol/ may import: pure computation, no I/O. */
const PURE_BUILTINS = new Set(['node:buffer', 'buffer', 'node:string_decoder', 'string_decoder']);

describe('architecture: who may import whom (docs/architecture.md)', () => {
  it('reads every module of src/', () => {
    expect(modules.length).toBeGreaterThan(50);
    expect(byPath.has('store/db.ts')).toBe(true);
    expect(byPath.has('imap/protocol/tokenizer.ts')).toBe(true);
  });

  it('finds SQL in string literals, not IMAP command names', () => {
    expect(looksLikeSql('SELECT uid FROM messages WHERE folder_id = ?')).toBe(true);
    expect(looksLikeSql('INSERT INTO send_events (mailbox_id) VALUES (?)')).toBe(true);
    expect(looksLikeSql('UPDATE control SET counter = counter + 1')).toBe(true);
    expect(looksLikeSql('DELETE FROM logins WHERE at < ?')).toBe(true);
    expect(looksLikeSql('SELECT')).toBe(false);
    expect(looksLikeSql('UNSELECT completed')).toBe(false);
    expect(looksLikeSql('[CLOSED] previous mailbox closed')).toBe(false);
  });

  it('counts a cycle of value imports, not one closed by a type-only import', () => {
    const mod = (path: string, ...imports: Array<[string, boolean]>): Module => ({
      path,
      imports: imports.map(([target, runtime]) => ({ spec: `./${target}`, target, runtime })),
      sql: [],
      driverCalls: [],
    });
    const graph = [mod('a.ts', ['b.ts', true]), mod('b.ts', ['c.ts', true]), mod('c.ts', ['a.ts', true]), mod('d.ts', ['e.ts', true]), mod('e.ts', ['d.ts', false])];
    expect(valueImportCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('SQL only in store/: nothing else imports better-sqlite3, calls prepare()/pragma(), or holds SQL in a string', () => {
    const found: string[] = [];
    for (const m of modules) {
      if (inDir(m.path, 'store')) continue;
      const own: string[] = [];
      for (const i of m.imports) if (i.spec === 'better-sqlite3') own.push(`${m.path}: imports better-sqlite3`);
      for (const c of m.driverCalls) own.push(`${m.path}:${c.line}: driver call ${c.text}`);
      for (const s of m.sql) own.push(`${m.path}:${s.line}: SQL "${s.text}"`);
      if (own.length && !ALLOWED.sql[m.path]) found.push(...own);
    }
    expect(found).toEqual([]);
  });

  it('imap/protocol/ imports only imap/protocol/, pure node built-ins and types', () => {
    const found: string[] = [];
    for (const m of modules) {
      if (!inDir(m.path, 'imap/protocol')) continue;
      for (const i of m.imports) {
        if (!i.runtime) continue;
        if (i.target ? inDir(i.target, 'imap/protocol') : PURE_BUILTINS.has(i.spec)) continue;
        found.push(`${m.path}: imports ${i.spec}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('store/ imports nothing from imap/, smtp/, policy/ or cli/ (types included)', () => {
    const found: string[] = [];
    for (const m of modules) {
      if (!inDir(m.path, 'store')) continue;
      for (const i of m.imports) if (i.target && inDir(i.target, 'imap', 'smtp', 'policy', 'cli')) found.push(`${m.path}: imports ${i.spec}`);
    }
    expect(found).toEqual([]);
  });

  it('IMAP commands, FETCH and SEARCH reach the session only through ImapSession (no import of imap/session.ts, types included)', () => {
    const found: string[] = [];
    for (const m of modules) {
      if (!inDir(m.path, 'imap/commands', 'imap/fetch', 'imap/search')) continue;
      for (const i of m.imports) if (i.target === 'imap/session.ts') found.push(`${m.path}: imports ${i.spec}`);
    }
    expect(found).toEqual([]);
  });

  it('smtp/, imap/, pop3/, mta/ and cli/ never import the SQLite driver (types included)', () => {
    const found: string[] = [];
    for (const m of modules) {
      if (!inDir(m.path, 'smtp', 'imap', 'pop3', 'mta', 'cli')) continue;
      for (const i of m.imports) if (i.spec.startsWith('better-sqlite3')) found.push(`${m.path}: imports ${i.spec}`);
    }
    expect(found).toEqual([]);
  });

  it('no cycle of value imports in src/', () => {
    const cycles = valueImportCycles(modules).filter((c) => !c.every((p) => ALLOWED.cycle[p]));
    expect(cycles.map((c) => c.join(' → '))).toEqual([]);
  });

  it('the allow-list names only files that exist and still break their rule', () => {
    const stale: string[] = [];
    for (const [p] of Object.entries(ALLOWED.sql)) {
      const m = byPath.get(p);
      if (!m || (!m.sql.length && !m.driverCalls.length && !m.imports.some((i) => i.spec === 'better-sqlite3'))) stale.push(`sql: ${p}`);
    }
    const inCycles = new Set(valueImportCycles(modules).flat());
    for (const p of Object.keys(ALLOWED.cycle)) if (!inCycles.has(p)) stale.push(`cycle: ${p}`);
    expect(stale).toEqual([]);
  });
});
