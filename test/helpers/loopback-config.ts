/**
 * The configuration of a whole server run by a test or benchmark in one process on
 * loopback: its data directory under `dir`, the served domain example.org, every
 * listener on an ephemeral port (0: off where nothing needs it), no new-device
 * notices. `overrides` replaces whole sections.
 */
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/load.js';

export function loopbackConfig(dir: string, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: join(dir, 'data'),
      domains: ['example.org'],
      hostname: 'mail.example.org',
      bind: '127.0.0.1',
      smtp: { port: 0 },
      submission: { port: 0 },
      pop3: { port: 0 },
      sieve: { port: 0 },
      mx: { port: 0 },
      imap: { port: 0 },
      notices: { newDevice: false },
      ...overrides,
    },
  });
}
