/**
 * Bit commands: SETBIT/GETBIT, BITCOUNT and BITPOS with byte and bit ranges past either end,
 * BITOP over missing and unequal-length keys, BITFIELD with every type width, overflow mode and
 * offset form. As for SETRANGE, offsets that would make Redis allocate 512 MB (SETBIT 4294967295)
 * are left out of writes; reads may use them (GETBIT reads nothing it has not got).
 */
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

function bitOffset(g: Gen, forWrite: boolean): string {
  if (g.chance(0.8)) return String(g.between(0, 130));
  const edges = ['-1', '4294967296', '9223372036854775807', 'abc', '', '1.5', '1000', '65535'];
  return g.pick(forWrite ? edges : [...edges, '4294967295', '536870911']);
}

function rangeBound(g: Gen): string {
  return g.chance(0.75) ? String(g.between(-12, 12)) : g.integer();
}

function unit(g: Gen): Arg[] {
  return g.pick([['BYTE'], ['BIT'], ['bit'], ['NIBBLE']]);
}

function bitcountArgs(g: Gen): Arg[] {
  const shape = g.int(5);
  if (shape === 0) return [g.key()];
  if (shape === 1) return [g.key(), rangeBound(g)]; // start without end: a syntax error
  if (shape === 2) return [g.key(), rangeBound(g), rangeBound(g), ...unit(g)];
  return [g.key(), rangeBound(g), rangeBound(g)];
}

function bitposArgs(g: Gen): Arg[] {
  const bit = g.chance(0.9) ? g.pick(['0', '1']) : g.pick(['2', '-1', 'x']);
  const shape = g.int(4);
  const range = shape === 0 ? [] : shape === 1 ? [rangeBound(g)] : shape === 2 ? [rangeBound(g), rangeBound(g)] : [rangeBound(g), rangeBound(g), ...unit(g)];
  return [g.key(), bit, ...range];
}

function bitopArgs(g: Gen): Arg[] {
  const op = g.pick(['AND', 'OR', 'XOR', 'NOT', 'not', 'and', 'NAND']);
  const sources = op.toUpperCase() === 'NOT' && g.chance(0.8) ? [g.key()] : g.keys(1, 3);
  return [op, g.key(), ...sources];
}

const FIELD_TYPES: readonly string[] = ['u1', 'i1', 'u2', 'i3', 'u7', 'u8', 'i8', 'u15', 'i16', 'u31', 'i32', 'u32', 'u63', 'i63', 'i64'];
/** Widths Redis refuses (u64 and i65 are one past its limits), and names it does not know. */
const BAD_FIELD_TYPES: readonly string[] = ['u64', 'i65', 'u0', 'i0', 'x8', 'U8', 'u', ''];

function fieldType(g: Gen): string {
  return g.chance(0.08) ? g.pick(BAD_FIELD_TYPES) : g.pick(FIELD_TYPES);
}

const FIELD_VALUES: readonly string[] = [
  '0', '1', '-1', '2', '127', '128', '-128', '-129', '255', '256', '32767', '65535', '2147483647', '2147483648', '-2147483648',
  '4294967295', '4611686018427387904', '9223372036854775807', '-9223372036854775808', '9223372036854775808', 'x', '1.5',
];

function fieldOffset(g: Gen): string {
  if (g.chance(0.85)) return g.chance(0.3) ? `#${g.between(0, 8)}` : String(g.between(0, 70));
  // '#N' counts in fields of the type's width: #4294967296 is past 512 MB for every width, while
  // e.g. #536870912 of u7 is a valid 470 MB write (left out, like SETBIT 4294967295).
  return g.pick(['-1', '#-1', '4294967296', '#4294967296', 'abc', '#', '']);
}

function bitfieldOps(g: Gen, readOnly: boolean): Arg[] {
  const out: Arg[] = [];
  for (let i = g.between(1, 4); i > 0; i--) {
    const roll = g.int(10);
    if (readOnly ? roll < 9 : roll < 4) out.push('GET', fieldType(g), fieldOffset(g));
    else if (roll < 6) out.push('SET', fieldType(g), fieldOffset(g), g.pick(FIELD_VALUES));
    else if (roll < 8) out.push('INCRBY', fieldType(g), fieldOffset(g), g.pick(FIELD_VALUES));
    else if (roll < 9) out.push('OVERFLOW', g.pick(['WRAP', 'SAT', 'FAIL', 'fail', 'NONE']));
    else out.push(g.pick(['GET', 'FOO', 'SET']));
  }
  return out;
}

const commands: CommandSpec[] = [
  { name: 'SETBIT', weight: 5, args: (g) => [g.key(), bitOffset(g, true), g.chance(0.9) ? g.pick(['0', '1']) : g.pick(['2', '-1', 'a', ''])] },
  { name: 'GETBIT', weight: 3, args: (g) => [g.key(), bitOffset(g, false)] },
  { name: 'BITCOUNT', weight: 3, args: bitcountArgs },
  { name: 'BITPOS', weight: 3, args: bitposArgs },
  { name: 'BITOP', weight: 3, args: bitopArgs },
  { name: 'BITFIELD', weight: 4, args: (g) => [g.key(), ...(g.chance(0.05) ? [] : bitfieldOps(g, false))] },
  { name: 'BITFIELD_RO', weight: 1, args: (g) => [g.key(), ...bitfieldOps(g, true)] },
];

export const bitmaps: Family = { name: 'bitmaps', commands };
