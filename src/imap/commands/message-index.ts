/**
 * The message commands (APPEND, FETCH, STORE, EXPUNGE, IDLE, COPY, MOVE, SEARCH,
 * SORT, THREAD). src/imap/registry.ts imports this list.
 */
import type { CommandModule } from './types.js';
import { appendCommand } from './append.js';
import { fetchCommand } from './fetch.js';
import { storeCommand } from './store.js';
import { expungeCommand } from './expunge.js';
import { idleCommand } from './idle.js';
import { copyCommand } from './copy.js';
import { moveCommand } from './move.js';
import { searchCommand } from './search.js';
import { sortCommand } from './sort.js';
import { threadCommand } from './thread.js';

export const messageCommands: CommandModule[] = [
  appendCommand,
  fetchCommand,
  storeCommand,
  expungeCommand,
  idleCommand,
  copyCommand,
  moveCommand,
  searchCommand,
  sortCommand,
  threadCommand,
];
