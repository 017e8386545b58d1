/**
 * The contract between the server (connections, dispatcher) and the command families.
 *
 * A family's metadata is a data table (src/command-table/<family>.ts); its code file exports the
 * handlers by name (`export const <family>Handlers: CommandHandlers`); src/commands/index.ts joins
 * the two. Handlers never touch sockets: they read `ctx.client` / `ctx.server` and write their
 * reply through `ctx.reply`. Arity errors, unknown commands and unknown subcommands are answered
 * centrally by the dispatcher before a handler runs.
 */
import type { ClientTracking, Tracking } from '../pubsub/tracking.js';
import type { Db } from '../engine/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { ServerConfig } from '../config/config.js';
import type { Logger } from '../util/logger.js';
import type { ReplyWriter } from '../protocol/reply.js';
import type { CommandEntry, CommandSource, CommandTable } from '../command-table/registry.js';
import type { ClientSubscriptions, PubSubHub, PushMessage, Subscriber } from '../pubsub/hub.js';
import type { BlockingRegistry } from '../blocking/registry.js';
import type { ScriptKind } from '../scripting/busy.js';
import type { Acl } from '../acl/acl.js';
import type { AclUser } from '../acl/users.js';

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

/** A family's handlers by full command name ('get', 'config|get'), attached to the table's entries by name. */
export type CommandHandlers = Readonly<Record<string, CommandHandler>>;

/**
 * A command with its handler: a table entry joined with its handler (src/commands/index.ts), or a
 * command defined in code (see CommandSource).
 */
export type CommandSpec = CommandSource<CommandHandler>;
/** A registered command: its data, what is derived from it, its handler and its statistics. */
export type Command = CommandEntry<CommandHandler>;
export type Commands = CommandTable<CommandHandler>;

/** A command accepted by MULTI and waiting for EXEC. */
export interface QueuedCommand {
  entry: Command;
  argv: Buffer[];
}

/** CLIENT REPLY state. */
export type ReplyMode = 'on' | 'off' | 'skip';

/** The per-connection state every command may read and change. */
export interface ClientState extends Subscriber {
  readonly id: number;
  /** CLIENT SETNAME; '' when unnamed. */
  name: string;
  /** Selected database index (SELECT changes it). */
  db: number;
  /** Protocol version; HELLO changes it (and the connection's ReplyWriter follows). */
  resp: 2 | 3;
  /** False only while the default user needs a password and the client has not authenticated yet. */
  authenticated: boolean;
  /**
   * The ACL user the client runs commands as (a connection starts as `default`); null for the
   * server's own clients (the scripting client, whose commands are checked against its caller's user).
   */
  user: AclUser | null;
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
  /** Pub/Sub channels, patterns and shard channels this client listens to. */
  readonly subscriptions: ClientSubscriptions;
  /** CLIENT TRACKING state (src/pubsub/tracking.ts); null while off. */
  tracking: ClientTracking | null;
  /**
   * Replication role of this client (CLIENT LIST flags S and M): 'replica' for a replica's link
   * on a primary, 'master' for the primary's stream applied on a replica; '' otherwise.
   */
  replicationRole?: '' | 'replica' | 'master';
  /** For the scripting client: the client whose script runs its commands (Redis' script_caller) and the keys the script declared. */
  readonly scriptCaller?: ScriptCaller | null;
  /** Takes a published message (see Subscriber); a client that cannot receive pushes drops it. */
  deliver(message: PushMessage, publisher: Subscriber | null): void;
}

/** Who a script's commands run for. */
export interface ScriptCaller {
  readonly client: ClientState;
  readonly keys: readonly Buffer[];
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
  /** Pub/Sub channels, patterns and their subscribers. */
  readonly pubsub: PubSubHub;
  /** CLIENT TRACKING: which clients may cache which keys, and their invalidations. */
  readonly tracking: Tracking;
  /** Clients blocked by BLPOP and the other blocking pops, per key waited on. */
  readonly blocking: BlockingRegistry;
  /** Server internals used by the connection/server/transaction families (not needed by data commands). */
  readonly control: ServerControl;
  /** ACL users, the command catalog their rules name, and the ACL log. */
  readonly acl: Acl;
}

export type ShutdownMode = 'default' | 'save' | 'nosave';

/** One SLOWLOG entry (argv already trimmed to Redis' limits and redacted). */
export interface SlowlogEntry {
  readonly id: number;
  /** Unix time, seconds. */
  readonly time: number;
  readonly durationUsec: number;
  readonly argv: readonly Buffer[];
  readonly addr: string;
  readonly name: string;
}

/** SAVE / BGSAVE checkpoints as the commands see them (src/server/checkpoints.ts). */
export interface CheckpointControl {
  readonly inProgress: boolean;
  /** Checkpoints started by this process (INFO rdb_saves). */
  readonly saves: number;
  readonly lastStatus: 'ok' | 'err';
  /** Whole seconds the last checkpoint took; -1 before the first. */
  readonly lastDurationSec: number;
  /** Absolute path of the newest complete checkpoint; '' when there is none. */
  readonly lastDir: string;
  /** Seconds the running checkpoint has taken so far, -1 when none runs. */
  currentSeconds(): number;
  /** Starts a checkpoint of the data as of now; throws while one runs; resolves once it is durable. */
  start(kind: 'save' | 'bgsave'): Promise<unknown>;
}

