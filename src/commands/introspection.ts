/**
 * Introspection family: MEMORY (USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP), MODULE (LIST,
 * LOAD, LOADEX, UNLOAD, HELP) and BGREWRITEAOF, answered as redis-server 7.0 answers them, with
 * StrataKV's own numbers where Redis reports its own. Metadata: ../command-table/introspection.ts.
 *
 * - MEMORY USAGE counts the bytes of the key's engine records: its key record (the value, or a
 *   collection's metadata) and its member records, each as the engine stores it (engine key +
 *   value + 8 bytes of sequence number and kind), before block compression. Like Redis it samples
 *   a collection's members (SAMPLES, default 5; 0 = all) and scales by the member count.
 * - MEMORY STATS has Redis' fields, from the process' memory (V8 heap and outside it) as INFO
 *   memory reports it; the allocator fields are V8's heap numbers.
 * - MEMORY PURGE and MALLOC-STATS answer as a redis-server built with libc malloc (StrataKV's
 *   INFO says mem_allocator:libc): there is no allocator to purge or to print statistics of.
 * - MODULE LOAD cannot load Redis modules (C shared objects written against Redis' module API):
 *   LOAD and LOADEX fail as Redis fails on a module it cannot load, where enable-module-command
 *   lets them run at all (the dispatcher checks it, as Redis' processCommand).
 * - BGREWRITEAOF: StrataKV's append-only file is its write-ahead log; rewriting it means moving
 *   what the log holds into sorted tables (a memtable flush), after which the log segments it
 *   covered are deleted. Redis' reply, the flush in the background.
 */
import type { ClientState, CommandContext, CommandHandlers } from './types.js';
import type { ConnectionIntrospection } from './client-info.js';
import { parseInt64 } from '../keyspace/numbers.js';
import { binaryKey, valueType } from '../keyspace/encoding.js';
import { decodeMeta, isCollectionType, MemberTag } from '../keyspace/collection-encoding.js';
import { memberTagsOf } from '../keyspace/dead-versions.js';
import { Collection, walkMembers } from '../types/collection.js';
import { retryAfter } from './command-support.js';
import { replyHelp } from './connection.js';
import { scriptingMemoryInfo } from './scripting.js';
import { usedMemory } from './info.js';

/** Bytes an engine record costs beyond its key and value: the internal key's sequence number and kind. */
const RECORD_OVERHEAD = 8;
/** Redis' OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const DEFAULT_SAMPLES = 5;

/** Member kinds with one record per member, so that sampled bytes scale by the member count. */
const PER_MEMBER_TAGS: ReadonlySet<MemberTag> = new Set([
  MemberTag.HashField, MemberTag.SetMember, MemberTag.ZSetByMember, MemberTag.ZSetByScore, MemberTag.ListElement, MemberTag.StreamEntry,
]);

function eqIgnoreCase(buf: Buffer, lower: string): boolean {
  return buf.length === lower.length && buf.toString('latin1').toLowerCase() === lower;
}

// ---------------------------------------------------------------------------- MEMORY USAGE

function memoryUsage(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if (eqIgnoreCase(argv[j], 'samples') && j + 1 < argv.length) {
      const n = parseInt64(argv[j + 1]);
      if (n === undefined) {
        ctx.reply.error('ERR value is not an integer or out of range');
        return;
      }
      if (n < 0) {
        ctx.reply.error('ERR syntax error');
        return;
      }
      samples = n === 0 ? Number.POSITIVE_INFINITY : Number(n);
      j++;
    } else {
      ctx.reply.error('ERR syntax error');
      return;
    }
  }
  const ks = ctx.server.keyspace;
  const key = binaryKey(argv[2]);
  const value = ks.lookupRead(ctx.client.db, key, false);
  if (value instanceof Promise) return retryAfter(value, memoryUsage, ctx, argv);
  if (value === null) {
    ctx.reply.nullBulk();
    return;
  }
  const keyRecord = ks.dataKey(ctx.client.db, key).length + value.length + RECORD_OVERHEAD;
  const type = valueType(value);
  if (!isCollectionType(type)) {
    ctx.reply.integer(keyRecord);
    return;
  }
  return membersBytes(new Collection(ks, ctx.client.db, key, value, decodeMeta(value)), samples).then((bytes) => {
    ctx.reply.integer(keyRecord + bytes);
  });
}

/**
 * The bytes of a collection's member records: per kind of record, up to `samples` of them read;
 * kinds with a record per member are scaled to the member count, the others (a hash's field
 * expiry times, a sorted set's rank index, a stream's groups, consumers and pending entries)
 * count what was read.
 */
async function membersBytes(c: Collection, samples: number): Promise<number> {
  let total = 0;
  for (const tag of memberTagsOf(c.meta.type)) {
    const prefix = c.prefix(tag);
    let bytes = 0;
    let read = 0;
    await walkMembers(c.ks, prefix, (entry) => {
      bytes += prefix.length + entry.member.length + entry.value.length + RECORD_OVERHEAD;
      read++;
      return read < samples;
    });
    const members = c.meta.count;
    total += PER_MEMBER_TAGS.has(tag) && read > 0 && read < members ? Math.round((bytes / read) * members) : bytes;
  }
  return total;
}

