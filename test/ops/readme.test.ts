/**
 * README.md documents only what exists: every `gospochta …` command in its code
 * blocks (prose mentions are not checked) is a registered CLI command with options it really has, every npm script
 * it names is in package.json, and every repository file it links to is there.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { commandGroups } from '../../src/cli/registry.js';

const repo = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

function codeLines(): string[] {
  const out: string[] = [];
  for (const m of readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
    if (!['', 'sh', 'bash', 'shell', 'cron'].includes(m[1]!)) continue;
    out.push(...m[2]!.replace(/\\\n\s*/g, ' ').split('\n'));
  }
  return out;
}

/** A small shell word splitter: quotes, no expansion. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  const plain = line.replace(/\$\([^)]*\)/g, 'SUBST').replace(/\s#.*$/, '');
  for (const m of plain.matchAll(re)) {
    const t = m[1] ?? m[2] ?? m[3]!;
    if (m[3] && t.length > 1 && t.endsWith(';')) out.push(t.slice(0, -1), ';');
    else out.push(t);
  }
  return out;
}

const NOT_COMMANDS = new Set(['env', 'node', 'gospochta', 'cd']);
const VALUE_FLAGS = new Set(['-u', '-o', '-g', '--user', '--profile']);

interface Invocation {
  line: string;
  argv: string[];
}

function invocations(): Invocation[] {
  const found: Invocation[] = [];
  for (const line of codeLines()) {
    const w = words(line);
    w.forEach((t, i) => {
      const isCli = t === 'gospochta' || t.endsWith('bin/gospochta.js');
      if (!isCli) return;
      if (i > 0 && VALUE_FLAGS.has(w[i - 1]!)) return;
      const next = w[i + 1];
      if (!next || !/^[a-z][a-z-]*$/.test(next) || NOT_COMMANDS.has(next)) return;
      const argv: string[] = [];
      for (const a of w.slice(i + 1)) {
        if (['&&', '||', ';', '|'].includes(a)) break;
        argv.push(a);
      }
      found.push({ line, argv });
    });
  }
  return found;
}

function program(): Command {
  const p = new Command('gospochta');
  for (const g of commandGroups) g(p);
  return p;
}

describe('README.md', () => {
  it('names only CLI commands and options that exist', () => {
    const p = program();
    const seen = invocations();
    expect(seen.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const { line, argv } of seen) {
      let cmd: Command = p;
      let i = 0;
      while (i < argv.length && cmd.commands.length) {
        const sub = cmd.commands.find((c) => c.name() === argv[i] || c.aliases().includes(argv[i]!));
        if (!sub) break;
        cmd = sub;
        i++;
      }
      if (cmd === p) {
        problems.push(`${argv[0]}: no such command (in: ${line.trim()})`);
        continue;
      }
      if (cmd.commands.length) {
        problems.push(`${cmd.name()} needs a subcommand (in: ${line.trim()})`);
        continue;
      }
      const longs = new Set(cmd.options.flatMap((o) => [o.long, o.short].filter(Boolean) as string[]));
      for (const a of argv.slice(i)) {
        if (!a.startsWith('-') || a === '-') continue;
        const flag = a.split('=')[0]!;
        if (!longs.has(flag) && flag !== '--help' && flag !== '-h') problems.push(`${cmd.name()}: no option ${flag} (in: ${line.trim()})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names only npm scripts that exist', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const problems: string[] = [];
    for (const line of codeLines()) {
      for (const m of line.matchAll(/\bnpm (run )?([a-z0-9:]+)/g)) {
        const name = m[2]!;
        if (!m[1] && ['ci', 'install', 'prune', 'view', 'exec'].includes(name)) continue;
        if (!(name in pkg.scripts)) problems.push(`npm ${m[1] ?? ''}${name}: no such script`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(3);
    for (const l of links) expect(existsSync(join(repo, l)), l).toBe(true);
  });

  it('starts with the quick start: npm ci && npm start, then npm test', () => {
    const first = readme.indexOf('## ');
    expect(readme.slice(first).startsWith('## Quick start')).toBe(true);
    const qs = readme.slice(first, readme.indexOf('\n## ', first + 3));
    const blocks = [...qs.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks[0]).toBe('npm ci && npm start');
    expect(blocks.at(-1)).toBe('npm test');
  });
});
