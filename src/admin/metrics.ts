/**
 * The admin port's `/metrics`: the numbers INFO prints, as Prometheus metrics (prom-client).
 *
 * Nothing here counts anything itself. Every metric has a collect() callback that reads, at scrape
 * time, the live number INFO reads for the same field (server stats, keyspace stats, the command
 * table's calls/usec, the latency histograms, errorstats, the engine's stats()), so /metrics and
 * INFO cannot disagree and the hot path pays nothing for metrics. The engine's stats() and the
 * memory usage are read once per scrape (a Snapshot), so the numbers of one scrape agree.
 * Labels: `command`, `quantile`, `code`, `db`, `level`.
 *
 * Names follow the Prometheus conventions: `stratakv_` prefix, base units in the name (`_bytes`,
 * `_seconds`), `_total` on counters, and labels instead of one name per value. A private Registry
 * keeps them apart from anything else in the process; the default process and Node.js metrics
 * (CPU, RSS, heap, event loop lag, GC) are added to it.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { REDIS_COMPAT_VERSION } from '../commands/connection.js';
import type { Command } from '../commands/types.js';
import { STRATAKV_VERSION } from '../commands/version.js';
import type { EngineStats } from '../engine/db.js';
import type { Server } from '../server/server.js';

/** What one scrape reads once and shares between its metrics. */
interface Snapshot {
  readonly engine: EngineStats;
  readonly memory: NodeJS.MemoryUsage;
}

type Reader = (server: Server, snapshot: Snapshot) => number;

/** A metric without labels: one number read from the server. */
interface ScalarMetric {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly read: Reader;
}