// ---------------------------------------------------------------------------- MEMORY STATS / DOCTOR

/** Used memory when this module was loaded, before the engine opened: what MEMORY STATS calls startup.allocated. */
const STARTUP_MEMORY = process.memoryUsage();
const STARTUP_ALLOCATED = STARTUP_MEMORY.heapUsed + STARTUP_MEMORY.external;
/**
 * The Node.js runtime's own resident memory (its code, V8's reserved pages) beyond what it had
 * allocated at startup. A Redis process has no such baseline; counted as fragmentation, it would
 * make every StrataKV look badly fragmented, so the ratios and MEMORY DOCTOR leave it out.
 */
const RUNTIME_RSS = Math.max(0, STARTUP_MEMORY.rss - STARTUP_ALLOCATED);

/** Redis' redisMemOverhead, from StrataKV's numbers. */
interface MemoryOverhead {
  peakAllocated: number;
  totalAllocated: number;
  startupAllocated: number;
  clientsNormal: number;
  luaCaches: number;
  functionsCaches: number;
  overheadTotal: number;
  totalKeys: number;
  bytesPerKey: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
  allocatorAllocated: number;
  allocatorActive: number;
  allocatorResident: number;
  databasesWithKeys: number[];
  clients: number;
  cachedScripts: number;
}

function memoryOverhead(ctx: CommandContext): MemoryOverhead {
  const server = ctx.server;
  const { used, peak, mem } = usedMemory(server);
  let clientsNormal = 0;
  for (const client of server.clients.all()) {
    const c = client as ClientState & Partial<ConnectionIntrospection>;
    clientsNormal += (c.queryBufferBytes ?? 0) + (c.outputBytes ?? 0);
  }
  const lua = scriptingMemoryInfo(server);
  const startup = Math.min(STARTUP_ALLOCATED, used);
  const overheadTotal = Math.min(used, startup + clientsNormal + lua.evalScripts + lua.functions);
  const databasesWithKeys: number[] = [];
  let totalKeys = 0;
  for (let db = 0; db < server.config.databases; db++) {
    const n = server.keyspace.dbsize(db);
    if (n > 0) databasesWithKeys.push(db);
    totalKeys += n;
  }
  const net = used - startup;
  const dataset = used - overheadTotal;
  return {
    peakAllocated: peak,
    totalAllocated: used,
    startupAllocated: startup,
    clientsNormal,
    luaCaches: lua.evalScripts,
    functionsCaches: lua.functions,
    overheadTotal,
    totalKeys,
    bytesPerKey: totalKeys > 0 ? Math.floor(net / totalKeys) : 0,
    dataset,
    datasetPerc: net > 0 ? Math.fround((dataset * 100) / net) : 0,
    peakPerc: peak > 0 ? Math.fround((used * 100) / peak) : 0,
    allocatorAllocated: used,
    allocatorActive: mem.heapTotal + mem.external,
    allocatorResident: Math.max(mem.heapTotal + mem.external, mem.rss - RUNTIME_RSS),
    databasesWithKeys,
    clients: server.clients.size,
    cachedScripts: lua.cached,
  };
}

const ratio = (a: number, b: number): number => (b > 0 ? Math.fround(a / b) : 0);

