/**
 * List commands (src/commands/lists.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts. LMPOP finds its keys by a count (keynum), which makes it movablekeys.
 */
import type { CommandDef, KeySpec } from './schema.js';

/** The one key at argument 1, with the key-spec flags given. */
function firstKey(flags: KeySpec['flags']): KeySpec[] {
  return [{ flags, begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }];
}

/** LMOVE and RPOPLPUSH: the source popped, the destination pushed. */
const MOVE_KEYS: KeySpec[] = [
  { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } },
  { flags: ['RW', 'insert'], begin: { index: 2 }, find: { lastKey: 0, step: 1, limit: 0 } },
];

const PUSH_COMPLEXITY = 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';

function pushCommand(name: string, summary: string, since: string, history: readonly [string, string]): CommandDef {
  return {
    name,
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    group: 'list',
    summary,
    since,
    complexity: PUSH_COMPLEXITY,
    history: [history],
    keySpecs: firstKey(['RW', 'insert']),
    args: 'key element...',
  };
}

function popCommand(name: string, summary: string): CommandDef {
  return {
    name,
    arity: -2,
    flags: ['write', 'fast'],
    group: 'list',
    summary,
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    keySpecs: firstKey(['RW', 'access', 'delete']),
    args: 'key [count:integer^6.2.0]',
  };
}

export const LIST_COMMANDS: readonly CommandDef[] = [
  pushCommand('lpush', 'Prepend one or multiple elements to a list', '1.0.0', ['2.4.0', 'Accepts multiple `element` arguments.']),
  pushCommand('rpush', 'Append one or multiple elements to a list', '1.0.0', ['2.4.0', 'Accepts multiple `element` arguments.']),
  pushCommand('lpushx', 'Prepend an element to a list, only if the list exists', '2.2.0', ['4.0.0', 'Accepts multiple `element` arguments.']),
  pushCommand('rpushx', 'Append an element to a list, only if the list exists', '2.2.0', ['4.0.0', 'Accepts multiple `element` arguments.']),
  popCommand('lpop', 'Remove and get the first elements in a list'),
  popCommand('rpop', 'Remove and get the last elements in a list'),
  {
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    group: 'list',
    summary: 'Get the length of a list',
    since: '1.0.0',
    complexity: 'O(1)',
    keySpecs: firstKey(['RO']),
    args: 'key',
  },
  {
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    group: 'list',
    summary: 'Get an element from a list by its index',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    keySpecs: firstKey(['RO', 'access']),
    args: 'key index:integer',
  },
  {
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    group: 'list',
    summary: 'Set the value of an element in a list by its index',
    since: '1.0.0',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    keySpecs: firstKey(['RW', 'update']),
    args: 'key index:integer element',
  },
  {
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    group: 'list',
    summary: 'Get a range of elements from a list',
    since: '1.0.0',
    complexity: 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    keySpecs: firstKey(['RO', 'access']),
    args: 'key start:integer stop:integer',
  },
  {
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    group: 'list',
    summary: 'Trim a list to the specified range',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    keySpecs: firstKey(['RW', 'delete']),
    args: 'key start:integer stop:integer',
  },
  {
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    group: 'list',
    summary: 'Remove elements from a list',
    since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    keySpecs: firstKey(['RW', 'delete']),
    args: 'key count:integer element',
  },
  {
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    group: 'list',
    summary: 'Insert an element before or after another element in a list',
    since: '2.2.0',
    complexity: 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    keySpecs: firstKey(['RW', 'insert']),
    args: 'key (BEFORE | AFTER)@where pivot element',
  },
  {
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    group: 'list',
    summary: 'Return the index of matching elements on a list',
    since: '6.0.6',
    complexity: 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    keySpecs: firstKey(['RO', 'access']),
    args: 'key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]',
  },
  {
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it',
    since: '6.2.0',
    complexity: 'O(1)',
    keySpecs: MOVE_KEYS,
    args: 'source:key destination:key (LEFT | RIGHT)@wherefrom (LEFT | RIGHT)@whereto',
  },
  {
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    group: 'list',
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    since: '1.2.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    keySpecs: MOVE_KEYS,
    args: 'source:key destination:key',
  },
  {
    name: 'lmpop',
    arity: -4,
    flags: ['write'],
    group: 'list',
    summary: 'Pop elements from a list',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { keyNumIndex: 0, firstKey: 1, step: 1 } }],
    args: 'numkeys:integer key... (LEFT | RIGHT)@where [COUNT count:integer]',
  },
];
