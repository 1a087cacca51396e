/**
 * Command groups of the `gospochta` CLI. Each entry adds its commands to the
 * program; add a group by appending its register function here.
 */
import type { Command } from 'commander';
import { registerAccountCommands } from './account.js';
import { registerMailboxCommands } from './mailbox.js';
import { registerAuditCommand } from './audit.js';

export type CommandGroup = (program: Command) => void;

export const commandGroups: CommandGroup[] = [registerAccountCommands, registerMailboxCommands, registerAuditCommand];
