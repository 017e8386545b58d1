/**
 * SORT and SORT_RO (src/commands/sort.ts), in Redis' generic group.
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts. The keys named by BY and GET patterns come from the sorted data, and STORE may be
 * anywhere among the options, so Redis marks those key specs "unknown" (which makes both commands
 * movablekeys); SORT's keys are then found as Redis' sortGetKeys does (keyFinder).
 */
import type { CommandDef, KeySpec } from './schema.js';

const SOURCE: KeySpec = { flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } };

const PATTERN_KEYS: KeySpec = {
  notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ['RO', 'access'],
  begin: { unknown: true },
  find: { unknown: true },
};

const STORE_KEY: KeySpec = {
  notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ['OW', 'update'],
  begin: { unknown: true },
  find: { unknown: true },
};

const COMPLEXITY = 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

const OPTIONS = 'key [BY pattern:pattern#1] [LIMIT (offset:integer count:integer)@offset_count] [GET pattern:pattern#1!multiple_token ...] [ASC | DESC]@order [ALPHA]@sorting';

export const SORT_COMMANDS: readonly CommandDef[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set',
    since: '1.0.0',
    complexity: COMPLEXITY,
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    withoutGroupCategory: true,
    keySpecs: [SOURCE, PATTERN_KEYS, STORE_KEY],
    keyFinder: 'sort',
    args: `${OPTIONS} [STORE destination:key#2]`,
    // BY/GET read keys the arguments do not name: held whole, SORT is atomic as in Redis.
    wholeKeyspace: true,
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    since: '7.0.0',
    complexity: COMPLEXITY,
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    withoutGroupCategory: true,
    keySpecs: [SOURCE, PATTERN_KEYS],
    args: OPTIONS,
    wholeKeyspace: true,
  },
];
