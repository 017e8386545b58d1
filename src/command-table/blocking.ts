/**
 * The blocking pops (src/commands/blocking.ts): BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP (group list)
 * and BZPOPMIN BZPOPMAX BZMPOP (group sorted-set).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts. BLPOP's keys run up to the argument before the timeout (lastKey -2); BLMPOP and
 * BZMPOP find theirs by a count after the timeout (keynum), which makes them movablekeys.
 */
import type { CommandDef, KeySpec } from './schema.js';

/** Keys from argument 1 to the one before the timeout. */
const KEYS_BEFORE_TIMEOUT: KeySpec[] = [{ flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { lastKey: -2, step: 1, limit: 0 } }];

/** numkeys at argument 2, the keys after it. */
const KEYNUM_AFTER_TIMEOUT: KeySpec[] = [{ flags: ['RW', 'access', 'delete'], begin: { index: 2 }, find: { keyNumIndex: 0, firstKey: 1, step: 1 } }];

const MOVE_KEYS: KeySpec[] = [
  { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } },
  { flags: ['RW', 'insert'], begin: { index: 2 }, find: { lastKey: 0, step: 1, limit: 0 } },
];

const TIMEOUT_DOUBLE: readonly [string, string] = ['6.0.0', '`timeout` is interpreted as a double instead of an integer.'];

export const BLOCKING_COMMANDS: readonly CommandDef[] = [
  {
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    group: 'list',
    summary: 'Remove and get the first element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [TIMEOUT_DOUBLE],
    keySpecs: KEYS_BEFORE_TIMEOUT,
    args: 'key... timeout:double',
  },
  {
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    group: 'list',
    summary: 'Remove and get the last element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [TIMEOUT_DOUBLE],
    keySpecs: KEYS_BEFORE_TIMEOUT,
    args: 'key... timeout:double',
  },
  {
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '6.2.0',
    complexity: 'O(1)',
    keySpecs: MOVE_KEYS,
    args: 'source:key destination:key (LEFT | RIGHT)@wherefrom (LEFT | RIGHT)@whereto timeout:double',
  },
  {
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '2.2.0',
    complexity: 'O(1)',
    history: [TIMEOUT_DOUBLE],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    keySpecs: MOVE_KEYS,
    args: 'source:key destination:key timeout:double',
  },
  {
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    group: 'list',
    summary: 'Pop elements from a list, or block until one is available',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    keySpecs: KEYNUM_AFTER_TIMEOUT,
    args: 'timeout:double numkeys:integer key... (LEFT | RIGHT)@where [COUNT count:integer]',
  },
  {
    name: 'bzpopmin',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    group: 'sorted-set',
    summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [TIMEOUT_DOUBLE],
    keySpecs: KEYS_BEFORE_TIMEOUT,
    args: 'key... timeout:double',
  },
  {
    name: 'bzpopmax',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    group: 'sorted-set',
    summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [TIMEOUT_DOUBLE],
    keySpecs: KEYS_BEFORE_TIMEOUT,
    args: 'key... timeout:double',
  },
  {
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    group: 'sorted-set',
    summary: 'Remove and return members with scores in a sorted set or block until one is available',
    since: '7.0.0',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    keySpecs: KEYNUM_AFTER_TIMEOUT,
    args: 'timeout:double numkeys:integer key... (MIN | MAX)@where [COUNT count:integer]',
  },
];
