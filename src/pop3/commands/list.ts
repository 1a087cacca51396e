/** LIST — RFC 1939 §5: "n octets" for one message, or a multi-line list of all not marked deleted. */
import { listingCommand } from './msg-arg.js';

export const listCommand = listingCommand({
  name: 'LIST',
  header(drop) {
    const { count, octets } = drop.stat();
    return `${count} messages (${octets} octets)`;
  },
  line: (_drop, n, m) => `${n} ${m.size}`,
});
