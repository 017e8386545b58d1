/**
 * The shape of one entry of the command table, and the words it may use.
 *
 * The table is data, as Redis' src/commands/*.json: everything COMMAND INFO, COMMAND DOCS,
 * COMMAND LIST and the dispatcher need to know about a command, and nothing that runs. Handlers
 * are attached beside it by name (src/command-table/registry.ts, attachHandlers), so a family's table
 * file reads top to bottom as a list of commands and a family's handler file holds only code.
 *
 * What the registry derives instead of the table repeating it (as Redis derives it):
 * - ACL categories: write → @write, readonly → @read, admin → @admin @dangerous, fast → @fast,
 *   otherwise @slow; the group's category (string → @string, generic → @keyspace, ...) for every
 *   command that is not a container; `acl` adds the rest (e.g. KEYS' @dangerous).
 * - The legacy first/last/step triple of COMMAND INFO, from the key specs.
 * - The `movablekeys` flag, when a key spec is not an index + range.
 * - The key_spec_index of COMMAND DOCS key arguments, from their order in `args`.
 *
 * This file imports nothing: the table files depend on it alone.
 */

/** Command flags as COMMAND INFO prints them (Redis 7.0), in the order it prints them. */
export const COMMAND_FLAGS = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'no_mandatory_keys',
  'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
] as const;
export type CommandFlag = (typeof COMMAND_FLAGS)[number];

/** Key-spec flags as COMMAND INFO prints them, in the order it prints them. */
export const KEY_SPEC_FLAGS = [
  'RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags',
] as const;
export type KeySpecFlag = (typeof KEY_SPEC_FLAGS)[number];

/** ACL categories without the '@', in the order COMMAND INFO prints them (Redis' category table). */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
] as const;
export type AclCategory = (typeof ACL_CATEGORIES)[number];

/** COMMAND DOCS groups, each with the ACL category its commands get (none for server commands). */
export const GROUP_CATEGORIES = {
  generic: 'keyspace',
  string: 'string',
  bitmap: 'bitmap',
  list: 'list',
  set: 'set',
  'sorted-set': 'sortedset',
  hash: 'hash',
  hyperloglog: 'hyperloglog',
  geo: 'geo',
  stream: 'stream',
  // @pubsub comes from the pubsub flag, as in Redis: PUBSUB HELP is in the group without it.
  pubsub: null,
  connection: 'connection',
  transactions: 'transaction',
  scripting: 'scripting',
  server: null,
  cluster: null,
} as const satisfies Record<string, AclCategory | null>;
export type CommandGroup = keyof typeof GROUP_CATEGORIES;

/**
 * Where a key spec's search starts: at an argument index, or after a keyword looked for from
 * `startFrom` (negative: from the end, backwards), as in Redis' begin_search.
 */
export type BeginSearch = { readonly index: number } | { readonly keyword: string; readonly startFrom: number } | UnknownSearch;

/**
 * Redis' "unknown" begin_search / find_keys: keys the specs cannot locate (SORT's BY/GET patterns
 * name keys built from the data; its STORE keyword may be anywhere). keyIndexes() skips such a
 * spec; a command that needs them found anyway names a key finder (CommandDef.keyFinder).
 */
export interface UnknownSearch {
  readonly unknown: true;
}

/**
 * Which arguments from there are keys (Redis' find_keys): a range (`lastKey` relative to the
 * start, or negative from the end; every `step`th; `limit` > 1 keeps 1/limit of what remains), or
 * a count read at `keyNumIndex` with the keys from `firstKey` (both relative to the start).
 */
export type FindKeys =
  | { readonly lastKey: number; readonly step: number; readonly limit: number }
  | { readonly keyNumIndex: number; readonly firstKey: number; readonly step: number }
  | UnknownSearch;

/** One of Redis 7's key specs (COMMAND INFO's 9th field). */
export interface KeySpec {
  readonly notes?: string;
  /** One of RO/RW/OW/RM, then what is done to the key: access, update, insert, delete, ... */
  readonly flags: readonly KeySpecFlag[];
  readonly begin: BeginSearch;
  readonly find: FindKeys;
}

