/**
 * Logical databases (src/commands/databases.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts.
 */
import type { CommandDef } from './schema.js';

export const DATABASE_COMMANDS: readonly CommandDef[] = [
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    group: 'connection',
    summary: 'Change the selected database for the current connection',
    since: '1.0.0',
    complexity: 'O(1)',
    args: 'index:integer',
  },
  {
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    wholeKeyspace: true,
    group: 'generic',
    summary: 'Move a key to another database',
    since: '1.0.0',
    complexity: 'O(1)',
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key db:integer',
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    wholeKeyspace: true,
    group: 'server',
    summary: 'Swaps two Redis databases',
    since: '4.0.0',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    acl: ['keyspace', 'dangerous'],
    args: 'index1:integer index2:integer',
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    wholeKeyspace: true,
    group: 'server',
    summary: 'Remove all keys from the current database',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys in the selected database',
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
    ],
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: '[ASYNC^4.0.0 | SYNC^6.2.0]',
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    wholeKeyspace: true,
    group: 'server',
    summary: 'Remove all keys from all databases',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
    ],
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: '[ASYNC^4.0.0 | SYNC^6.2.0]',
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    group: 'server',
    summary: 'Return the number of keys in the selected database',
    since: '1.0.0',
    complexity: 'O(1)',
    acl: ['keyspace'],
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
  },
];
