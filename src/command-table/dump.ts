/**
 * DUMP, RESTORE, RESTORE-ASKING and MIGRATE (src/commands/dump.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts.
 */
import type { CommandDef } from './schema.js';

const RESTORE_COMPLEXITY =
  'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).';
const RESTORE_HISTORY: ReadonlyArray<readonly [string, string]> = [
  ['3.0.0', 'Added the `REPLACE` modifier.'],
  ['5.0.0', 'Added the `ABSTTL` modifier.'],
  ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.'],
];
const RESTORE_ARGS = 'key ttl:integer serialized-value:string [REPLACE^3.0.0] [ABSTTL^5.0.0] [IDLETIME seconds:integer^5.0.0] [FREQ frequency:integer^5.0.0]';

export const DUMP_COMMANDS: readonly CommandDef[] = [
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    group: 'generic',
    summary: 'Return a serialized version of the value stored at the specified key.',
    since: '2.6.0',
    complexity: 'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    tips: ['nondeterministic_output'],
    keySpecs: [{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key',
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    group: 'generic',
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    since: '2.6.0',
    complexity: RESTORE_COMPLEXITY,
    history: RESTORE_HISTORY,
    acl: ['dangerous'],
    keySpecs: [{ flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: RESTORE_ARGS,
  },
  {
    name: 'restore-asking',
    arity: -4,
    flags: ['write', 'denyoom', 'asking'],
    group: 'server',
    summary: 'An internal command for migrating keys in a cluster',
    since: '3.0.0',
    complexity: RESTORE_COMPLEXITY,
    docFlags: ['syscmd'],
    history: RESTORE_HISTORY,
    acl: ['keyspace', 'dangerous'],
    keySpecs: [{ flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: RESTORE_ARGS,
  },
  {
    name: 'migrate',
    arity: -6,
    flags: ['write'],
    group: 'generic',
    summary: 'Atomically transfer a key from a Redis instance to another one.',
    since: '2.6.0',
    complexity: 'This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.',
    history: [
      ['3.0.0', 'Added the `COPY` and `REPLACE` options.'],
      ['3.0.6', 'Added the `KEYS` option.'],
      ['4.0.7', 'Added the `AUTH` option.'],
      ['6.0.0', 'Added the `AUTH2` option.'],
    ],
    acl: ['dangerous'],
    tips: ['nondeterministic_output'],
    redact: 'migrate-auth',
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 3 }, find: { lastKey: 0, step: 1, limit: 0 } },
      { flags: ['RW', 'access', 'delete', 'incomplete'], begin: { keyword: 'KEYS', startFrom: -2 }, find: { lastKey: -1, step: 1, limit: 0 } },
    ],
    args: "host port:integer (key | ''@empty_string)@key_or_empty_string destination-db:integer timeout:integer [COPY]^3.0.0 [REPLACE]^3.0.0 [[AUTH password]^4.0.7 | [AUTH2 (username password)@username_password]^6.0.0]@authentication [KEYS key ...]^3.0.6",
  },
];
