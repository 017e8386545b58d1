/**
 * Stream commands (src/commands/streams.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts. XREAD and XREADGROUP find their keys after the STREAMS keyword (half of what
 * follows it), which makes them movablekeys. The consumer group commands' handlers are in
 * src/commands/stream-groups.ts.
 */
import type { CommandDef, KeySpec } from './schema.js';

/** The one key at argument `index`, with the key-spec flags given. */
function keyAt(index: number, flags: KeySpec['flags'], notes?: string): KeySpec[] {
  const spec: KeySpec = { flags, begin: { index }, find: { lastKey: 0, step: 1, limit: 0 } };
  return [notes === undefined ? spec : { notes, ...spec }];
}

const TRIM_ARGS = "(MAXLEN | MINID^6.2.0)@strategy ['='@equal | '~'@approximately]@operator threshold [LIMIT count:integer^6.2.0]";

/** XRANGE and XREVRANGE: the same but for the order of their bounds (and a word of Redis' complexity text). */
function rangeCommand(name: string, summary: string, returned: string, bounds: string): CommandDef {
  return {
    name,
    arity: -4,
    flags: ['readonly'],
    group: 'stream',
    summary,
    since: '5.0.0',
    complexity: `O(N) with N being the number of elements ${returned}. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).`,
    history: [['6.2.0', 'Added exclusive ranges.']],
    keySpecs: keyAt(1, ['RO', 'access']),
    args: `${bounds} [COUNT count:integer]`,
  };
}

/** An XGROUP subcommand on the key at argument 2. */
function xgroupSub(name: string, arity: number, flags: CommandDef['flags'], keyFlags: KeySpec['flags'], summary: string, since: string, complexity: string, args: string, history?: CommandDef['history']): CommandDef {
  return { name, arity, flags, group: 'stream', summary, since, complexity, ...(history === undefined ? {} : { history }), keySpecs: keyAt(2, keyFlags), args };
}

