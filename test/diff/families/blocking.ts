/**
 * Blocking pops on one connection: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP
 * over the keys the list and sorted-set families fill, with timeouts that end the wait (1-2 ms,
 * so an empty key answers a null after waiting on both servers; rarely drawn, as every wait adds
 * to the bounded run's time) and the timeout texts Redis
 * refuses (negative, not a float, infinite, out of range). Never `0` or a negative above -0.001:
 * those wait for ever, and nobody else pushes here. Inside the MULTI blocks of the transactions
 * family they answer at once, as their non-blocking forms.
 *
 * Everything here is deterministic: every reply is compared byte for byte.
 */
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

/** Timeouts that end (seconds), and texts Redis refuses with its three errors. */
function timeout(g: Gen): string {
  if (g.chance(0.8)) return g.chance(0.7) ? '0.001' : g.pick(['.002', '1e-3', '0x0.001', '1e-400']);
  return g.pick(['-1', '-0.5', 'abc', '', ' 1', 'nan', 'inf', '-inf', '1e400', '9223372036854775807', '1,5']);
}

function end(g: Gen): string {
  return g.chance(0.92) ? g.pick(['LEFT', 'RIGHT', 'left', 'Right']) : g.pick(['UP', '']);
}

function keysThenTimeout(g: Gen): Arg[] {
  return [...g.keys(1, 3), timeout(g)];
}

function mpopArgs(g: Gen, where: readonly string[]): Arg[] {
  const keys = g.keys(1, 3);
  const numkeys = g.chance(0.9) ? String(keys.length) : g.pick(['0', '-1', '9', 'x']);
  const out: Arg[] = [timeout(g), numkeys, ...keys, g.chance(0.92) ? g.pick(where) : 'MIDDLE'];
  if (g.chance(0.4)) out.push(...g.pick<Arg[]>([['COUNT', String(g.between(1, 5))], ['COUNT', '0'], ['COUNT', 'x'], ['COUNT', '1', 'COUNT', '1'], ['COUNT']]));
  return out;
}

const commands: CommandSpec[] = [
  { name: 'BLPOP', weight: 1, args: keysThenTimeout, extraArgument: false },
  { name: 'BRPOP', weight: 1, args: keysThenTimeout, extraArgument: false },
  { name: 'BLMOVE', weight: 1, args: (g) => [g.key(), g.key(), end(g), end(g), timeout(g)] },
  { name: 'BRPOPLPUSH', weight: 1, args: (g) => [g.key(), g.key(), timeout(g)] },
  { name: 'BLMPOP', weight: 1, args: (g) => mpopArgs(g, ['LEFT', 'RIGHT', 'left']) },
  { name: 'BZPOPMIN', weight: 1, args: keysThenTimeout, extraArgument: false },
  { name: 'BZPOPMAX', weight: 1, args: keysThenTimeout, extraArgument: false },
  { name: 'BZMPOP', weight: 1, args: (g) => mpopArgs(g, ['MIN', 'MAX', 'min']) },
];

export const blocking: Family = { name: 'blocking', commands };
