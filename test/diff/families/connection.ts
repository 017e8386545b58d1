/**
 * Connection commands whose replies are data: PING and ECHO with binary payloads, and HELLO,
 * which switches the connection between RESP2 and RESP3 in the middle of a sequence (so every
 * later reply is compared in the other protocol) and whose map is compared except for the
 * connection id.
 */
import { hello } from '../compare.js';
import type { CommandSpec, Family } from '../gen.js';

const commands: CommandSpec[] = [
  { name: 'PING', weight: 1, args: (g) => (g.chance(0.5) ? [] : [g.value()]) },
  { name: 'ECHO', weight: 1, args: (g) => [g.value()] },
  { name: 'HELLO', weight: 0.7, args: (g) => (g.chance(0.15) ? [] : [g.chance(0.85) ? g.pick(['2', '3']) : g.pick(['1', '4', 'x', ''])]), rule: hello },
];

export const connection: Family = { name: 'connection', commands };
