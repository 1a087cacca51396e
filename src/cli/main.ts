/**
 * The `gospochta` CLI entry point (bin/gospochta.js runs dist/src/cli/main.js).
 * Command groups come from registry.ts; usage errors follow the same one-line
 * `gospochta: <message>` rule as refusals (exit 2).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commandGroups } from './registry.js';
import { EXIT_USAGE } from './output.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(): Command {
  const program = new Command('gospochta')
    .description('gospochta: mail server for confirmed identities, and its operator CLI')
    .version(version())
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError(true);
  for (const register of commandGroups) register(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return; // --help, --version
      if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync') {
        process.exitCode = EXIT_USAGE; // a group named without a command: its help was shown
        return;
      }
      const message = e.message.replace(/^error: /, '');
      process.stderr.write(`gospochta: ${message}\n`);
      if (argv.includes('--json')) process.stdout.write(JSON.stringify({ error: 'USAGE', message }) + '\n');
      process.exitCode = EXIT_USAGE;
      return;
    }
    throw e;
  }
}

await main();
