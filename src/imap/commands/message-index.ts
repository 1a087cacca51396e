/**
 * The message commands (APPEND, FETCH, STORE, EXPUNGE, IDLE, SEARCH, COPY, MOVE) and
 * the hooks they provide to the session commands. Placeholder: the message-commands
 * area owns this file and fills it in; src/imap/registry.ts imports it.
 */
import type { CommandModule, CommandHooks } from './types.js';

export const messageCommands: CommandModule[] = [];

export const messageHooks: CommandHooks = {};