function memoryStats(ctx: CommandContext): void {
  const m = memoryOverhead(ctx);
  const r = ctx.reply;
  r.mapHeader(27 + m.databasesWithKeys.length);
  const int = (name: string, v: number): void => {
    r.bulk(name);
    r.integer(v);
  };
  const dbl = (name: string, v: number): void => {
    r.bulk(name);
    r.double(v);
  };
  int('peak.allocated', m.peakAllocated);
  int('total.allocated', m.totalAllocated);
  int('startup.allocated', m.startupAllocated);
  int('replication.backlog', 0);
  int('clients.slaves', 0);
  int('clients.normal', m.clientsNormal);
  int('cluster.links', 0);
  int('aof.buffer', 0);
  int('lua.caches', m.luaCaches);
  int('functions.caches', m.functionsCaches);
  for (const db of m.databasesWithKeys) {
    // StrataKV has no in-memory key table: keys live in the engine, counted in dataset.bytes.
    r.bulk(`db.${db}`);
    r.mapHeader(3);
    int('overhead.hashtable.main', 0);
    int('overhead.hashtable.expires', 0);
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', m.overheadTotal);
  int('keys.count', m.totalKeys);
  int('keys.bytes-per-key', m.bytesPerKey);
  int('dataset.bytes', m.dataset);
  dbl('dataset.percentage', m.datasetPerc);
  dbl('peak.percentage', m.peakPerc);
  int('allocator.allocated', m.allocatorAllocated);
  int('allocator.active', m.allocatorActive);
  int('allocator.resident', m.allocatorResident);
  dbl('allocator-fragmentation.ratio', ratio(m.allocatorActive, m.allocatorAllocated));
  int('allocator-fragmentation.bytes', m.allocatorActive - m.allocatorAllocated);
  dbl('allocator-rss.ratio', ratio(m.allocatorResident, m.allocatorActive));
  int('allocator-rss.bytes', m.allocatorResident - m.allocatorActive);
  // The runtime's own resident memory is left out (RUNTIME_RSS): nothing beyond the allocator's to report.
  dbl('rss-overhead.ratio', 1);
  int('rss-overhead.bytes', 0);
  dbl('fragmentation', ratio(m.allocatorResident, m.totalAllocated));
  int('fragmentation.bytes', m.allocatorResident - m.totalAllocated);
}

/** getMemoryDoctorReport's checks and texts, over MEMORY STATS' numbers. */
function memoryDoctor(ctx: CommandContext): void {
  const m = memoryOverhead(ctx);
  const MB = 1024 * 1024;
  const reports: string[] = [];
  if (m.totalAllocated < 5 * MB) {
    ctx.reply.verbatim('Hi Sam, this instance is empty or is using very little memory, my issues detector can\'t be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n');
    return;
  }
  if (Math.fround(m.peakAllocated / m.totalAllocated) > 1.5) {
    reports.push(' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n');
  }
  if (ratio(m.allocatorResident, m.totalAllocated) > 1.4 && m.allocatorResident - m.totalAllocated > 10 * MB) {
    reports.push(' * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "libc".\n\n');
  }
  if (ratio(m.allocatorActive, m.allocatorAllocated) > 1.1 && m.allocatorActive - m.allocatorAllocated > 10 * MB) {
    reports.push(' * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling \'activedefrag\' config option.\n\n');
  }
  if (ratio(m.allocatorResident, m.allocatorActive) > 1.1 && m.allocatorResident - m.allocatorActive > 10 * MB) {
    reports.push(' * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n');
  }
  if (m.clients > 0 && m.clientsNormal / m.clients > 200 * 1024) {
    reports.push(' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n');
  }
  if (m.cachedScripts > 1000) {
    reports.push(' * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts\' caches may end up consuming most of your memory.\n\n');
  }
  if (reports.length === 0) {
    ctx.reply.verbatim('Hi Sam, I can\'t find any memory issue in your instance. I can only account for what occurs on this base.\n');
    return;
  }
  ctx.reply.verbatim(`Sam, I detected a few issues in this Redis instance memory implants:\n\n${reports.join('')}I'm here to keep you safe, Sam. I want to help you.\n`);
}

const MEMORY_HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

// ---------------------------------------------------------------------------- MODULE

const MODULE_HELP = [
  'MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
  'HELP',
  '    Prints this help.',
];

/** Runs only where enable-module-command allows it (the dispatcher checks, as Redis' processCommand). */
function moduleLoad(ctx: CommandContext, argv: Buffer[]): void {
  // Redis logs why (dlopen's message) and answers a generic error; so does StrataKV.
  ctx.server.logger.warning(`Module ${argv[2].toString('utf8')} failed to load: StrataKV cannot load Redis modules (native code written against Redis' module API)`);
  ctx.reply.error('ERR Error loading the extension. Please check the server logs.');
}

function moduleUnload(ctx: CommandContext): void {
  // No module is ever loaded, so every name is unknown.
  ctx.reply.error('ERR Error unloading module: no such module with that name');
}

// ---------------------------------------------------------------------------- BGREWRITEAOF

let logRewriteRunning = false;

function bgrewriteaof(ctx: CommandContext): void {
  if (logRewriteRunning) {
    ctx.reply.error('ERR Background append only file rewriting already in progress');
    return;
  }
  logRewriteRunning = true;
  const logger = ctx.server.logger;
  ctx.server.db.flush().then(
    () => logger.notice('Background append only file rewriting terminated with success (memtable flushed, covered log segments released)'),
    (err: Error) => logger.warning(`Background append only file rewriting failed: ${err.message}`),
  ).finally(() => {
    logRewriteRunning = false;
  });
  ctx.reply.simple('Background append only file rewriting started');
}

/** Handlers by command name; the metadata is in ../command-table/introspection.ts. */
export const introspectionHandlers: CommandHandlers = {
  'memory|usage': memoryUsage,
  'memory|stats': memoryStats,
  'memory|doctor': memoryDoctor,
  'memory|malloc-stats': (ctx) => ctx.reply.bulk('Stats not supported for the current allocator'),
  'memory|purge': (ctx) => ctx.reply.ok(),
  'memory|help': (ctx) => replyHelp(ctx, MEMORY_HELP),
  'module|list': (ctx) => ctx.reply.arrayHeader(0),
  'module|load': moduleLoad,
  'module|loadex': moduleLoad,
  'module|unload': moduleUnload,
  'module|help': (ctx) => replyHelp(ctx, MODULE_HELP),
  bgrewriteaof,
};
