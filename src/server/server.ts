/**
 * The server: listeners on every `bind` address, admission (maxclients, protected-mode), the client
 * registry, the once-per-tick housekeeping (idle timeout, client pause), MONITOR fan-out and
 * shutdown. It is also the ServerContext every command sees and the ServerControl the server-side
 * families use.
 */
import { Acl } from '../acl/acl.js';
import { loadAclFile, loadConfigUsers } from '../acl/acl-file.js';
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import type {
  ClientDirectory, ClientState, CommandContext, CommandHandler, CommandSpec, Commands, QueuedCommand, ServerContext, ServerControl, ServerStats, ShutdownMode,
} from '../commands/types.js';
import { CommandTable } from '../command-table/registry.js';
import { ConfigError, type CommandRename, type ServerConfig } from '../config/config.js';
import type { Db } from '../engine/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { Tracking } from '../pubsub/tracking.js';
import { PubSubHub } from '../pubsub/hub.js';
import { BlockingRegistry } from '../blocking/registry.js';
import type { ParserLimits } from '../protocol/request-parser.js';
import type { Logger, LogLevel } from '../util/logger.js';
import { CommandLatency } from './command-latency.js';
import { Connection, type ConnectionOwner } from './connection.js';
import { Checkpoints } from './checkpoints.js';
import { Dispatcher, type DispatchEnvironment } from './dispatcher.js';
import { DurabilityBarrier } from './durability.js';
import { InstantaneousMetrics } from './instantaneous-metrics.js';
import { LatencyMonitor } from './latency-monitor.js';
import { SlowLog } from './slowlog.js';
import { acceptTlsClient, tlsServerOptions } from './tls.js';
import type { ScriptKind } from '../scripting/busy.js';
import { HashFieldReclaimer } from '../types/hash-field-expiry.js';
import { Replication, type ReplicationHost } from '../replication/replication.js';
import { MasterClient } from '../replication/master-client.js';
import type { CommandRunner } from '../replication/core.js';

const PROTECTED_MODE_DENIED =
  '-DENIED StrataKV is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
  'In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to StrataKV you may adopt one of the following solutions: ' +
  "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to StrataKV from the same host the server is running, however MAKE SURE StrataKV is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
  "2) Alternatively you can just disable the protected mode by editing the StrataKV configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
  "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
  '4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n';

export interface ServerOptions {
  config: ServerConfig;
  db: Db;
  keyspace: Keyspace;
  logger: Logger;
  commands: readonly CommandSpec[];
  configFile?: string;
  /** The launcher makes it before opening the engine, so engine events (fsync, flush...) reach it too. */
  latencyMonitor?: LatencyMonitor;
  /** Called by SHUTDOWN after the listeners and clients are closed; the launcher closes the engine and exits. */
  onShutdown: (mode: ShutdownMode) => Promise<void>;
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.') || address === 'localhost';
}

class ClientRegistry implements ClientDirectory {
  readonly byId = new Map<number, Connection>();

  get size(): number {
    return this.byId.size;
  }

  get(id: number): ClientState | undefined {
    return this.byId.get(id);
  }

  all(): Iterable<ClientState> {
    return this.byId.values();
  }
}

