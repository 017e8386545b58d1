/**
 * Bit operations on strings (src/commands/bits.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts.
 */
import type { CommandDef } from './schema.js';

export const BIT_COMMANDS: readonly CommandDef[] = [
  {
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    group: 'bitmap',
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key offset:integer value:integer',
  },
  {
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    group: 'bitmap',
    summary: 'Returns the bit value at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key offset:integer',
  },
  {
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    group: 'bitmap',
    summary: 'Count set bits in a string',
    since: '2.6.0',
    complexity: 'O(N)',
    history: [
      ['7.0.0', 'Added the `BYTE|BIT` option.'],
    ],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key [start:integer end:integer [BYTE | BIT]@index_unit^7.0.0]@index',
  },
  {
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    group: 'bitmap',
    summary: 'Find first bit set or clear in a string',
    since: '2.8.7',
    complexity: 'O(N)',
    history: [
      ['7.0.0', 'Added the `BYTE|BIT` option.'],
    ],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key bit:integer [start:integer [end:integer [BYTE | BIT]@index_unit^7.0.0]@end_index]@index',
  },
  {
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    group: 'bitmap',
    summary: 'Perform bitwise operations between strings',
    since: '2.6.0',
    complexity: 'O(N)',
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 2 }, find: { lastKey: 0, step: 1, limit: 0 } },
      { flags: ['RO', 'access'], begin: { index: 3 }, find: { lastKey: -1, step: 1, limit: 0 } },
    ],
    args: 'operation destkey key ...',
  },
  {
    name: 'bitfield',
    arity: -2,
    flags: ['write', 'denyoom'],
    group: 'bitmap',
    summary: 'Perform arbitrary bitfield integer operations on strings',
    since: '3.2.0',
    complexity: 'O(1) for each subcommand specified',
    keySpecs: [{ notes: 'This command allows both access and modification of the key', flags: ['RW', 'access', 'update', 'variable_flags'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key [GET (encoding offset:integer)@encoding_offset | ([OVERFLOW (WRAP | SAT | FAIL)@wrap_sat_fail] (SET (encoding offset:integer value:integer)@encoding_offset_value | INCRBY (encoding offset:integer increment:integer)@encoding_offset_increment)@write_operation)@write]@operation ...',
  },
  {
    name: 'bitfield_ro',
    arity: -2,
    flags: ['readonly', 'fast'],
    group: 'bitmap',
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
    since: '6.0.0',
    complexity: 'O(1) for each subcommand specified',
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key [GET (encoding offset:integer)@encoding_offset!multiple_token ...]',
  },
];
