/**
 * Log lines of the servers the test helpers start, written as pino JSON lines to
 * one file per test process under GOSPOCHTA_TEST_LOG_DIR (default
 * <tmp>/gospochta-test-logs), so that test/security/secrets.test.ts can search
 * the log output of many flows for the test data's secrets.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Logger } from '../../src/shared/logger.js';

export function testLogDir(): string {
  return process.env.GOSPOCHTA_TEST_LOG_DIR || join(tmpdir(), 'gospochta-test-logs');
}

let shared: { file: string; log: Logger } | null = null;

/** The logger of this test process (debug level: every line a flow can produce), and its file. */
export function capturedLog(): { file: string; log: Logger } {
  if (shared) return shared;
  const dir = testLogDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${process.pid}-${Date.now()}.jsonl`);
  shared = { file, log: pino({ level: 'debug' }, pino.destination({ dest: file, sync: true, mkdir: true })) };
  return shared;
}

/** Every captured log line so far, of every test process that wrote to the directory. */
export function allCapturedLines(): string[] {
  const dir = testLogDir();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
}
