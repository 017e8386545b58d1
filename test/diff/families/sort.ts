/**
 * SORT and SORT_RO over the lists, sets and sorted sets the other families write at the shared
 * keys (k1..k4, '', a binary one), with random options in random order: ASC/DESC, ALPHA, LIMIT at
 * the edges Redis clamps (negative, past the end, ±2^63, not integers), BY and GET patterns, STORE
 * onto the shared keys. Patterns are built so that substituting the members the other families
 * use ('1', '2', '3', '', ...) names the shared keys, which hold strings, hashes (fields f1, f2)
 * or other types: `k*`, `k*->f1`, `#`, `nosort`, a pattern without '*', `->` with no field. MSET
 * here writes numbers at those keys now and then, so numeric BY weights are often valid.
 *
 * Which orders Redis fixes decides how each command is compared:
 * - SORT is compared byte for byte, so it is only drawn where Redis' order is determined whatever
 *   the source's type: numeric (ties broken by the elements' bytes) or ALPHA by the elements
 *   themselves; BY nosort only with STORE (which sorts a set; lists and sorted sets keep their
 *   own order). ALPHA by a BY pattern is not drawn: elements with equal weights come in the
 *   source's hash order for sets and sorted sets (and Redis' partial quicksort with LIMIT).
 * - SORT_RO draws those orders too (no STORE), without LIMIT, and is compared as a multiset: the
 *   elements a set's hash order or tied weights put in some order are the same either way.
 */
import { unordered } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

const LIMITS: readonly string[] = ['0', '1', '2', '3', '-1', '-2', '5', '100', '9223372036854775807', '-9223372036854775808', '9223372036854775808', 'x', '1.5', ''];
const NUMBERS: readonly string[] = ['1', '2', '3', '10', '-5', '0', '2.5', '-inf', '1e3', '', ' 7', 'x', '0x10'];

/**
 * A BY pattern that weighs by the shared keys: strings, or a hash field. 'k\0*' has its '*' where
 * C no longer looks (a nosort): only for SORT_RO, whose order is not compared.
 */
function weighingPattern(g: Gen, readOnly: boolean): string {
  return g.pick(['k*', 'k*', 'k*->f1', 'k*->f2', 'k*->', '*', 'k*x', ...(readOnly ? ['k\x00*'] : [])]);
}

function getPattern(g: Gen): string {
  return g.pick(['#', '#', 'k*', 'k*->f1', 'k*->f2', 'nostar', 'k*->', '#x', '*']);
}

function limit(g: Gen): Arg[] {
  return g.chance(0.9) ? ['LIMIT', g.pick(LIMITS), g.pick(LIMITS)] : g.pick<Arg[]>([['LIMIT', '1'], ['limit', '0', '1']]);
}

/** Options in random order; `ordered`: only those whose order Redis fixes (see the top). */
function sortArgs(g: Gen, readOnly: boolean): Arg[] {
  const out: Arg[] = [g.key()];
  const alpha = g.chance(0.4);
  const nosort = g.chance(0.2);
  const store = !readOnly && g.chance(0.3);
  const options: Arg[][] = [];
  if (alpha) options.push([g.pick(['ALPHA', 'alpha'])]);
  if (g.chance(0.5)) options.push([g.pick(['DESC', 'ASC', 'desc'])]);
  if (nosort) options.push(['BY', g.pick(['nosort', 'k', 'NOSORT'])]);
  else if (!alpha && g.chance(0.5)) options.push(['BY', weighingPattern(g, readOnly)]);
  if (!readOnly && g.chance(0.4)) options.push(limit(g));
  for (let i = g.chance(0.4) ? g.between(1, 3) : 0; i > 0; i--) options.push(['GET', getPattern(g)]);
  if (store || (!readOnly && nosort)) options.push(['STORE', g.key()]);
  if (readOnly && g.chance(0.03)) options.push(['STORE', g.key()]);
  for (let i = options.length - 1; i > 0; i--) {
    const j = g.int(i + 1);
    [options[i], options[j]] = [options[j], options[i]];
  }
  for (const o of options) out.push(...o);
  // An option missing its argument, or none: last, so that it takes no other option for one. Not
  // BY in SORT: the tester's one-argument-too-many mutation would give it a pattern without '*',
  // a nosort, and a set's hash order.
  if (g.chance(0.03)) out.push(g.pick(readOnly ? ['FOO', 'STORE', 'BY', 'GET'] : ['FOO', 'STORE', 'GET']));
  return out;
}

/** SORT_RO also draws ALPHA by a weighing pattern (compared as a multiset). */
function sortRoArgs(g: Gen): Arg[] {
  const args = sortArgs(g, true);
  if (g.chance(0.3) && !args.some((a) => typeof a === 'string' && a.toUpperCase() === 'BY')) args.push('ALPHA', 'BY', weighingPattern(g, true));
  return args;
}

const commands: CommandSpec[] = [
  // Cut short, a SORT keeps only its key (a numeric sort): dropping a STORE would leave a BY nosort
  // over a set in its hash order.
  { name: 'SORT', weight: 10, args: (g) => sortArgs(g, false), truncateBelow: 2 },
  { name: 'SORT_RO', weight: 6, args: sortRoArgs, rule: unordered, truncateBelow: 2 },
  // Numbers at the shared keys, for BY k* to weigh by.
  { name: 'MSET', weight: 2, args: (g) => Array.from({ length: g.between(1, 3) }, () => [g.key(), g.pick(NUMBERS)]).flat() },
];

export const sort: Family = { name: 'sort', commands };
