/** UIDL — RFC 1939 §7: the unique-id of one message or of all not marked deleted (Maildrop.uniqueId). */
import { listingCommand } from './msg-arg.js';

export const uidlCommand = listingCommand({
  name: 'UIDL',
  header: () => 'Unique-id listing follows',
  line: (drop, n, m) => `${n} ${drop.uniqueId(m)}`,
});
