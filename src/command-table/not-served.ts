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

export const NOT_SERVED: readonly NotServed[] = [
  { name: 'failover', group: 'server', why: 'coordinated failover is a later step of issue #16 (Sentinel-driven failover uses REPLICAOF)' },
];
