/**
 * IMAP transcripts kept as data, the way Dovecot's imaptest keeps its scripts: a file
 * `transcripts/<name>.imap` beside the test file, one section per test case (or per
 * part of one, where the test does something else between commands):
 *
 *   # a comment
 *   == CREATE with intermediate levels (RFC 3501 §6.3.3)
 *   C: b1 CREATE Work/2026/
 *   S~ /^b1 OK \[MAILBOXID \(F\d+-\d+\)\] CREATE completed$/
 *   C: b2 LIST "" Work*
 *   S: * LIST (\HasChildren) "/" Work
 *   ...
 *   S: b2 OK LIST completed
 *
 * `== title` starts a section; `C: line` is sent (its tag first, as TranscriptClient.cmd
 * sends it) and its whole reply, to the tagged line, is read; the lines after it say
 * what the reply is, line by line: `S: text` a line exactly (`S:` alone an empty line;
 * white space after `S: ` is kept, at the end of a line it is not: write such a line as
 * an S~ pattern), `S~ /regex/flags` a line that matches, `...` any number of lines (none
 * too) not looked at — so a lone `...` leaves a reply unchecked, `S: x` then `...`
 * checks the first line only and `...` then `S~ /^t OK/` the last only. `${name}` in a
 * C: or S: line is a value the test passes (in an S~ line it stands for its text,
 * escaped). Blank lines and `#` lines are passed over. A line the parser does not know
 * fails the test with file and line.
 *
 *   const t = transcripts(import.meta.url, 'create');
 *   await t(c, 'CREATE with intermediate levels (RFC 3501 §6.3.3)', { v: 7 });
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { TranscriptClient } from './imap.js';

type ReplyLine = { kind: 'line'; text: string } | { kind: 'match'; source: string; flags: string } | { kind: 'any' };

interface Step {
  command: string;
  line: number;
  reply: ReplyLine[];
}

interface Section {
  title: string;
  line: number;
  steps: Step[];
}

export type TranscriptVars = Record<string, string | number>;

/** Runs one section of a transcript file on a session. */
export type Transcript = (c: TranscriptClient, section: string, vars?: TranscriptVars) => Promise<void>;

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const parsed = new Map<string, Map<string, Section>>();

/** Parses a transcript file's text; `where` names the file in errors. */
export function parseTranscript(text: string, where: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  let section: Section | undefined;
  let step: Step | undefined;
  const fail = (n: number, why: string): never => {
    throw new Error(`${where}:${n}: ${why}`);
  };
  const closeStep = () => {
    if (step && step.reply.length === 0) fail(step.line, 'a C: line needs its reply: S: lines, S~ lines or `...`');
    step = undefined;
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const n = i + 1;
    const l = raw.trimEnd();
    if (l === '' || l.startsWith('#')) return;
    if (l.startsWith('== ')) {
      closeStep();
      const title = l.slice(3).trim();
      if (!title) fail(n, 'a section needs a title');
      if (sections.has(title)) fail(n, `section "${title}" again (first at line ${sections.get(title)!.line})`);
      section = { title, line: n, steps: [] };
      sections.set(title, section);
      return;
    }
    if (l.startsWith('C: ')) {
      closeStep();
      if (!section) fail(n, 'a C: line before the first `== title`');
      const command = l.slice(3);
      if (!/^\S+ \S/.test(command)) fail(n, 'a command is its tag, a space, then the command');
      step = { command, line: n, reply: [] };
      section!.steps.push(step);
      return;
    }
    if (!step) fail(n, `"${l}" is not a section, a C: line or a comment (or it stands before the first C: line)`);
    if (l.startsWith('S: ')) step!.reply.push({ kind: 'line', text: l.slice(3) });
    else if (l === 'S:') step!.reply.push({ kind: 'line', text: '' });
    else if (l === '...') step!.reply.push({ kind: 'any' });
    else if (l.startsWith('S~ ')) {
      const m = /^\/(.*)\/([a-z]*)$/.exec(l.slice(3));
      if (!m) fail(n, 'an S~ line is /regex/ (with flags after it, if any)');
      try {
        new RegExp(m![1]!.replace(VAR, 'x'), m![2]);
      } catch (e) {
        fail(n, `bad regular expression: ${(e as Error).message}`);
      }
      step!.reply.push({ kind: 'match', source: m![1]!, flags: m![2]! });
    } else fail(n, `"${l}" is not an S: line, an S~ line, \`...\`, a C: line or a section`);
  });
  closeStep();
  return sections;
}

function load(path: string): Map<string, Section> {
  let sections = parsed.get(path);
  if (!sections) {
    sections = parseTranscript(readFileSync(path, 'utf8'), relative(process.cwd(), path));
    parsed.set(path, sections);
  }
  return sections;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `got` is what `want` says, `...` matching any run of lines. */
function fits(got: string[], want: Array<{ kind: 'line'; text: string } | { kind: 'match'; re: RegExp } | { kind: 'any' }>): boolean {
  const at = (g: number, w: number): boolean => {
    if (w === want.length) return g === got.length;
    const x = want[w]!;
    if (x.kind === 'any') return at(g, w + 1) || (g < got.length && at(g + 1, w));
    if (g === got.length) return false;
    return (x.kind === 'line' ? got[g] === x.text : x.re.test(got[g]!)) && at(g + 1, w + 1);
  };
  return at(0, 0);
}

/** The transcript file `transcripts/<name>.imap` beside the test file at `testFileUrl` (import.meta.url). */
export function transcripts(testFileUrl: string, name: string): Transcript {
  const path = join(dirname(fileURLToPath(testFileUrl)), 'transcripts', `${name}.imap`);
  const where = relative(process.cwd(), path);
  return async (c, title, vars = {}) => {
    const section = load(path).get(title);
    if (!section) throw new Error(`${where}: no section "${title}"`);
    const fill = (s: string, line: number, esc: (v: string) => string) =>
      s.replace(VAR, (_, k: string) => {
        if (!(k in vars)) throw new Error(`${where}:${line}: no value for \${${k}}`);
        return esc(String(vars[k]));
      });
    for (const step of section.steps) {
      const command = fill(step.command, step.line, (v) => v);
      const want = step.reply.map((r) =>
        r.kind === 'line'
          ? { kind: 'line' as const, text: fill(r.text, step.line, (v) => v) }
          : r.kind === 'match'
            ? { kind: 'match' as const, re: new RegExp(fill(r.source, step.line, escapeRe), r.flags) }
            : r,
      );
      const got = await c.cmd(command);
      const label = `${where}:${step.line} ${command}`;
      if (want.every((w) => w.kind !== 'any')) {
        expect(got, label).toEqual(want.map((w) => (w.kind === 'line' ? w.text : expect.stringMatching((w as { re: RegExp }).re))));
      } else if (!fits(got, want)) {
        const shown = want.map((w) => (w.kind === 'line' ? `S: ${w.text}` : w.kind === 'match' ? `S~ ${w.re}` : '...'));
        throw new Error(`${label}: the reply\n  ${got.join('\n  ')}\nis not\n  ${shown.join('\n  ')}`);
      }
    }
  };
}
