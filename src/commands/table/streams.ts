/**
 * Stream commands (src/commands/streams.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts. XREAD finds its keys after the STREAMS keyword (half of what follows it), which
 * makes it movablekeys.
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
];
