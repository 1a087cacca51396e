/**
 * `gospochta serve` — the server itself (npm start runs this). A bad setting or a
 * port that cannot be bound stops it with one line naming the cause.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { printError } from './output.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the mail server (SMTP submission on 465 and 587, IMAP on 993, POP3 on 995, mail from other servers on 25)')
    .action(async () => {
      try {
        const cfg = loadConfig();
        const { serve } = await import('../serve.js');
        await serve(cfg);
      } catch (e) {
        process.exitCode = printError(e, false);
      }
    });
}
