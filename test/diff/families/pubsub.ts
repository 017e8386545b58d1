/**
 * Pub/Sub message sequences: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE run on the watching
 * connection (session.ts, which is already PSUBSCRIBEd to every keyspace channel and receives
 * every keyspace event), PUBLISH and PUBSUB on the main one. After each command the watcher's
 * stream (subscription notices with their counts, messages, pmessages, and keyspace events of the
 * other families' commands) must be redis-server's byte for byte.
 *
 * Channel and pattern pools are chosen so that no channel matches two patterns: where one does,
 * Redis sends the pmessages in its pattern dictionary's order, random per process (a documented
 * difference, README "Pub/Sub"), which no comparison could hold.
 */
import { unordered } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

const CHANNELS: readonly string[] = ['news.a', 'news.b', 'sport', 'spart', 'xy', 'xz', 'other', '', 'b\x00\r\n\xff'];
/** news.* / sp?rt / x[yz] are disjoint, and none matches a keyspace channel; the watcher's own pattern comes back now and then. */
const PATTERNS: readonly string[] = ['news.*', 'sp?rt', 'x[yz]', 'news.*', '__key*@*__:*'];

function some(g: Gen, pool: readonly string[], min: number): Arg[] {
  const n = g.between(min, 3);
  const out: Arg[] = [];
  for (let i = 0; i < n; i++) out.push(g.pick(pool));
  return out;
}

const commands: CommandSpec[] = [
  { name: 'SUBSCRIBE', weight: 2, args: (g) => some(g, CHANNELS, 1), onWatcher: true },
  // Always with arguments: without, the channels come in subscription order here and in hash order from Redis (README, "Pub/Sub").
  { name: 'UNSUBSCRIBE', weight: 1, args: (g) => some(g, CHANNELS, 1), onWatcher: true },
  { name: 'PSUBSCRIBE', weight: 1, args: (g) => some(g, PATTERNS, 1), onWatcher: true },
  { name: 'PUNSUBSCRIBE', weight: 0.5, args: (g) => some(g, PATTERNS, 1), onWatcher: true },
  { name: 'PUBLISH', weight: 2, args: (g) => [g.pick(CHANNELS), g.value()] },
  { name: 'PUBSUB', weight: 0.5, args: (g) => g.pick<Arg[]>([['NUMPAT'], ['NUMSUB', ...some(g, CHANNELS, 0)], ['CHANNELS'], ['CHANNELS', g.pick(PATTERNS)]]), subcommandRules: { CHANNELS: unordered } },
];

export const pubsub: Family = { name: 'pubsub', commands };