/**
 * What the server exposes to its own command families (connection, server, transactions) beyond
 * the ServerContext every family sees: the command table, EXEC's way to run queued commands,
 * shutdown, MONITOR, client pause, config side effects, the server's statistics. Data families do
 * not need it. Declared here, where it is used, so that commands/ never imports server/: the
 * server implements it.
 */
export interface ServerControl {
  readonly commands: Commands;
  readonly slowlog: {
    readonly length: number;
    get(count: number): readonly SlowlogEntry[];
    reset(): void;
  };
  /** Per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM). */
  readonly commandLatency: {
    commands(): Iterable<string>;
    percentiles(fullName: string, percentiles: readonly number[]): number[];
    /** Calls, and cumulative counts per bucket upper bound in microseconds. */
    cumulative(fullName: string): { readonly calls: number; readonly buckets: ReadonlyArray<readonly [number, number]> } | undefined;
  };
  /** LATENCY LATEST / HISTORY / RESET. */
  readonly latencyMonitor: {
    latest(): ReadonlyArray<{ readonly event: string; readonly time: number; readonly latency: number; readonly max: number }>;
    history(event: string): ReadonlyArray<{ readonly time: number; readonly latency: number }>;
    reset(events: readonly string[]): number;
  };
  /** INFO's instantaneous_* rates. */
  readonly instantaneous: { readonly opsPerSec: number; readonly inputKbps: number; readonly outputKbps: number };
  readonly checkpoints: CheckpointControl;
  /** Absolute path of the config file the server started with (CONFIG REWRITE), if any. */
  readonly configFile: string | undefined;
  /** 40 hex chars, new per process (INFO run_id). */
  readonly runId: string;
  /** Port actually listened on (differs from config when port 0 was asked). */
  readonly tcpPort: number;
  /** Errors replied per error code (INFO errorstats: 'ERR', 'WRONGTYPE', ...). */
  readonly errorStats: Map<string, number>;
  /**
   * Runs one command queued by MULTI, as the dispatcher would (stats, slowlog, errors), without
   * queueing or locking: EXEC has locked the transaction's keys. Same return contract as a handler,
   * except that a rejected promise has already been answered with an error reply.
   */
  runQueued(ctx: CommandContext, cmd: QueuedCommand): void | Promise<void>;
  /** Applies side effects of CONFIG SET for the named directives (loglevel, appendfsync, ...). */
  configChanged(names: readonly string[]): void;
  /** CONFIG RESETSTAT. */
  resetStats(): void;
  /** SHUTDOWN: stops accepting, closes the engine (flushing unless 'nosave' — the WAL keeps data either way), exits. */
  shutdown(mode: ShutdownMode): Promise<void>;
  /** MONITOR: the client receives every command the server runs from now on. */
  addMonitor(client: ClientState): void;
  /**
   * What runs past busy-reply-threshold, an EVAL script or a function (set by the scripting engine): the
   * dispatcher answers other clients' commands with -BUSY, except those flagged allow_busy
   * (SCRIPT KILL, SHUTDOWN NOSAVE, ...), which run without waiting for the script's locks.
   */
  scriptBusy: false | ScriptKind;
  /** CLIENT PAUSE: hold commands (all, or only writes) until the time (ms since epoch). */
  pauseClients(untilMs: number, writesOnly: boolean): void;
  unpauseClients(): void;
  /** Memory and CPU numbers for INFO. */
  usedMemory(): NodeJS.MemoryUsage;
  /** Replication (src/replication/): roles, links, offsets. */
  readonly replication: ReplicationControl;
}

/** What the replication commands (REPLICAOF, ROLE, WAIT, PSYNC, SYNC, REPLCONF) and INFO ask of src/replication/. */
export interface ReplicationControl {
  /** INFO replication, lines joined by CRLF. */
  info(): string;
  /** INFO stats' sync_full, sync_partial_ok, sync_partial_err. */
  readonly stats: { readonly syncFull: number; readonly syncPartialOk: number; readonly syncPartialErr: number };
  /** ROLE's reply. */
  role(reply: ReplyWriter): void;
  /** REPLICAOF host port: an error text, or null once the link is being set up. */
  replicaOf(host: string, port: number): string | null;
  /** REPLICAOF NO ONE. */
  promote(): void;
  /** True while this server replicates a primary. */
  readonly isReplica: boolean;
  /** PSYNC / SYNC from a replica on this connection (the reply and the stream go on it). */
  psync(ctx: CommandContext, replid: string, offset: string, legacySync: boolean): void;
  /** REPLCONF's handler. */
  replconf(ctx: CommandContext, argv: Buffer[]): void;
  /** WAIT numreplicas timeout (ms; 0 = forever, negative = answer now). */
  wait(ctx: CommandContext, numReplicas: number, timeoutMs: number): void | Promise<void>;
}