export class Server implements ServerContext, ServerControl, ConnectionOwner, DispatchEnvironment, ReplicationHost {
  readonly config: ServerConfig;
  readonly db: Db;
  readonly keyspace: Keyspace;
  readonly logger: Logger;
  readonly startTime = Date.now();
  lastSave = Math.floor(Date.now() / 1000);
  readonly stats: ServerStats = {
    totalConnectionsReceived: 0, totalCommandsProcessed: 0, rejectedConnections: 0, netInputBytes: 0, netOutputBytes: 0,
    totalErrorReplies: 0, evictedKeys: 0,
  };
  readonly commands: Commands = new CommandTable<CommandHandler>();
  readonly slowlog = new SlowLog();
  readonly errorStats = new Map<string, number>();
  readonly commandLatency = new CommandLatency();
  /** instantaneous_ops_per_sec and the kbps rates of INFO stats, sampled every 100 ms while listening. */
  readonly instantaneous = new InstantaneousMetrics(this.stats);
  readonly latencyMonitor: LatencyMonitor;
  /** SAVE / BGSAVE checkpoints (the launcher waits for one in progress at shutdown). */
  readonly checkpoints: Checkpoints;
  readonly runId = randomBytes(20).toString('hex');
  readonly configFile: string | undefined;
  readonly barrier = new DurabilityBarrier();
  readonly dispatcher: Dispatcher;
  /** Roles, links, the stream and its backlog (src/replication/). */
  readonly replication: Replication;
  readonly clients = new ClientRegistry();
  readonly pubsub = new PubSubHub();
  readonly acl: Acl;
  /** The client running a command is the one keyspace notifications go out for; a script's commands run for its caller. */
  readonly tracking = new Tracking(
    (id) => this.clients.get(id),
    () => {
      const running = this.keyspace.events.publisher as ClientState | null;
      return running?.scriptCaller?.client ?? running;
    },
  );
  readonly blocking: BlockingRegistry;
  /** Shared by every connection's parser; CONFIG SET proto-max-bulk-len updates it. */
  readonly parserLimits: ParserLimits;
  tcpPort = 0;
  /** The TLS port listened on, 0 without TLS. */
  tlsPort = 0;
  /** Updated every housekeeping tick; connections read it instead of calling Date.now() per read. */
  coarseNow = Date.now();

  private readonly listeners: net.Server[] = [];
  private readonly monitors = new Set<Connection>();
  private nextClientId = 1;
  private pausedUntil = 0;
  private busyScript: false | ScriptKind = false;
  private pauseWritesOnly = false;
  private pauseWaiters: Array<() => void> = [];
  private pauseTimer: NodeJS.Timeout | null = null;
  private cronTimer: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private readonly onShutdown: (mode: ShutdownMode) => Promise<void>;

