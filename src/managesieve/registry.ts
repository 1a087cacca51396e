/** The ManageSieve commands by name (RFC 5804 §2). */
import type { SieveCommand } from './commands/types.js';
import { authenticate } from './commands/authenticate.js';
import { capability } from './commands/capability.js';
import { checkscript } from './commands/checkscript.js';
import { deletescript } from './commands/deletescript.js';
import { getscript } from './commands/getscript.js';
import { havespace } from './commands/havespace.js';
import { listscripts } from './commands/listscripts.js';
import { logout } from './commands/logout.js';
import { noop } from './commands/noop.js';
import { putscript } from './commands/putscript.js';
import { renamescript } from './commands/renamescript.js';
import { setactive } from './commands/setactive.js';
import { starttls } from './commands/starttls.js';
import { unauthenticate } from './commands/unauthenticate.js';

const ALL = [authenticate, capability, checkscript, deletescript, getscript, havespace, listscripts, logout, noop, putscript, renamescript, setactive, starttls, unauthenticate];

export const commands: ReadonlyMap<string, SieveCommand> = new Map(ALL.map((c) => [c.name, c]));
