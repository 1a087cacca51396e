/**
 * Command groups of the `gospochta` CLI. Each entry adds its commands to the
 * program; add a group by appending its register function here.
 */
import type { Command } from 'commander';
import { registerAccountCommands } from './account.js';
import { registerMailboxCommands } from './mailbox.js';
import { registerAuditCommand } from './audit.js';
import { registerHealth } from './ops-health.js';
import { registerBackup } from './ops-backup.js';
import { registerRestore } from './ops-restore.js';
import { registerServeCommand } from './serve.js';
import { registerPurgeCommand } from './purge.js';
import { registerStatsCommand } from './stats.js';
import { registerMtaCommands } from './mta.js';
import { registerReindexCommand } from './reindex.js';
import { registerKeyCommands } from './key.js';

export type CommandGroup = (program: Command) => void;

export const commandGroups: CommandGroup[] = [registerServeCommand, registerAccountCommands, registerMailboxCommands, registerAuditCommand, registerHealth, registerBackup, registerRestore, registerPurgeCommand, registerStatsCommand, registerMtaCommands, registerReindexCommand, registerKeyCommands];