/** How MONITOR and SLOWLOG hide secrets in a command's arguments (src/server/redaction.ts). */
export type Redaction =
  /** every argument (AUTH) */
  | 'all-args'
  /** every argument after the subcommand (ACL SETUSER: the user name and its rules) */
  | 'after-subcommand'
  /** the two words after each AUTH (HELLO) */
  | 'after-auth'
  /** the values of sensitive parameters (CONFIG SET requirepass) */
  | 'sensitive-config'
  /** MIGRATE's AUTH password and AUTH2 username and password, among its options */
  | 'migrate-auth';

export interface CommandDef {
  /** Lower case; a subcommand as 'container|sub'. */
  readonly name: string;
  /** Redis' convention: counts the command (and subcommand) name; negative = at least that many. */
  readonly arity: number;
  /** COMMAND INFO flags, without `movablekeys` (derived from the key specs). */
  readonly flags: ReadonlyArray<Exclude<CommandFlag, 'movablekeys'>>;
  readonly group: CommandGroup;
  readonly summary: string;
  readonly since: string;
  readonly complexity?: string;
  /** Key specs in Redis' order; none for a command without keys. */
  readonly keySpecs?: readonly KeySpec[];
  /**
   * Redis' getkeys_proc, for commands whose key specs cannot find every key: the keys (for key
   * locks, MULTI and COMMAND GETKEYS) are then found by parsing the arguments as the command does.
   * 'sort': the key, then the last STORE destination (Redis' sortGetKeys).
   */
  readonly keyFinder?: 'sort';
  /** ACL categories beyond those derived from the flags and the group (see the top of this file). */
  readonly acl?: readonly AclCategory[];
  /** The group's category is not added: SORT is in the generic group, but Redis gives it the categories of the types it sorts, not @keyspace. */
  readonly withoutGroupCategory?: true;
  /** COMMAND INFO tips, as printed ('nondeterministic_output', 'request_policy:all_shards', ...). */
  readonly tips?: readonly string[];
  /**
   * The arguments for COMMAND DOCS as a usage line (syntax in src/command-table/docs.ts), e.g.
   * `key value [NX | XX]@condition^2.6.12 [GET]^6.2.0`. Absent: no arguments.
   */
  readonly args?: string;
  /** COMMAND DOCS history: [version, what changed]. */
  readonly history?: ReadonlyArray<readonly [string, string]>;
  /** COMMAND DOCS doc_flags. */
  readonly docFlags?: ReadonlyArray<'deprecated' | 'syscmd'>;
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  /** A container's subcommands (CONFIG GET, CLIENT LIST, ...), named 'container|sub'. */
  readonly subcommands?: readonly CommandDef[];

  // What the dispatcher and the redaction decide by command, as Redis does by comparing procs.
  /** Runs at once inside MULTI instead of being queued (Redis' list in processCommand: EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
  readonly runsInMulti?: true;
  /** Runs the queued transaction (EXEC): write-ness, key locks and errors are those of the queued commands. */
  readonly runsTransaction?: true;
  /** Changes more than its key arguments say (another database, every key): holds the whole keyspace while it waits. */
  readonly wholeKeyspace?: true;
  /** Refused, like writes, while the disk refuses writes (Redis refuses PING too: a health check must see the failure). */
  readonly deniedOnWriteFailure?: true;
  /**
   * Redis' MAY_REPLICATE, which 7.0's COMMAND INFO does not print: not a write, but held by
   * CLIENT PAUSE WRITE like one (PUBLISH, SPUBLISH).
   */
  readonly mayReplicate?: true;
  /**
   * Redis' PROTECTED flag: refused before anything else (even inside MULTI, where it is not
   * queued) unless the named parameter allows it: yes, or local for a loopback client.
   */
  readonly protectedBy?: 'enable-module-command';
  /** Runs while a RESP2 client is subscribed (Redis' list: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT, RESET). */
  readonly allowedWhileSubscribed?: true;
  /**
   * Runs a Lua script (EVAL, EVALSHA and their _RO forms): exclusive like a writing EXEC (nothing
   * else runs between the script's commands), and its own key arguments do not bound what it touches.
   */
  readonly runsScript?: true;
  /** Arguments MONITOR and SLOWLOG must not show. */
  readonly redact?: Redaction;
}