export const STREAM_COMMANDS: readonly CommandDef[] = [
  {
    name: 'xadd',
    arity: -5,
    flags: ['write', 'denyoom', 'fast'],
    group: 'stream',
    summary: 'Appends a new entry to a stream',
    since: '5.0.0',
    complexity: 'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.',
    history: [
      ['6.2.0', 'Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.'],
      ['7.0.0', 'Added support for the `<ms>-*` explicit ID form.'],
    ],
    tips: ['nondeterministic_output'],
    keySpecs: keyAt(1, ['RW', 'update'], 'UPDATE instead of INSERT because of the optional trimming feature'),
    args: `key [NOMKSTREAM^6.2.0] [${TRIM_ARGS}]@trim ('*'@auto_id | id)@id_or_auto (field value)@field_value...`,
  },
  {
    name: 'xlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    group: 'stream',
    summary: 'Return the number of entries in a stream',
    since: '5.0.0',
    complexity: 'O(1)',
    keySpecs: keyAt(1, ['RO']),
    args: 'key',
  },
  rangeCommand('xrange', 'Return a range of elements in a stream, with IDs matching the specified IDs interval', 'being returned', 'key start end'),
  rangeCommand('xrevrange', 'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE', 'returned', 'key end start'),
  {
    name: 'xdel',
    arity: -3,
    flags: ['write', 'fast'],
    group: 'stream',
    summary: 'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
    since: '5.0.0',
    complexity: 'O(1) for each single item to delete in the stream, regardless of the stream size.',
    keySpecs: keyAt(1, ['RW', 'delete']),
    args: 'key id...',
  },
  {
    name: 'xtrim',
    arity: -4,
    flags: ['write'],
    group: 'stream',
    summary: "Trims the stream to (approximately if '~' is passed) a certain size",
    since: '5.0.0',
    complexity: 'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.',
    history: [['6.2.0', 'Added the `MINID` trimming strategy and the `LIMIT` option.']],
    tips: ['nondeterministic_output'],
    keySpecs: keyAt(1, ['RW', 'delete']),
    args: `key (${TRIM_ARGS})@trim`,
  },
  {
    name: 'xread',
    arity: -4,
    flags: ['readonly', 'blocking'],
    group: 'stream',
    summary: 'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.',
    since: '5.0.0',
    complexity: 'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.',
    keySpecs: [{ flags: ['RO', 'access'], begin: { keyword: 'STREAMS', startFrom: 1 }, find: { lastKey: -1, step: 1, limit: 2 } }],
    args: '[COUNT count:integer] [BLOCK milliseconds:integer] STREAMS (key... id...)@streams',
  },
  {
    name: 'xsetid',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    group: 'stream',
    summary: 'An internal command for replicating stream values',
    since: '5.0.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added the `entries_added` and `max_deleted_entry_id` arguments.']],
    keySpecs: keyAt(1, ['RW', 'update']),
    args: 'key last-id [ENTRIESADDED entries_added:integer^7.0.0] [MAXDELETEDID max_deleted_entry_id^7.0.0]',
  },
  {
    name: 'xinfo',
    arity: -2,
    flags: [],
    group: 'stream',
    summary: 'A container for stream introspection commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'xinfo|consumers',
        arity: 4,
        flags: ['readonly'],
        group: 'stream',
        summary: 'List the consumers in a consumer group',
        since: '5.0.0',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        keySpecs: keyAt(2, ['RO', 'access']),
        args: 'key groupname',
      },
      {
        name: 'xinfo|groups',
        arity: 3,
        flags: ['readonly'],
        group: 'stream',
        summary: 'List the consumer groups of a stream',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [['7.0.0', 'Added the `entries-read` and `lag` fields']],
        keySpecs: keyAt(2, ['RO', 'access']),
        args: 'key',
      },
      {
        name: 'xinfo|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'stream',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
      },
      {
        name: 'xinfo|stream',
        arity: -3,
        flags: ['readonly'],
        group: 'stream',
        summary: 'Get information about a stream',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [
          ['6.0.0', 'Added the `FULL` modifier.'],
          ['7.0.0', 'Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields'],
        ],
        keySpecs: keyAt(2, ['RO', 'access']),
        args: 'key [FULL ([COUNT count:integer])]@full',
      },
    ],
  },
  {
    name: 'xgroup',
    arity: -2,
    flags: [],
    group: 'stream',
    summary: 'A container for consumer groups commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      xgroupSub('xgroup|create', -5, ['write', 'denyoom'], ['RW', 'insert'], 'Create a consumer group.', '5.0.0', 'O(1)', "key groupname (id | '$'@new_id)@id [MKSTREAM] [ENTRIESREAD entries_read:integer]", [['7.0.0', 'Added the `entries_read` named argument.']]),
      xgroupSub('xgroup|createconsumer', 5, ['write', 'denyoom'], ['RW', 'insert'], 'Create a consumer in a consumer group.', '6.2.0', 'O(1)', 'key groupname consumername'),
      xgroupSub('xgroup|delconsumer', 5, ['write'], ['RW', 'delete'], 'Delete a consumer from a consumer group.', '5.0.0', 'O(1)', 'key groupname consumername'),
      xgroupSub('xgroup|destroy', 4, ['write'], ['RW', 'delete'], 'Destroy a consumer group.', '5.0.0', "O(N) where N is the number of entries in the group's pending entries list (PEL).", 'key groupname'),
      {
        name: 'xgroup|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'stream',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
      },
      xgroupSub('xgroup|setid', -5, ['write'], ['RW', 'update'], 'Set a consumer group to an arbitrary last delivered ID value.', '5.0.0', 'O(1)', "key groupname (id | '$'@new_id)@id [ENTRIESREAD entries_read:integer]", [['7.0.0', 'Added the optional `entries_read` argument.']]),
    ],
  },
  {
    name: 'xreadgroup',
    arity: -7,
    flags: ['write', 'blocking'],
    group: 'stream',
    summary: 'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
    since: '5.0.0',
    complexity: 'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.',
    keySpecs: [{ flags: ['RO', 'access'], begin: { keyword: 'STREAMS', startFrom: 4 }, find: { lastKey: -1, step: 1, limit: 2 } }],
    args: 'GROUP (group consumer)@group_consumer [COUNT count:integer] [BLOCK milliseconds:integer] [NOACK] STREAMS (key... id...)@streams',
  },
  {
    name: 'xack',
    arity: -4,
    flags: ['write', 'fast'],
    group: 'stream',
    summary: 'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
    since: '5.0.0',
    complexity: 'O(1) for each message ID processed.',
    keySpecs: keyAt(1, ['RW', 'update']),
    args: 'key group id...',
  },
  {
    name: 'xpending',
    arity: -3,
    flags: ['readonly'],
    group: 'stream',
    summary: 'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
    since: '5.0.0',
    complexity: 'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.',
    history: [['6.2.0', 'Added the `IDLE` option and exclusive range intervals.']],
    tips: ['nondeterministic_output'],
    keySpecs: keyAt(1, ['RO', 'access']),
    args: 'key group [[IDLE min-idle-time:integer^6.2.0] start end count:integer [consumer]]@filters',
  },
  {
    name: 'xclaim',
    arity: -6,
    flags: ['write', 'fast'],
    group: 'stream',
    summary: 'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
    since: '5.0.0',
    complexity: 'O(log N) with N being the number of messages in the PEL of the consumer group.',
    tips: ['nondeterministic_output'],
    keySpecs: keyAt(1, ['RW', 'update']),
    args: 'key group consumer min-idle-time id... [IDLE ms:integer] [TIME unix-time-milliseconds:unix-time] [RETRYCOUNT count:integer] [FORCE] [JUSTID] [LASTID id]',
  },
  {
    name: 'xautoclaim',
    arity: -6,
    flags: ['write', 'fast'],
    group: 'stream',
    summary: 'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
    since: '6.2.0',
    complexity: 'O(1) if COUNT is small.',
    history: [['7.0.0', 'Added an element to the reply array, containing deleted entries the command cleared from the PEL']],
    tips: ['nondeterministic_output'],
    keySpecs: keyAt(1, ['RW', 'delete']),
    args: 'key group consumer min-idle-time start [COUNT count:integer] [JUSTID]',
  },
];
