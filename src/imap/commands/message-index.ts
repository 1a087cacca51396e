/**
 * The message commands (APPEND, FETCH, STORE, EXPUNGE, IDLE, COPY, MOVE, SEARCH)
 * and the hooks they provide to the session commands (CLOSE's silent expunge,
 * SELECT's QRESYNC parameter). src/imap/registry.ts imports this list.
 */
import type { CommandModule, CommandHooks } from './types.js';
import { appendCommand } from './append.js';
import { fetchCommand } from './fetch.js';
import { storeCommand } from './store.js';
import { expungeCommand, silentExpunge } from './expunge.js';
import { idleCommand } from './idle.js';
import { copyCommand } from './copy.js';
import { moveCommand } from './move.js';
import { searchCommand } from './search.js';
import { selectParams } from '../fetch/qresync.js';

export const messageCommands: CommandModule[] = [
  appendCommand,
  fetchCommand,
  storeCommand,
  expungeCommand,
  idleCommand,
  copyCommand,
  moveCommand,
  searchCommand,
];

export const messageHooks: CommandHooks = { silentExpunge, selectParams };
