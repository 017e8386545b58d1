/**
 * HyperLogLog commands (src/commands/hyperloglog.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts. PFCOUNT is read-only by its flags, yet may write the cached cardinality back into
 * the value: Redis marks it MAY_REPLICATE (not printed by 7.0's COMMAND INFO) and its key RW.
 */
import type { CommandDef } from './schema.js';

export const HYPERLOGLOG_COMMANDS: readonly CommandDef[] = [
  {
    name: 'pfadd',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    group: 'hyperloglog',
    summary: 'Adds the specified elements to the specified HyperLogLog.',
    since: '2.8.9',
    complexity: 'O(1) to add every element.',
    keySpecs: [{ flags: ['RW', 'insert'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key [element ...]',
  },
  {
    name: 'pfcount',
    arity: -2,
    flags: ['readonly'],
    mayReplicate: true,
    group: 'hyperloglog',
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
    since: '2.8.9',
    complexity: 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    keySpecs: [{
      notes: 'RW because it may change the internal representation of the key, and propagate to replicas',
      flags: ['RW', 'access'],
      begin: { index: 1 },
      find: { lastKey: -1, step: 1, limit: 0 },
    }],
    args: 'key ...',
  },
  {
    name: 'pfmerge',
    arity: -2,
    flags: ['write', 'denyoom'],
    group: 'hyperloglog',
    summary: 'Merge N different HyperLogLogs into a single one.',
    since: '2.8.9',
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    keySpecs: [
      { flags: ['RW', 'access', 'insert'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { lastKey: -1, step: 1, limit: 0 } },
    ],
    args: 'destkey sourcekey ...',
  },
  {
    name: 'pfdebug',
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    group: 'hyperloglog',
    summary: 'Internal commands for debugging HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    keySpecs: [{ flags: ['RW', 'access'], begin: { index: 2 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'subcommand key',
  },
  {
    name: 'pfselftest',
    arity: 1,
    flags: ['admin'],
    group: 'hyperloglog',
    summary: 'An internal command for testing HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
  },
];
