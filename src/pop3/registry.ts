/** The POP3 commands, by name (RFC 1939 §3: keywords are case-insensitive). */
import type { Pop3Command } from './types.js';
import { capaCommand } from './commands/capa.js';
import { userCommand } from './commands/user.js';
import { passCommand } from './commands/pass.js';
import { authCommand } from './commands/auth.js';
import { statCommand } from './commands/stat.js';
import { listCommand } from './commands/list.js';
import { uidlCommand } from './commands/uidl.js';
import { retrCommand } from './commands/retr.js';
import { topCommand } from './commands/top.js';
import { deleCommand } from './commands/dele.js';
import { rsetCommand } from './commands/rset.js';
import { noopCommand } from './commands/noop.js';
import { quitCommand } from './commands/quit.js';

const commands = new Map<string, Pop3Command>(
  [capaCommand, userCommand, passCommand, authCommand, statCommand, listCommand, uidlCommand, retrCommand, topCommand, deleCommand, rsetCommand, noopCommand, quitCommand].map((c) => [c.name, c]),
);

export function findCommand(name: string): Pop3Command | undefined {
  return commands.get(name);
}
