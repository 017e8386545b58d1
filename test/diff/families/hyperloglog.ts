/**
 * HyperLogLog commands: PFADD of a few elements from a small pool (so registers collide and
 * PFADD often answers 0) and now and then of hundreds to thousands, which turns a key dense past
 * hll-sparse-max-bytes; PFCOUNT of one key (the cached cardinality written back, then read) and of
 * several; PFMERGE with the destination among the sources, missing keys and wrong types; PFDEBUG's
 * subcommands. Keys are shared with every other family, so APPEND, SETRANGE and SETBIT reach
 * HyperLogLog values and corrupt their headers and opcodes; SET also writes values shaped like
 * HyperLogLogs (valid, with a cached cardinality, truncated, overlong, of an unknown encoding),
 * built with StrataKV's own encoder: both servers get the same bytes, and every reply and value
 * after them is compared.
 */
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';
import { HLL_REGISTERS, Hll } from '../../../src/types/hyperloglog.js';

const ELEMENTS: readonly string[] = ['a', 'b', 'c', 'd', 'e', '1', '2', '42', '', 'hello', 'x'.repeat(70), 'a\x00b', '\xff\xfe', 'user:1', 'user:2'];

function elements(g: Gen): Arg[] {
  // Bulk adds: enough distinct elements, over a few of them, to pass 3000 sparse bytes.
  if (g.chance(0.06)) return Array.from({ length: g.between(100, 2500) }, () => `e${g.int(1_000_000)}`);
  return Array.from({ length: g.int(5) }, () => g.pick(ELEMENTS));
}

/** A value shaped like a HyperLogLog, for SET: mostly valid, sometimes subtly not. */
function hllValue(g: Gen): Buffer {
  const hll = Hll.create();
  for (let i = g.int(200); i > 0; i--) hll.add(Buffer.from(`s${g.int(100_000)}`), 3000);
  if (g.chance(0.3)) {
    hll.toDense();
    for (let i = g.int(20); i > 0; i--) hll.set(g.int(HLL_REGISTERS), g.between(1, 63), 3000);
  }
  if (g.chance(0.5)) hll.invalidateCache();
  else hll.setCachedCardinality(g.pick([0, 1, 7, 1000, 2 ** 53]));
  const bytes = Buffer.from(hll.bytes());
  switch (g.int(8)) {
    case 0:
      return bytes.subarray(0, g.int(bytes.length));
    case 1:
      return Buffer.concat([bytes, Buffer.from([g.int(256)])]);
    case 2:
      bytes[4] = g.pick([2, 255]);
      return bytes;
    case 3:
      bytes[16 + g.int(bytes.length - 16)] = g.int(256);
      return bytes;
    default:
      return bytes;
  }
}

const DEBUG_SUBCOMMANDS: readonly string[] = ['ENCODING', 'DECODE', 'TODENSE', 'GETREG', 'encoding', 'FOO'];

const commands: CommandSpec[] = [
  { name: 'PFADD', weight: 10, args: (g) => [g.key(), ...elements(g)] },
  { name: 'PFCOUNT', weight: 6, args: (g) => (g.chance(0.6) ? [g.key()] : g.keys(2, 4)) },
  { name: 'PFMERGE', weight: 3, args: (g) => [g.key(), ...g.keys(0, 3)] },
  { name: 'PFDEBUG', weight: 1, args: (g) => [g.pick(DEBUG_SUBCOMMANDS), g.key()] },
  // SET again (strings.ts has it with ordinary values): the name only picks the comparison rule, exact for both.
  { name: 'SET', weight: 2, args: (g) => [g.key(), hllValue(g)] },
];

export const hyperloglog: Family = { name: 'hyperloglog', commands };
