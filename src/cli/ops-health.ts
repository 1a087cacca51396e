/**
 * `gospochta health [--json]`: exit 0 only when the database and both listeners are
 * healthy (see src/ops/health.ts). Used by the container HEALTHCHECK and monitoring.
 */
import type { Command } from 'commander';
import { checkHealth, formatHealth } from '../ops/health.js';
import { opsConfig, printJson, printText, runOps, parsePort, type JsonOption } from './ops-common.js';

interface HealthCliOptions extends JsonOption {
  host?: string;
  smtpPort?: number;
  imapPort?: number;
  timeout: string;
}

export function registerHealth(program: Command): void {
  program
    .command('health')
    .description('check the database (quick_check) and that SMTP and IMAP complete a TLS handshake and greet; exit 0 only when all pass')
    .option('--json', 'print one JSON object with every check')
    .option('--host <address>', 'connect here instead of 127.0.0.1 / the bind address')
    .option('--smtp-port <port>', 'SMTP port to check instead of the configured one', parsePort)
    .option('--imap-port <port>', 'IMAP port to check instead of the configured one', parsePort)
    .option('--timeout <ms>', 'per listener: connect, handshake and greeting', '5000')
    .action(async (opts: HealthCliOptions) => {
      await runOps(opts, async () => {
        const cfg = opsConfig();
        const report = await checkHealth(cfg, {
          host: opts.host,
          smtpPort: opts.smtpPort,
          imapPort: opts.imapPort,
          timeoutMs: Number(opts.timeout) > 0 ? Number(opts.timeout) : 5000,
        });
        if (opts.json) printJson(report);
        else printText(formatHealth(report));
        // Loud on stderr too, so it lands in logs even when stdout is discarded.
        if (!opts.json) for (const w of report.warnings) process.stderr.write(`gospochta health: WARNING: ${w}\n`);
        if (!report.ok) process.exitCode = 1;
      });
    });
}
