/**
 * The contract between the server (connections, dispatcher) and the command families.
 *
 * A family file exports `export const <family>Commands: CommandSpec[]`; src/commands/index.ts
 * gathers them into the registry. Handlers never touch sockets: they read `ctx.client` /
 * `ctx.server` and write their reply through `ctx.reply`. Arity errors, unknown commands and
 * unknown subcommands are answered centrally by the dispatcher before a handler runs.
 */
import type { Db } from '../engine/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { ServerConfig } from '../config/config.js';
import type { Logger } from '../util/logger.js';
import type { ReplyWriter } from '../protocol/reply.js';
import type { ServerControl } from '../server/control.js';

export interface CommandContext {
  client: ClientState;
  server: ServerContext;
  reply: ReplyWriter;
}

/**
 * A handler's return value tells the dispatcher how to order things:
 * - `void`: the command ran to completion synchronously and wrote its reply.
 * - a Promise, reply ALREADY COMPLETELY written when it returns: a durability promise (the
 *   `db.write(...)` of the command). The connection keeps executing its next commands, but no reply
 *   written after this point leaves the server before the promise settles (and, like Redis with
 *   appendfsync always, no reply of any connection goes out before the writes it could have observed
 *   are durable). If it rejects, the server logs the I/O failure and closes the connection.
 * - a Promise, reply not (or only partly) written when it returns (e.g. a read that missed the block cache): the
 *   connection waits for it before running its next command, and the command's keys are locked
 *   (other connections touching them wait) until it settles, so read-modify-write stays atomic.
 *   A rejection is answered with `-ERR <message>` for that command.
 *
 * `argv[0]` is the command name as sent. The argv Buffers may be views into the connection's read
 * buffer: copy them (e.g. `Buffer.from(argv[2])`) before retaining them beyond the command, such
 * as storing a value in the memtable, or the whole read chunk stays alive with them.
 */
export type CommandHandler = (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>;

export interface CommandSpec {
  /** Lower case, e.g. 'get'; subcommands as 'config|get'. */
  name: string;
  /** Redis convention: counts the command name (and the subcommand name); negative = at least. */
  arity: number;
  /** Redis 7 COMMAND INFO flags: 'write', 'readonly', 'denyoom', 'admin', 'fast', 'noscript', 'loading', 'stale', 'no-auth', 'allow-busy', 'no-multi', 'blocking', ... */
  flags: string[];
  /** Key positions as COMMAND INFO reports them: 0 = no keys; lastKey -1 = the last argument. */
  firstKey: number;
  lastKey: number;
  step: number;
  /** For COMMAND DOCS. group: 'string', 'generic', 'connection', 'server', 'transactions', 'bitmap', ... */
  group: string;
  summary: string;
  since: string;
  complexity?: string;
  /** ACL categories without '@' (e.g. ['string', 'fast']); derived from flags and group when absent. */
  aclCategories?: string[];
  /**
   * Key argument indexes for commands whose keys the first/last/step triple cannot describe
   * (e.g. depend on an option). Used by COMMAND GETKEYS and by the key locks; wins when present.
   */
  keys?: (argv: Buffer[]) => number[];
  /** Container commands (CONFIG, CLIENT, OBJECT...). The parent's handler is not called for them. */
  subcommands?: CommandSpec[];
  handler: CommandHandler;
}

/** A command accepted by MULTI and waiting for EXEC. */
export interface QueuedCommand {
  spec: CommandSpec;
  argv: Buffer[];
}

/** CLIENT REPLY state. */
export type ReplyMode = 'on' | 'off' | 'skip';

/** The per-connection state every command may read and change. */
export interface ClientState {
  readonly id: number;
  /** CLIENT SETNAME; '' when unnamed. */
  name: string;
  /** Selected database index (SELECT changes it). */
  db: number;
  /** Protocol version; HELLO changes it (and the connection's ReplyWriter follows). */
  resp: 2 | 3;
  /** False only while requirepass is set and the client has not authenticated yet. */
  authenticated: boolean;
  /** Authenticated user name ('default'). */
  user: string;
  /** Commands queued since MULTI, or null outside a transaction. */
  multi: QueuedCommand[] | null;
  /** A command failed while queueing: EXEC answers -EXECABORT. */
  multiFailed: boolean;
  /**
   * Set by the keyspace when a key this client WATCHes is modified (or flushed, swapped...):
   * EXEC then replies with a null array. Cleared by EXEC, DISCARD, UNWATCH, RESET.
   */
  watchDirty: boolean;
  /** How many keys this client watches; maintained by keyspace.watch / keyspace.unwatchAll. */
  watchedKeys: number;
  replyMode: ReplyMode;
  /** CLIENT NO-EVICT / NO-TOUCH. */
  noEvict: boolean;
  noTouch: boolean;
  /** CLIENT SETINFO LIB-NAME / LIB-VER. */
  libName: string;
  libVer: string;
  /** Peer and local address as 'ip:port'. */
  readonly addr: string;
  readonly laddr: string;
  /** Connection time and time of the last command, ms since the epoch. */
  readonly createdAt: number;
  lastInteraction: number;
  /** Lower-case full name of the last command ('client|list'). */
  lastCommand: string;
  /** Ask the connection to close once the replies written so far are sent (QUIT, CLIENT KILL). */
  closeAfterReply(): void;
}

/** Server-wide counters for INFO stats; families may bump the keyspace ones. */
export interface ServerStats {
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  rejectedConnections: number;
  netInputBytes: number;
  netOutputBytes: number;
  totalErrorReplies: number;
  /** Always 0: there is no eviction (kept for INFO's evicted_keys). Hits, misses and expired keys are the keyspace's stats. */
  evictedKeys: number;
}

/** The connected clients, as CLIENT LIST / KILL / INFO see them. */
export interface ClientDirectory {
  readonly size: number;
  get(id: number): ClientState | undefined;
  all(): Iterable<ClientState>;
}

/** What every command can reach besides its own client. */
export interface ServerContext {
  /** Live configuration; CONFIG SET changes it in place. */
  readonly config: ServerConfig;
  /** The storage engine. */
  readonly db: Db;
  /** Redis semantics over the engine (types, TTLs, key counts, WATCH hooks). */
  readonly keyspace: Keyspace;
  readonly stats: ServerStats;
  readonly clients: ClientDirectory;
  readonly logger: Logger;
  /** Server start, ms since the epoch. */
  readonly startTime: number;
  /** Unix time (seconds) of the last successful SAVE/BGSAVE (LASTSAVE). */
  lastSave: number;
  /** Server internals used by the connection/server/transaction families (not needed by data commands). */
  readonly control: ServerControl;
}