/** The unlabelled metrics, in the order of INFO's sections they come from. */
const SCALARS: readonly ScalarMetric[] = [
  // server
  { name: 'stratakv_start_time_seconds', type: 'gauge', help: 'Unix time the server started', read: (s) => s.startTime / 1000 },
  // clients
  { name: 'stratakv_connected_clients', type: 'gauge', help: 'Client connections open now (INFO connected_clients)', read: (s) => s.clients.size },
  { name: 'stratakv_max_clients', type: 'gauge', help: 'Configured maxclients', read: (s) => s.config.maxclients },
  // memory
  {
    name: 'stratakv_memory_used_bytes', type: 'gauge', help: 'JavaScript heap in use plus external memory, Buffers included (INFO used_memory)',
    read: (_s, snap) => snap.memory.heapUsed + snap.memory.external,
  },
  { name: 'stratakv_memtable_bytes', type: 'gauge', help: 'Approximate size of the active memtable', read: (_s, snap) => snap.engine.memtableBytes },
  { name: 'stratakv_immutable_memtables', type: 'gauge', help: 'Full memtables waiting to be flushed to tables', read: (_s, snap) => snap.engine.immutableMemtables },
  { name: 'stratakv_immutable_memtable_bytes', type: 'gauge', help: 'Approximate size of the memtables waiting to be flushed', read: (_s, snap) => snap.engine.immutableBytes },
  { name: 'stratakv_block_cache_bytes', type: 'gauge', help: 'Table blocks held in the block cache', read: (_s, snap) => snap.engine.blockCacheBytes },
  { name: 'stratakv_block_cache_capacity_bytes', type: 'gauge', help: 'Configured block-cache-size', read: (_s, snap) => snap.engine.blockCacheCapacity },
  // persistence
  { name: 'stratakv_last_save_time_seconds', type: 'gauge', help: 'Unix time of the last successful SAVE/BGSAVE (INFO rdb_last_save_time)', read: (s) => s.lastSave },
  { name: 'stratakv_wal_written_bytes_total', type: 'counter', help: 'Bytes written to the write-ahead log', read: (_s, snap) => snap.engine.walBytes },
  { name: 'stratakv_wal_syncs_total', type: 'counter', help: 'fsyncs of the write-ahead log', read: (_s, snap) => snap.engine.walSyncs },
  { name: 'stratakv_wal_last_sync_time_seconds', type: 'gauge', help: 'Unix time of the last write-ahead log fsync', read: (_s, snap) => snap.engine.lastWalSyncAt / 1000 },
  {
    name: 'stratakv_write_failure', type: 'gauge', help: '1 while writes are refused because the disk failed (MISCONF, INFO aof_last_write_status:err), else 0',
    read: (_s, snap) => (snap.engine.writeFailure === '' ? 0 : 1),
  },
  { name: 'stratakv_write_failures_total', type: 'counter', help: 'Times the engine started refusing writes after a disk failure', read: (_s, snap) => snap.engine.writeFailures },
  // stats
  { name: 'stratakv_connections_received_total', type: 'counter', help: 'Connections accepted (INFO total_connections_received)', read: (s) => s.stats.totalConnectionsReceived },
  { name: 'stratakv_connections_rejected_total', type: 'counter', help: 'Connections refused by maxclients or protected mode (INFO rejected_connections)', read: (s) => s.stats.rejectedConnections },
  { name: 'stratakv_commands_processed_total', type: 'counter', help: 'Commands run (INFO total_commands_processed)', read: (s) => s.stats.totalCommandsProcessed },
  { name: 'stratakv_net_input_bytes_total', type: 'counter', help: 'Bytes read from clients (INFO total_net_input_bytes)', read: (s) => s.stats.netInputBytes },
  { name: 'stratakv_net_output_bytes_total', type: 'counter', help: 'Bytes sent to clients (INFO total_net_output_bytes)', read: (s) => s.stats.netOutputBytes },
  { name: 'stratakv_error_replies_total', type: 'counter', help: 'Error replies sent (INFO total_error_replies)', read: (s) => s.stats.totalErrorReplies },
  { name: 'stratakv_keyspace_hits_total', type: 'counter', help: 'Key lookups that found the key (INFO keyspace_hits)', read: (s) => s.keyspace.stats.keyspaceHits },
  { name: 'stratakv_keyspace_misses_total', type: 'counter', help: 'Key lookups that did not find the key (INFO keyspace_misses)', read: (s) => s.keyspace.stats.keyspaceMisses },
  { name: 'stratakv_expired_keys_total', type: 'counter', help: 'Keys deleted because their time passed (INFO expired_keys)', read: (s) => s.keyspace.stats.expiredKeys },
  // storage
  { name: 'stratakv_block_cache_hits_total', type: 'counter', help: 'Table block reads served by the block cache', read: (_s, snap) => snap.engine.blockCacheHits },
  { name: 'stratakv_block_cache_misses_total', type: 'counter', help: 'Table block reads that went to disk', read: (_s, snap) => snap.engine.blockCacheMisses },
  { name: 'stratakv_bloom_checks_total', type: 'counter', help: 'Bloom filter checks before a table lookup', read: (_s, snap) => snap.engine.bloomChecks },
  { name: 'stratakv_bloom_useful_total', type: 'counter', help: 'Bloom filter checks that answered "absent" and saved a block read', read: (_s, snap) => snap.engine.bloomUseful },
  { name: 'stratakv_bloom_false_positives_total', type: 'counter', help: 'Bloom filter checks that said "maybe" for a key the table did not hold', read: (_s, snap) => snap.engine.bloomFalsePositives },
  { name: 'stratakv_table_read_bytes_total', type: 'counter', help: 'Bytes read from table files for lookups and scans', read: (_s, snap) => snap.engine.tableBytesRead },
  { name: 'stratakv_open_tables', type: 'gauge', help: 'Table files open now', read: (_s, snap) => snap.engine.openTables },
  { name: 'stratakv_flushes_total', type: 'counter', help: 'Memtables flushed to level-0 tables', read: (_s, snap) => snap.engine.flushes },
  { name: 'stratakv_flush_written_bytes_total', type: 'counter', help: 'Bytes of tables written by flushes', read: (_s, snap) => snap.engine.flushBytesWritten },
  { name: 'stratakv_compactions_total', type: 'counter', help: 'Compactions finished', read: (_s, snap) => snap.engine.compactions },
  { name: 'stratakv_compactions_running', type: 'gauge', help: 'Compactions running now', read: (_s, snap) => snap.engine.compactionRunning },
  { name: 'stratakv_trivial_moves_total', type: 'counter', help: 'Tables moved to the next level without rewriting them', read: (_s, snap) => snap.engine.trivialMoves },
  { name: 'stratakv_compaction_read_bytes_total', type: 'counter', help: 'Bytes of tables read by compactions', read: (_s, snap) => snap.engine.compactionBytesRead },
  { name: 'stratakv_compaction_written_bytes_total', type: 'counter', help: 'Bytes of tables written by compactions', read: (_s, snap) => snap.engine.compactionBytesWritten },
  {
    name: 'stratakv_write_amplification_ratio', type: 'gauge', help: '(flush + compaction bytes written) / flush bytes written; 0 before the first flush',
    read: (_s, snap) => snap.engine.writeAmplification,
  },
  { name: 'stratakv_write_stalls_total', type: 'counter', help: 'Writes that waited for compaction to make room', read: (_s, snap) => snap.engine.stalls },
  { name: 'stratakv_write_slowdowns_total', type: 'counter', help: 'Writes delayed a little because compaction is behind', read: (_s, snap) => snap.engine.slowdowns },
  { name: 'stratakv_last_sequence', type: 'gauge', help: 'Sequence number of the newest write', read: (_s, snap) => snap.engine.lastSequence },
  { name: 'stratakv_live_snapshots', type: 'gauge', help: 'Engine snapshots open now (scans in progress)', read: (_s, snap) => snap.engine.liveSnapshots },
];

/** One metric per field of INFO commandstats, labelled by the command's full name ('get', 'config|get'). */
const COMMAND_COUNTERS: ReadonlyArray<{ name: string; help: string; read: (e: Command) => number }> = [
  { name: 'stratakv_command_calls_total', help: 'Calls per command (INFO commandstats calls)', read: (e) => e.calls },
  { name: 'stratakv_command_duration_seconds_total', help: 'Time spent running each command (INFO commandstats usec)', read: (e) => Math.round(e.usec) / 1e6 },
  { name: 'stratakv_command_failed_calls_total', help: 'Calls per command that replied with an error (INFO commandstats failed_calls)', read: (e) => e.failedCalls },
  { name: 'stratakv_command_rejected_calls_total', help: 'Calls per command refused before running: arity, auth, MISCONF (INFO commandstats rejected_calls)', read: (e) => e.rejectedCalls },
];

