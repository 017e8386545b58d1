/**
 * INFO: the sections redis-server 7 prints (server, clients, memory, persistence, stats,
 * replication, cpu, modules, commandstats, errorstats, latencystats, cluster, keyspace) plus our
 * `storage` section, as `field:value` lines that tools such as redis_exporter parse.
 */
import os from 'node:os';
import type { Command, CommandContext, ServerContext } from './types.js';
import { formatPercentile, redisOnlyValue } from '../config/config.js';
import { REDIS_COMPAT_VERSION } from './connection.js';
import { STRATAKV_VERSION } from './version.js';
import { scriptingMemoryInfo } from './scripting.js';

function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes}B` : `${v.toFixed(2)}${units[i]}`;
}

type Section = (ctx: CommandContext) => string;

/** part / whole with 4 decimals; 0 when nothing was counted yet. */
function ratio(part: number, whole: number): string {
  return (whole > 0 ? part / whole : 0).toFixed(4);
}

let peakMemory = 0;

/**
 * used_memory (V8 heap in use plus memory outside it: every Buffer, the engine's arenas and
 * cached blocks) and its peak so far, with the process numbers they come from; INFO memory and
 * MEMORY STATS / DOCTOR report these.
 */
export function usedMemory(server: ServerContext): { used: number; peak: number; mem: NodeJS.MemoryUsage } {
  const mem = server.control.usedMemory();
  // external already includes arrayBuffers (every Buffer), so they are not added again.
  const used = mem.heapUsed + mem.external;
  if (used > peakMemory) peakMemory = used;
  return { used, peak: peakMemory, mem };
}

const SECTIONS: Record<string, Section> = {
  server(ctx) {
    const s = ctx.server;
    const now = Date.now();
    const uptime = Math.floor((now - s.startTime) / 1000);
    return [
      `redis_version:${REDIS_COMPAT_VERSION}`,
      `stratakv_version:${STRATAKV_VERSION}`,
      'redis_git_sha1:00000000',
      'redis_git_dirty:0',
      'redis_mode:standalone',
      `os:${os.type()} ${os.release()} ${os.arch()}`,
      `arch_bits:${process.arch.endsWith('64') ? 64 : 32}`,
      'multiplexing_api:epoll',
      `node_version:${process.version}`,
      `process_id:${process.pid}`,
      'process_supervised:no',
      `run_id:${s.control.runId}`,
      `tcp_port:${s.control.tcpPort}`,
      `server_time_usec:${now * 1000}`,
      `uptime_in_seconds:${uptime}`,
      `uptime_in_days:${Math.floor(uptime / 86400)}`,
      `hz:${Math.min(500, Math.max(1, s.config.hz))}`,
      `configured_hz:${s.config.hz}`,
      `executable:${process.argv[1] ?? process.execPath}`,
      `config_file:${s.control.configFile ?? ''}`,
      'io_threads_active:0',
    ].join('\r\n');
  },
  clients(ctx) {
    const s = ctx.server;
    return [
      `connected_clients:${s.clients.size}`,
      'cluster_connections:0',
      `maxclients:${s.config.maxclients}`,
      'client_recent_max_input_buffer:0',
      'client_recent_max_output_buffer:0',
      `blocked_clients:${s.blocking.size}`,
      `tracking_clients:${s.tracking.clients}`,
      `clients_in_timeout_table:${s.blocking.withTimeout}`,
    ].join('\r\n');
  },
  memory(ctx) {
    const { used, peak: peakMemory, mem } = usedMemory(ctx.server);
    const st = ctx.server.db.stats();
    const total = os.totalmem();
    const lua = scriptingMemoryInfo(ctx.server);
    return [
      `used_memory:${used}`,
      `used_memory_human:${human(used)}`,
      `used_memory_rss:${mem.rss}`,
      `used_memory_rss_human:${human(mem.rss)}`,
      `used_memory_peak:${peakMemory}`,
      `used_memory_peak_human:${human(peakMemory)}`,
      `used_memory_heap:${mem.heapUsed}`,
      `used_memory_heap_total:${mem.heapTotal}`,
      `used_memory_external:${mem.external}`,
      // Part of used_memory: table blocks cached (block-cache-size bounds it), and the active plus
      // immutable memtables (their skip lists and value arenas, as the engine accounts them).
      `used_memory_block_cache:${st.blockCacheBytes}`,
      `used_memory_memtables:${st.memtableBytes + st.immutableBytes}`,
      `total_system_memory:${total}`,
      `total_system_memory_human:${human(total)}`,
      // The EVAL VM is made on the first script, the functions VM on the first FUNCTION LOAD (0 until then).
      `used_memory_lua:${lua.lua}`,
      `used_memory_vm_eval:${lua.lua}`,
      `used_memory_lua_human:${human(lua.lua)}`,
      `used_memory_scripts_eval:${lua.evalScripts}`,
      `number_of_cached_scripts:${lua.cached}`,
      `number_of_functions:${lua.functionCount}`,
      `used_memory_vm_functions:${lua.functionsVm}`,
      `used_memory_vm_total:${lua.lua + lua.functionsVm}`,
      `used_memory_vm_total_human:${human(lua.lua + lua.functionsVm)}`,
      `used_memory_functions:${lua.functions}`,
      `used_memory_scripts:${lua.scripts}`,
      `used_memory_scripts_human:${human(lua.scripts)}`,
      // Kept and shown, not enforced: README.md, "Configuration".
      `maxmemory:${redisOnlyValue(ctx.server.config, 'maxmemory')}`,
      `maxmemory_human:${human(Number(redisOnlyValue(ctx.server.config, 'maxmemory')))}`,
      `maxmemory_policy:${redisOnlyValue(ctx.server.config, 'maxmemory-policy')}`,
      `mem_fragmentation_ratio:${used > 0 ? (mem.rss / used).toFixed(2) : '0.00'}`,
      'mem_allocator:libc',
      // Redis frees a big value in a background thread; here a deleted, overwritten or expired
      // collection's members are deleted by the background sweep (src/keyspace/dead-versions.ts),
      // one garbage record per member range (a set has one, a hash or sorted set two): records
      // still waiting (as of the sweep's last pass), and records it has finished.
      `lazyfree_pending_objects:${ctx.server.keyspace.sweeper.stats.pending}`,
      `lazyfreed_objects:${ctx.server.keyspace.sweeper.stats.rangesFreed}`,
    ].join('\r\n');
  },
  persistence(ctx) {
    const s = ctx.server;
    const st = s.db.stats();
    const checkpoints = s.control.checkpoints;
    return [
      'loading:0',
      'async_loading:0',
      `rdb_changes_since_last_save:${st.memtableBytes > 0 ? 1 : 0}`,
      `rdb_bgsave_in_progress:${checkpoints.inProgress ? 1 : 0}`,
      `rdb_last_save_time:${s.lastSave}`,
      `rdb_last_bgsave_status:${checkpoints.lastStatus}`,
      `rdb_last_bgsave_time_sec:${checkpoints.lastDurationSec}`,
      `rdb_current_bgsave_time_sec:${checkpoints.currentSeconds()}`,
      `rdb_saves:${checkpoints.saves}`,
      `last_checkpoint_dir:${checkpoints.lastDir}`,
      'aof_enabled:1',
      'aof_rewrite_in_progress:0',
      'aof_rewrite_scheduled:0',
      `aof_last_write_status:${st.writeFailure === '' ? 'ok' : 'err'}`,
      `appendfsync:${s.config.appendfsync}`,
      `wal_bytes:${st.walBytes}`,
      `wal_syncs:${st.walSyncs}`,
      `wal_last_sync_at:${st.lastWalSyncAt}`,
    ].join('\r\n');
  },
  stats(ctx) {
    const s = ctx.server.stats;
    const ks = ctx.server.keyspace.stats;
    const rates = ctx.server.control.instantaneous;
    return [
      `total_connections_received:${s.totalConnectionsReceived}`,
      `total_commands_processed:${s.totalCommandsProcessed}`,
      `instantaneous_ops_per_sec:${rates.opsPerSec}`,
      `total_net_input_bytes:${s.netInputBytes}`,
      `total_net_output_bytes:${s.netOutputBytes}`,
      `instantaneous_input_kbps:${rates.inputKbps.toFixed(2)}`,
      `instantaneous_output_kbps:${rates.outputKbps.toFixed(2)}`,
      `rejected_connections:${s.rejectedConnections}`,
      `sync_full:${ctx.server.control.replication.stats.syncFull}`,
      `sync_partial_ok:${ctx.server.control.replication.stats.syncPartialOk}`,
      `sync_partial_err:${ctx.server.control.replication.stats.syncPartialErr}`,
      `expired_keys:${ks.expiredKeys}`,
      // Redis 7.4's count of hash fields deleted by their TTL.
      `expired_subkeys:${ks.expiredSubkeys}`,
      `expired_stale_perc:${ks.expiredStalePerc.toFixed(2)}`,
      `expired_time_cap_reached_count:${ks.expiredTimeCapReachedCount}`,
      `expire_cycle_cpu_milliseconds:${Math.round(ks.expireCycleCpuMilliseconds)}`,
      // Ours: hashes the active cycle read to reclaim expired fields (it reads no hash without field TTLs).
      `expire_cycle_hashes_read:${ks.expireCycleHashesRead}`,
      `evicted_keys:${s.evictedKeys}`,
      `keyspace_hits:${ks.keyspaceHits}`,
      `keyspace_misses:${ks.keyspaceMisses}`,
      `pubsub_channels:${ctx.server.pubsub.channelCount}`,
      `pubsub_patterns:${ctx.server.pubsub.patternCount}`,
      `pubsubshard_channels:${ctx.server.pubsub.shardChannelCount}`,
      `tracking_total_keys:${ctx.server.tracking.totalKeys}`,
      `tracking_total_items:${ctx.server.tracking.totalItems}`,
      `tracking_total_prefixes:${ctx.server.tracking.totalPrefixes}`,
      // Errors a replica or an AOF load got from its master: there are none here.
      'unexpected_error_replies:0',
      `total_error_replies:${s.totalErrorReplies}`,
    ].join('\r\n');
  },
  replication(ctx) {
    return ctx.server.control.replication.info();
  },
  cpu() {
    const u = process.resourceUsage();
    return [
      `used_cpu_sys:${(u.systemCPUTime / 1e6).toFixed(6)}`,
      `used_cpu_user:${(u.userCPUTime / 1e6).toFixed(6)}`,
      'used_cpu_sys_children:0.000000',
      'used_cpu_user_children:0.000000',
    ].join('\r\n');
  },
  modules() {
    return '';
  },
  errorstats(ctx) {
    const lines: string[] = [];
    // Sorted by code, as Redis' radix tree of error codes lists them.
    const codes = [...ctx.server.control.errorStats].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [code, count] of codes) lines.push(`errorstat_${code}:count=${count}`);
    return lines.join('\r\n');
  },
  latencystats(ctx) {
    const s = ctx.server;
    // As Redis: the section title stays, the lines go, while latency-tracking is off.
    if (!s.config.latencyTracking) return '';
    const percentiles = s.config.latencyTrackingInfoPercentiles;
    const labels = percentiles.map((p) => `p${formatPercentile(p)}`);
    const tracker = s.control.commandLatency;
    const lines: string[] = [];
    for (const name of tracker.commands()) {
      const values = tracker.percentiles(name, percentiles);
      lines.push(`latency_percentiles_usec_${name}:${values.map((v, i) => `${labels[i]}=${v.toFixed(3)}`).join(',')}`);
    }
    return lines.join('\r\n');
  },
  cluster() {
    return 'cluster_enabled:0';
  },
  keyspace(ctx) {
    return ctx.server.keyspace.keyspaceInfo().replace(/\r\n$/, '');
  },
  storage(ctx) {
    const st = ctx.server.db.stats();
    const lines = [
      `memtable_bytes:${st.memtableBytes}`,
      `immutable_memtables:${st.immutableMemtables}`,
      `immutable_memtable_bytes:${st.immutableBytes}`,
      `block_cache_bytes:${st.blockCacheBytes}`,
      `block_cache_capacity:${st.blockCacheCapacity}`,
      `block_cache_hits:${st.blockCacheHits}`,
      `block_cache_misses:${st.blockCacheMisses}`,
      `block_cache_hit_ratio:${ratio(st.blockCacheHits, st.blockCacheHits + st.blockCacheMisses)}`,
      // Tables' filters and indexes (in the block cache with cache-index-and-filter-blocks yes, the
      // pinned ones of L0 tables included in block_cache_bytes), and how often evicted ones were read again.
      `block_cache_pinned_bytes:${st.blockCachePinnedBytes}`,
      `table_meta_bytes:${st.tableMetaBytes}`,
      `table_meta_reads:${st.tableMetaReads}`,
      `bloom_checks:${st.bloomChecks}`,
      `bloom_useful:${st.bloomUseful}`,
      `bloom_false_positives:${st.bloomFalsePositives}`,
      // Share of filter checks that saved a block read; share of absent keys the filter let through.
      `bloom_useful_ratio:${ratio(st.bloomUseful, st.bloomChecks)}`,
      `bloom_false_positive_ratio:${ratio(st.bloomFalsePositives, st.bloomFalsePositives + st.bloomUseful)}`,
      `table_bytes_read:${st.tableBytesRead}`,
      `block_reads_sync:${st.syncBlockReads}`,
      `block_reads_async:${st.asyncBlockReads}`,
      `open_tables:${st.openTables}`,
      `flushes:${st.flushes}`,
      `compactions:${st.compactions}`,
      `compactions_running:${st.compactionRunning}`,
      `compaction_pending_bytes:${st.compactionPendingBytes}`,
      `trivial_moves:${st.trivialMoves}`,
      `flush_bytes_written:${st.flushBytesWritten}`,
      `compaction_bytes_read:${st.compactionBytesRead}`,
      `compaction_bytes_written:${st.compactionBytesWritten}`,
      `write_amplification:${st.writeAmplification.toFixed(2)}`,
      `write_stalls:${st.stalls}`,
      `write_slowdowns:${st.slowdowns}`,
      `write_stall_time_ms:${Math.round(st.stallMs)}`,
      `write_slowdown_time_ms:${Math.round(st.slowdownMs)}`,
      `last_sequence:${st.lastSequence}`,
      `live_snapshots:${st.liveSnapshots}`,
      `write_failure:${st.writeFailure}`,
      `write_failures:${st.writeFailures}`,
    ];
    for (const l of st.levels) lines.push(`level${l.level}:files=${l.files},bytes=${l.bytes}`);
    return lines.join('\r\n');
  },
  commandstats(ctx) {
    const lines: string[] = [];
    const add = (e: Command): void => {
      if (e.calls === 0 && e.rejectedCalls === 0 && e.failedCalls === 0) return;
      const usec = Math.round(e.usec);
      lines.push(`cmdstat_${e.fullName}:calls=${e.calls},usec=${usec},usec_per_call=${(e.calls > 0 ? e.usec / e.calls : 0).toFixed(2)},rejected_calls=${e.rejectedCalls},failed_calls=${e.failedCalls}`);
    };
    for (const e of ctx.server.control.commands.countedEntries()) add(e);
    return lines.join('\r\n');
  },
};

const SECTION_TITLES: Record<string, string> = {
  server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats',
  replication: 'Replication', cpu: 'CPU', modules: 'Modules', errorstats: 'Errorstats', latencystats: 'Latencystats', cluster: 'Cluster',
  keyspace: 'Keyspace', storage: 'Storage', commandstats: 'Commandstats',
};
const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace', 'storage'];
const ALL_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace', 'storage'];

/** The INFO text for the requested section names (lower case), as Redis' genRedisInfoString. */
export function infoText(ctx: CommandContext, requested: readonly string[]): string {
  let wanted = new Set<string>();
  if (requested.length === 0 || requested.includes('default')) DEFAULT_SECTIONS.forEach((s) => wanted.add(s));
  for (const r of requested) {
    if (r === 'all' || r === 'everything') ALL_SECTIONS.forEach((s) => wanted.add(s));
    else if (SECTIONS[r] !== undefined) wanted.add(r);
  }
  wanted = new Set(ALL_SECTIONS.filter((s) => wanted.has(s)));
  const parts: string[] = [];
  for (const name of wanted) {
    const body = SECTIONS[name](ctx);
    parts.push(`# ${SECTION_TITLES[name]}\r\n${body === '' ? '' : body + '\r\n'}`);
  }
  return parts.join('\r\n');
}

/** INFO [section ...] */
export function info(ctx: CommandContext, argv: Buffer[]): void {
  const requested = argv.slice(1).map((a) => a.toString('latin1').toLowerCase());
  ctx.reply.verbatim(infoText(ctx, requested));
}
