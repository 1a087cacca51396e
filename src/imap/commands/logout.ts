/** LOGOUT — RFC 3501 §6.1.3: `* BYE`, tagged OK, then the connection closes. */
import type { CommandModule } from './types.js';
import { args, ok} from './helpers.js';

export const logoutCommand: CommandModule = {
  name: 'LOGOUT',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    args(ctx).end();
    await ctx.session.send('* BYE gospochta IMAP4rev1 server logging out');
    ctx.session.setLogout();
    return ok('LOGOUT completed');
  },
};
