/**
 * Replication: REPLICAOF / SLAVEOF, ROLE, WAIT, and the commands a replica sends its primary
 * (REPLCONF, PSYNC, SYNC). Handlers in src/commands/replication.ts, the machinery in
 * src/replication/. FAILOVER is not served yet (src/command-table/not-served.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS.
 */
import type { CommandDef } from './schema.js';

const REPLICAOF_ARGS = '((host port:integer)@host-port | (NO ONE)@no-one)@args';

export const REPLICATION_COMMANDS: readonly CommandDef[] = [
  {
    name: 'replicaof',
    arity: 3,
    flags: ['admin', 'noscript', 'stale', 'no_async_loading'],
    group: 'server',
    summary: 'Make the server a replica of another instance, or promote it as master.',
    since: '5.0.0',
    complexity: 'O(1)',
    args: REPLICAOF_ARGS,
  },
  {
    name: 'slaveof',
    arity: 3,
    flags: ['admin', 'noscript', 'stale', 'no_async_loading'],
    group: 'server',
    summary: 'Make the server a replica of another instance, or promote it as master.',
    since: '1.0.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '5.0.0',
    replacedBy: '`REPLICAOF`',
    args: REPLICAOF_ARGS,
  },
  {
    name: 'role',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast'],
    group: 'server',
    summary: 'Return the role of the instance in the context of replication',
    since: '2.8.12',
    complexity: 'O(1)',
    acl: ['admin', 'dangerous'],
  },
  {
    name: 'wait',
    arity: 3,
    flags: ['noscript'],
    group: 'generic',
    summary: 'Wait for the synchronous replication of all the write commands sent in the context of the current connection',
    since: '3.0.0',
    complexity: 'O(1)',
    acl: ['connection'],
    withoutGroupCategory: true,
    tips: ['request_policy:all_shards', 'response_policy:agg_min'],
    args: 'numreplicas:integer timeout:integer',
  },
  {
    name: 'replconf',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
    group: 'server',
    summary: 'An internal command for configuring the replication stream',
    since: '3.0.0',
    complexity: 'O(1)',
    docFlags: ['syscmd'],
  },
  {
    name: 'psync',
    arity: -3,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    summary: 'Internal command used for replication',
    since: '2.8.0',
    args: 'replicationid offset:integer',
  },
  {
    name: 'sync',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    summary: 'Internal command used for replication',
    since: '1.0.0',
  },
];
