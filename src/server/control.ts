/**
 * What the server exposes to its own command families (connection, server, transactions) beyond
 * the ServerContext every family sees: the command table, EXEC's way to run queued commands,
 * shutdown, MONITOR, client pause, config side effects. Data families do not need it.
 */
import type { CommandTable } from '../commands/registry.js';
import type { ClientState, CommandContext, QueuedCommand } from '../commands/types.js';
import type { CommandLatency } from './command-latency.js';
import type { InstantaneousMetrics } from './instantaneous-metrics.js';
import type { LatencyMonitor } from './latency-monitor.js';
import type { SlowLog } from './slowlog.js';

export type ShutdownMode = 'default' | 'save' | 'nosave';

export interface ServerControl {
  readonly commands: CommandTable;
  readonly slowlog: SlowLog;
  /** Per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM). */
  readonly commandLatency: CommandLatency;
  /** LATENCY LATEST / HISTORY / RESET. */
  readonly latencyMonitor: LatencyMonitor;
  /** INFO's instantaneous_* rates. */
  readonly instantaneous: InstantaneousMetrics;
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
  /** CLIENT PAUSE: hold commands (all, or only writes) until the time (ms since epoch). */
  pauseClients(untilMs: number, writesOnly: boolean): void;
  unpauseClients(): void;
  /** Memory and CPU numbers for INFO. */
  usedMemory(): NodeJS.MemoryUsage;
}