  constructor(options: ServerOptions) {
    this.config = options.config;
    this.db = options.db;
    this.keyspace = options.keyspace;
    this.blocking = new BlockingRegistry(options.keyspace);
    options.keyspace.events.attach(this.pubsub);
    options.keyspace.events.flags = this.config.notifyKeyspaceEvents;
    options.keyspace.tracking = this.tracking;
    // Expired hash fields are reclaimed before any command sees their hash (and by the active cycle).
    options.keyspace.fieldExpiry = new HashFieldReclaimer(options.keyspace);
    this.tracking.maxKeys = this.config.trackingTableMaxKeys;
    this.logger = options.logger;
    this.configFile = options.configFile;
    this.onShutdown = options.onShutdown;
    this.latencyMonitor = options.latencyMonitor ?? new LatencyMonitor(() => this.config.latencyMonitorThreshold);
    this.parserLimits = { maxBulkLength: this.config.protoMaxBulkLen };
    this.checkpoints = new Checkpoints(this);
    for (const spec of options.commands) this.commands.add(spec);
    applyCommandRenames(this.commands, this.config.renamedCommands);
    this.acl = new Acl(this.commands);
    this.acl.pubsubDefaultAll = this.config.aclPubsubDefault === 'allchannels';
    this.acl.setDefaultPassword(this.config.requirepass);
    this.loadUsers();
    this.dispatcher = new Dispatcher(this, this.commands, this.barrier, this);
    this.replication = new Replication(this);
    options.keyspace.expiryListener = (db, key) => this.replication.keyExpired(db, Buffer.from(key, 'latin1'));
    options.keyspace.fieldExpiryListener = (db, key, fields) => this.replication.fieldsExpired(db, Buffer.from(key, 'latin1'), fields.map((f) => Buffer.from(f, 'latin1')));
    this.barrier.failureHandler = (err) => this.logger.warning(`Write to the write-ahead log failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** The `user` lines, then the ACL file (main.ts has checked both on a scratch copy: a failure here is a race with the file). */
  private loadUsers(): void {
    const problem = loadConfigUsers(this.acl, this.config.userLines);
    if (problem !== null) throw new Error(problem);
    if (this.config.aclfile !== '') {
      const loaded = loadAclFile(this.acl, this.config.aclfile);
      if ('error' in loaded) throw new Error(`Aborting Redis startup because of ACL errors: ${loaded.error}`);
    }
  }

  get context(): ServerContext {
    return this;
  }

  get control(): ServerControl {
    return this;
  }

  get monitorCount(): number {
    return this.monitors.size;
  }

  /** True once SHUTDOWN has begun: the admin port's /readyz turns 503. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** A fresh client id for a client that is not a connection (the admin port's REST gateway). */
  allocateClientId(): number {
    return this.nextClientId++;
  }

  // ------------------------------------------------------------------ listening

  /**
   * Listens on every bind address (a leading '-' marks one that may be unavailable): plain TCP on
   * `port`, TLS on `tls-port` when set. As in Redis, `port 0` with TLS on means TLS only; without
   * TLS it picks a free port (what tests and embedders use).
   */
  async listen(): Promise<void> {
    const tlsOptions = this.config.tlsPort > 0 ? tlsServerOptions(this.config) : null;
    const plain = tlsOptions === null || this.config.port !== 0;
    let port = this.config.port;
    let tlsPort = this.config.tlsPort;
    for (const raw of this.config.bind) {
      const optional = raw.startsWith('-');
      const host = optional ? raw.slice(1) : raw;
      if (plain) {
        const bound = await this.listenOn(net.createServer({ noDelay: true }, (socket) => this.accept(socket)), host, port, optional);
        if (bound === null) continue;
        port = bound;
      }
      if (tlsOptions !== null) {
        const srv = tls.createServer(tlsOptions, (socket) => this.acceptTls(socket));
        srv.on('tlsClientError', (err) => this.logger.verbose(`Error accepting a TLS client connection: ${err.message.trim()}`));
        const bound = await this.listenOn(srv, host, tlsPort, optional);
        if (bound !== null) tlsPort = bound;
      }
    }
    if (this.listeners.length === 0) throw new Error('Failed listening on any bind address');
    this.tcpPort = plain ? port : 0;
    this.tlsPort = tlsOptions === null ? 0 : tlsPort;
    this.cronTimer = setInterval(() => this.cron(), Math.max(2, Math.floor(1000 / effectiveHz(this.config.hz))));
    this.cronTimer.unref();
    this.instantaneous.start();
    this.replication.start();
  }

  /** The port bound, or null for an optional address that is not available here. */
  private async listenOn(srv: net.Server, host: string, port: number, optional: boolean): Promise<number | null> {
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ port, host, backlog: 511 }, () => {
          srv.removeListener('error', reject);
          resolve();
        });
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT' || code === 'EINVAL')) {
        this.logger.verbose(`Skipping unavailable bind address ${host}`);
        return null;
      }
      throw new Error(`Could not create server ${srv instanceof tls.Server ? 'TLS' : 'TCP'} listening socket ${host}:${port}: ${(err as Error).message}`);
    }
    srv.on('error', (err) => this.logger.warning(`Listener error: ${err.message}`));
    this.listeners.push(srv);
    const address = srv.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Stops listening and disconnects every client. */
  async close(): Promise<void> {
    if (this.cronTimer) clearInterval(this.cronTimer);
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.instantaneous.stop();
    this.replication.stop();
    const closing = this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
    for (const conn of [...this.clients.byId.values()]) conn.destroy();
    this.unpauseClients();
    await Promise.all(closing);
  }

  private accept(socket: net.Socket): void {
    this.stats.totalConnectionsReceived++;
    socket.on('error', () => { /* refused sockets may reset; nothing to do */ });
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    if (this.clients.size >= this.config.maxclients) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (this.config.protectedMode && this.acl.defaultUser.nopass && !isLoopback(socket.remoteAddress)) {
      this.stats.rejectedConnections++;
      socket.end(PROTECTED_MODE_DENIED);
      return;
    }
    const conn = new Connection(this.nextClientId++, socket, this);
    this.clients.byId.set(conn.id, conn);
  }

  private acceptTls(socket: tls.TLSSocket): void {
    if (acceptTlsClient(this.config, socket)) {
      this.accept(socket);
      return;
    }
    this.logger.verbose(`Refusing TLS client ${socket.remoteAddress ?? '?'}: ${String(socket.authorizationError)}`);
    socket.on('error', () => { /* the peer may reset first */ });
    socket.destroy();
  }

  connectionClosed(conn: Connection): void {
    this.clients.byId.delete(conn.id);
    this.monitors.delete(conn);
    this.replication.primary.clientClosed(conn.id);
    if (conn.watchedKeys > 0) this.keyspace.unwatchAll(conn);
    if (conn.subscriptions.active) this.pubsub.removeClient(conn);
    if (conn.tracking !== null) this.tracking.disable(conn);
    this.blocking.cancel(conn);
    this.blocking.leaveTransaction(conn);
  }

  /** Housekeeping: idle clients, expired pauses. */
  private cron(): void {
    const now = Date.now();
    this.coarseNow = now;
    for (const conn of this.clients.byId.values()) conn.checkOutputLimits();
    const timeout = this.config.timeout;
    if (timeout > 0) {
      for (const conn of this.clients.byId.values()) {
        // As Redis' clientsCronHandleTimeout: a blocked client waits for its own timeout, not the idle one.
        if (this.monitors.has(conn) || this.blocking.isBlocked(conn) || conn.replicationRole !== '') continue;
        if (now - conn.lastInteraction > timeout * 1000 && conn.pendingRequests === 0) {
          this.logger.verbose(`Closing idle client id=${conn.id} addr=${conn.addr}`);
          conn.destroy();
        }
      }
    }
    if (this.pausedUntil !== 0 && now >= this.pausedUntil) this.unpauseClients();
  }

  // ------------------------------------------------------------------ ReplicationHost

  connection(id: number): Connection | undefined {
    return this.clients.byId.get(id);
  }

  commandRunner(addr: string): CommandRunner {
    return new MasterClient(this, this.dispatcher, this.allocateClientId(), addr);
  }

  clientsOf(): Iterable<ClientState> {
    return this.clients.all();
  }

  // ------------------------------------------------------------------ DispatchEnvironment

  feedMonitors(ctx: CommandContext, argv: readonly Buffer[]): void {
    const now = Date.now();
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000) % 1000000;
    let line = `${Math.floor(now / 1000)}.${String(micros).padStart(6, '0')} [${ctx.client.db} ${ctx.client.addr}]`;
    // argv comes with its secrets already redacted by the dispatcher.
    for (let i = 0; i < argv.length; i++) line += ' ' + quoteRepr(argv[i]);
    for (const m of this.monitors) {
      if (m === ctx.client) continue;
      m.pushOutOfBand((r) => r.simple(line));
    }
  }

  pauseFor(isWrite: boolean): Promise<void> | undefined {
    if (this.pausedUntil === 0) return undefined;
    if (this.pauseWritesOnly && !isWrite) return undefined;
    if (Date.now() >= this.pausedUntil) {
      this.unpauseClients();
      return undefined;
    }
    return new Promise((resolve) => this.pauseWaiters.push(resolve));
  }

  // ------------------------------------------------------------------ ServerControl

  /** A script runs past busy-reply-threshold: requests waiting for its lock check again (and get -BUSY). */
  get scriptBusy(): false | ScriptKind {
    return this.busyScript;
  }

  set scriptBusy(busy: false | ScriptKind) {
    this.busyScript = busy;
    if (busy) this.dispatcher.locks.wakeWaiters();
  }

  runQueued(ctx: CommandContext, cmd: QueuedCommand): void | Promise<void> {
    return this.dispatcher.runQueued(ctx, cmd);
  }

  configChanged(names: readonly string[]): void {
    for (const name of names) {
      switch (name) {
        case 'loglevel':
          this.logger.level = this.config.loglevel as LogLevel;
          break;
        case 'appendfsync':
          this.db.setFsyncPolicy(this.config.appendfsync);
          break;
        case 'block-cache-size':
          this.db.setBlockCacheSize(this.config.blockCacheSize);
          break;
        case 'compaction-rate-limit':
          this.db.setCompactionRateLimit(this.config.compactionRateLimit);
          break;
        case 'slowlog-max-len':
          this.slowlog.trim(this.config.slowlogMaxLen);
          break;
        case 'acl-pubsub-default':
          this.acl.pubsubDefaultAll = this.config.aclPubsubDefault === 'allchannels';
          break;
        case 'requirepass':
          // Redis' ACLUpdateDefaultUserPassword: the default user's passwords become this one.
          this.acl.setDefaultPassword(this.config.requirepass);
          break;
        case 'proto-max-bulk-len':
          this.parserLimits.maxBulkLength = this.config.protoMaxBulkLen;
          break;
        case 'notify-keyspace-events':
          this.keyspace.events.flags = this.config.notifyKeyspaceEvents;
          break;
        case 'tracking-table-max-keys':
          this.tracking.maxKeys = this.config.trackingTableMaxKeys;
          break;
        case 'repl-backlog-size':
          if (this.replication.backlog !== null) this.replication.backlog.size = this.replication.backlogSize;
          break;
        case 'hz':
          if (this.cronTimer) {
            clearInterval(this.cronTimer);
            this.cronTimer = setInterval(() => this.cron(), Math.max(2, Math.floor(1000 / effectiveHz(this.config.hz))));
            this.cronTimer.unref();
          }
          break;
        default:
          break;
      }
    }
  }

  resetStats(): void {
    const s = this.stats;
    s.totalConnectionsReceived = 0;
    s.totalCommandsProcessed = 0;
    s.rejectedConnections = 0;
    s.netInputBytes = 0;
    s.netOutputBytes = 0;
    s.totalErrorReplies = 0;
    this.errorStats.clear();
    this.commandLatency.reset();
    this.instantaneous.reset();
    this.keyspace.resetStats();
    for (const e of this.commands.entries()) {
      e.calls = e.usec = e.rejectedCalls = e.failedCalls = 0;
      if (e.subcommands) for (const sub of e.subcommands.entries()) sub.calls = sub.usec = sub.rejectedCalls = sub.failedCalls = 0;
    }
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.warning('User requested shutdown...');
    await this.close();
    await this.onShutdown(mode);
  }

  addMonitor(client: ClientState): void {
    const conn = this.clients.byId.get(client.id);
    if (conn) {
      conn.monitoring = true;
      this.monitors.add(conn);
    }
  }

  pauseClients(untilMs: number, writesOnly: boolean): void {
    // A new pause can only extend an existing one, and ALL wins over WRITE, as in Redis.
    const active = this.pausedUntil !== 0;
    this.pauseWritesOnly = active ? this.pauseWritesOnly && writesOnly : writesOnly;
    if (!active || untilMs > this.pausedUntil) this.pausedUntil = untilMs;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.unpauseClients(), Math.max(0, this.pausedUntil - Date.now()));
  }

  unpauseClients(): void {
    this.pausedUntil = 0;
    this.pauseWritesOnly = false;
    if (this.pauseTimer) {
      clearTimeout(this.pauseTimer);
      this.pauseTimer = null;
    }
    const waiters = this.pauseWaiters;
    this.pauseWaiters = [];
    for (const w of waiters) w();
  }

  usedMemory(): NodeJS.MemoryUsage {
    return process.memoryUsage();
  }
}

/**
 * Applies the config's `rename-command` lines to a command table, in file order as Redis does.
 * Throws a ConfigError at the first line naming a missing command or an existing target.
 */
export function applyCommandRenames<H>(table: CommandTable<H>, renames: readonly CommandRename[]): void {
  for (const r of renames) {
    const problem = table.rename(r.from, r.to);
    if (problem !== null) throw new ConfigError(r.source, r.line, r.text, problem);
  }
}

/** Redis' sdscatrepr: a double-quoted string with C escapes, non-printables as \xHH. */
export function quoteRepr(value: Buffer): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    switch (c) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        out += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

/** Redis clamps hz to 1..500 where it uses it (CONFIG keeps the configured value). */
function effectiveHz(hz: number): number {
  return Math.min(500, Math.max(1, hz));
}
