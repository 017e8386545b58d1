/**
 * MULTI / EXEC (src/commands/transactions.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts.
 */
import type { CommandDef } from './schema.js';

export const TRANSACTION_COMMANDS: readonly CommandDef[] = [
  {
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    runsInMulti: true,
    group: 'transactions',
    summary: 'Mark the start of a transaction block',
    since: '1.2.0',
    complexity: 'O(1)',
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    runsInMulti: true,
    runsTransaction: true,
    group: 'transactions',
    summary: 'Execute all commands issued after MULTI',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
  },
  {
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    runsInMulti: true,
    group: 'transactions',
    summary: 'Discard all commands issued after MULTI',
    since: '2.0.0',
    complexity: 'O(N), when N is the number of queued commands',
  },
  {
    name: 'watch',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    runsInMulti: true,
    group: 'transactions',
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: -1, step: 1, limit: 0 } }],
    args: 'key ...',
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    group: 'transactions',
    summary: 'Forget about all watched keys',
    since: '2.2.0',
    complexity: 'O(1)',
  },
];
