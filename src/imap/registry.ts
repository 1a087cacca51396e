/**
 * All IMAP commands by name: the session and folder commands, and the message
 * commands from commands/message-index.ts.
 */
import type { CommandModule } from './commands/types.js';
import { capabilityCommand } from './commands/capability.js';
import { noopCommand } from './commands/noop.js';
import { checkCommand } from './commands/check.js';
import { logoutCommand } from './commands/logout.js';
import { idCommand } from './commands/id.js';
import { enableCommand } from './commands/enable.js';
import { namespaceCommand } from './commands/namespace.js';
import { loginCommand } from './commands/login.js';
import { authenticateCommand } from './commands/authenticate.js';
import { listCommand, lsubCommand } from './commands/list.js';
import { createCommand } from './commands/create.js';
import { deleteCommand } from './commands/delete.js';
import { renameCommand } from './commands/rename.js';
import { subscribeCommand, unsubscribeCommand } from './commands/subscribe.js';
import { statusCommand } from './commands/status.js';
import { selectCommand, examineCommand } from './commands/select.js';
import { closeCommand } from './commands/close.js';
import { unselectCommand } from './commands/unselect.js';
import { messageCommands } from './commands/message-index.js';
import { compressCommand } from './commands/compress.js';
import { getQuotaCommand, getQuotaRootCommand, setQuotaCommand } from './commands/quota.js';

const sessionCommands: CommandModule[] = [
  capabilityCommand,
  noopCommand,
  checkCommand,
  logoutCommand,
  idCommand,
  enableCommand,
  namespaceCommand,
  loginCommand,
  authenticateCommand,
  listCommand,
  lsubCommand,
  createCommand,
  deleteCommand,
  renameCommand,
  subscribeCommand,
  unsubscribeCommand,
  statusCommand,
  selectCommand,
  examineCommand,
  closeCommand,
  unselectCommand,
  compressCommand,
  getQuotaCommand,
  getQuotaRootCommand,
  setQuotaCommand,
];

const commands = new Map<string, CommandModule>(
  [...sessionCommands, ...messageCommands].map((m) => [m.name.toUpperCase(), m]),
);

export const registry: ReadonlyMap<string, CommandModule> = commands;

/** Add or replace a command (extensions, tests). */
export function registerCommand(mod: CommandModule): void {
  commands.set(mod.name.toUpperCase(), mod);
}

