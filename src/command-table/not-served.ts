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

export const NOT_SERVED: readonly NotServed[] = [
  ...['failover', 'psync', 'replconf', 'replicaof', 'role', 'slaveof', 'sync', 'wait']
    .map((name): NotServed => ({ name, group: name === 'wait' ? 'generic' : 'server', why: REPLICATION_WHY })),
];
