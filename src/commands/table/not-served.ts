/**
 * The commands of Redis 7.0's table (COMMAND LIST of redis-server 7.0.15, subcommands as
 * 'container|sub') that StrataKV does not serve, each with why. Data, like the table beside it:
 * README's compatibility section is generated from both (src/commands/compatibility.ts,
 * `npm run docs:compat`), and test/e2e/command-metadata.test.ts checks against a live
 * redis-server that every command it lists is either served or named here, never both.
 *
 * When a command is served, delete it here: the tests then ask for it in the table.
 */
import type { CommandGroup } from './schema.js';

export interface NotServed {
  /** Lower case; a subcommand as 'container|sub'. */
  readonly name: string;
  readonly group: CommandGroup;
  /** Why, in a few words: what it would need, and the issue that brings it. */
  readonly why: string;
}

const REPLICATION_WHY = 'replication is issue #16 (replicas fed from the WAL, WAIT, Sentinel failover)';

const CLUSTER_SUBCOMMANDS = [
  'addslots', 'addslotsrange', 'bumpepoch', 'count-failure-reports', 'countkeysinslot', 'delslots', 'delslotsrange', 'failover',
  'flushslots', 'forget', 'getkeysinslot', 'help', 'info', 'keyslot', 'links', 'meet', 'myid', 'nodes', 'replicas', 'replicate',
  'reset', 'saveconfig', 'set-config-epoch', 'setslot', 'shards', 'slaves', 'slots',
];
const CLUSTER_WHY = 'StrataKV is a standalone server: Redis Cluster is not a goal yet';

export const NOT_SERVED: readonly NotServed[] = [
  { name: 'asking', group: 'cluster', why: CLUSTER_WHY },
  { name: 'readonly', group: 'cluster', why: CLUSTER_WHY },
  { name: 'readwrite', group: 'cluster', why: CLUSTER_WHY },
  { name: 'cluster', group: 'cluster', why: CLUSTER_WHY },
  ...CLUSTER_SUBCOMMANDS.map((sub): NotServed => ({ name: `cluster|${sub}`, group: 'cluster', why: CLUSTER_WHY })),
  { name: 'bgrewriteaof', group: 'server', why: 'there is no AOF to rewrite: the WAL is trimmed by flushes; to be decided with the introspection gaps of issue #14' },
  { name: 'command|getkeysandflags', group: 'server', why: 'introspection gap of issue #14' },
  { name: 'latency|doctor', group: 'server', why: 'introspection gap of issue #14' },
  { name: 'latency|graph', group: 'server', why: 'introspection gap of issue #14' },
  { name: 'lolwut', group: 'server', why: 'introspection gap of issue #14' },
  { name: 'memory', group: 'server', why: 'introspection gap of issue #14' },
  ...['doctor', 'help', 'malloc-stats', 'purge', 'stats', 'usage'].map((sub): NotServed => ({ name: `memory|${sub}`, group: 'server', why: 'introspection gap of issue #14' })),
  { name: 'module', group: 'server', why: 'StrataKV cannot load Redis modules (C shared objects against Redis internals)' },
  ...['help', 'list', 'load', 'loadex', 'unload'].map((sub): NotServed => ({ name: `module|${sub}`, group: 'server', why: 'StrataKV cannot load Redis modules (C shared objects against Redis internals)' })),
  ...['failover', 'psync', 'replconf', 'replicaof', 'role', 'slaveof', 'sync', 'wait']
    .map((name): NotServed => ({ name, group: name === 'wait' ? 'generic' : 'server', why: REPLICATION_WHY })),
];