export class ServerMetrics {
  /** Private, so nothing else in the process (or a second server in tests) mixes in. */
  readonly registry = new Registry();
  private snapshot: Snapshot;

  constructor(private readonly server: Server) {
    this.snapshot = this.takeSnapshot();
    const registers = [this.registry];
    const snapshotOf = (): Snapshot => this.snapshot;

    new Gauge({
      name: 'stratakv_build_info', help: 'Always 1; the labels say which StrataKV, and which Redis version it behaves as', registers,
      labelNames: ['version', 'redis_version'] as const,
      collect() {
        this.set({ version: STRATAKV_VERSION, redis_version: REDIS_COMPAT_VERSION }, 1);
      },
    });
    // A counter here mirrors a total kept elsewhere, so each scrape resets it and adds that total
    // (prom-client counters have no set()); CONFIG RESETSTAT then reads as a counter reset.
    for (const m of SCALARS) {
      if (m.type === 'gauge') {
        new Gauge({ name: m.name, help: m.help, registers, collect() { this.set(m.read(server, snapshotOf())); } });
      } else {
        new Counter({ name: m.name, help: m.help, registers, collect() { this.reset(); this.inc(m.read(server, snapshotOf())); } });
      }
    }
    for (const m of COMMAND_COUNTERS) {
      new Counter({
        name: m.name, help: m.help, registers, labelNames: ['command'] as const,
        collect() {
          this.reset();
          for (const e of server.commands.countedEntries()) {
            // Like INFO commandstats, only commands that were called at all.
            if (e.calls !== 0 || e.failedCalls !== 0 || e.rejectedCalls !== 0) this.inc({ command: e.fullName }, m.read(e));
          }
        },
      });
    }
    new Gauge({
      name: 'stratakv_command_latency_seconds', help: 'Command latency at the latency-tracking-info-percentiles, per command, since start or CONFIG RESETSTAT (INFO latencystats)',
      registers, labelNames: ['command', 'quantile'] as const,
      collect() {
        this.reset();
        const percentiles = server.config.latencyTrackingInfoPercentiles;
        // 99.9 / 100 is 0.9990000000000001 in binary floating point; the label says 0.999.
        const quantiles = percentiles.map((p) => String(Number((p / 100).toPrecision(12))));
        for (const command of server.commandLatency.commands()) {
          const micros = server.commandLatency.percentiles(command, percentiles);
          for (let i = 0; i < quantiles.length; i++) this.set({ command, quantile: quantiles[i] }, micros[i] / 1e6);
        }
      },
    });
    new Counter({
      name: 'stratakv_errors_total', help: 'Error replies per error code, ERR, WRONGTYPE... (INFO errorstats)', registers, labelNames: ['code'] as const,
      collect() {
        this.reset();
        for (const [code, count] of server.errorStats) this.inc({ code }, count);
      },
    });
    new Gauge({
      name: 'stratakv_keys', help: 'Keys per logical database (INFO keyspace keys)', registers, labelNames: ['db'] as const,
      collect() {
        for (let db = 0; db < server.keyspace.databases; db++) this.set({ db: String(db) }, server.keyspace.dbsize(db));
      },
    });
    new Gauge({
      name: 'stratakv_keys_with_expiry', help: 'Keys with an expire time per logical database (INFO keyspace expires)', registers, labelNames: ['db'] as const,
      collect() {
        for (let db = 0; db < server.keyspace.databases; db++) this.set({ db: String(db) }, server.keyspace.expiresCount(db));
      },
    });
    new Gauge({
      name: 'stratakv_level_tables', help: 'Table files per LSM level', registers, labelNames: ['level'] as const,
      collect() {
        this.reset();
        for (const l of snapshotOf().engine.levels) this.set({ level: String(l.level) }, l.files);
      },
    });
    new Gauge({
      name: 'stratakv_level_bytes', help: 'Bytes of table files per LSM level', registers, labelNames: ['level'] as const,
      collect() {
        this.reset();
        for (const l of snapshotOf().engine.levels) this.set({ level: String(l.level) }, l.bytes);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The Content-Type of render()'s text (Prometheus text exposition format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric as Prometheus text, read now. */
  async render(): Promise<string> {
    // Replaced, never cleared: an overlapping scrape just reads the newer numbers.
    this.snapshot = this.takeSnapshot();
    const text = await this.registry.metrics();
    // prom-client 15 writes not-a-number as "Nan" (the event loop lag before its first sample);
    // the format says "NaN". Prometheus reads either, stricter parsers only the latter.
    return text.replace(/^([^#\n].*) Nan$/gm, '$1 NaN');
  }

  private takeSnapshot(): Snapshot {
    return { engine: this.server.db.stats(), memory: this.server.usedMemory() };
  }
}
