/**
 * Every command family the differential tester draws from. A new type adds its generator file
 * and one line here; commands are looked up by name for their comparison rules.
 */
import { exact, type ReplyRule } from '../compare.js';
import type { BlockSpec, CommandSpec, Family } from '../gen.js';
import { bitmaps } from './bitmaps.js';
import { hashes } from './hashes.js';
import { sets } from './sets.js';
import { sortedSets } from './sorted-sets.js';
import { lists } from './lists.js';
import { blocking } from './blocking.js';
import { sort } from './sort.js';
import { streams } from './streams.js';
import { streamGroups } from './stream-groups.js';
import { connection } from './connection.js';
import { databases } from './databases.js';
import { keys } from './keys.js';
import { strings } from './strings.js';
import { transactions } from './transactions.js';
import { pubsub } from './pubsub.js';
import { scripting } from './scripting.js';
import { functions } from './functions.js';
import { hyperloglog } from './hyperloglog.js';
import { geo } from './geo.js';
import { dump } from './dump.js';
import { acl } from './acl.js';
import { server } from './server.js';

export const FAMILIES: readonly Family[] = [strings, bitmaps, keys, databases, transactions, connection, hashes, sets, sortedSets, lists, blocking, sort, pubsub, streams, streamGroups, scripting, functions, hyperloglog, geo, dump, acl, server];

/**
 * The families sequences draw from: all of them, or those named in DIFF_FAMILIES (comma-separated,
 * e.g. `DIFF_FAMILIES=lists,keys,transactions npm run fuzz:diff`) to hammer one type with the
 * generic commands around it.
 */
const DRAWN: readonly Family[] = (() => {
  const only = process.env.DIFF_FAMILIES;
  if (only === undefined || only === '') return FAMILIES;
  const names = new Set(only.split(','));
  return FAMILIES.filter((f) => names.has(f.name));
})();

const BY_NAME = new Map<string, CommandSpec>(FAMILIES.flatMap((f) => f.commands.map((c) => [c.name, c] as const)));

/** The spec of a command as sent (any case), or undefined for a name no family generates. */
export function specOf(name: Buffer): CommandSpec | undefined {
  return BY_NAME.get(name.toString('latin1').toUpperCase());
}

/** How the reply to `args` (name first) is compared: the subcommand's rule, the command's, or exact. */
export function ruleOf(args: readonly Buffer[]): ReplyRule {
  const spec = specOf(args[0]);
  const subcommand = args[1]?.toString('latin1').toUpperCase();
  return (subcommand !== undefined ? spec?.subcommandRules?.[subcommand] : undefined) ?? spec?.rule ?? exact;
}

export const ALL_COMMANDS: readonly CommandSpec[] = DRAWN.flatMap((f) => f.commands);
/** The commands a sequence without a watching connection draws from (none that needs one). */
export const MAIN_COMMANDS: readonly CommandSpec[] = ALL_COMMANDS.filter((c) => c.onWatcher !== true);
export const ALL_BLOCKS: readonly BlockSpec[] = DRAWN.flatMap((f) => f.blocks ?? []);
