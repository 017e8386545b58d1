/**
 * Configuration: the directive table (names, defaults, why), redis.conf parsing, command-line
 * overrides and the CONFIG GET/SET/REWRITE semantics, all driven by one table so the file, the
 * command line and CONFIG agree on every name, value format and error text.
 *
 * Error texts are Redis 7.0's ("argument couldn't be parsed into an integer", ...), because tools
 * and people compare them with what redis-server says.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { splitArgs } from '../protocol/inline.js';
import { globMatch } from '../util/glob.js';
import { ERR_EVENT_CLASS, keyspaceEventsFromString, keyspaceEventsToString } from '../pubsub/keyspace-events.js';
import { REDIS_ONLY_PARAMETERS, type RedisParameter } from './redis-parameters.js';

export type FsyncMode = 'always' | 'everysec' | 'no';
export type LogLevelName = 'debug' | 'verbose' | 'notice' | 'warning';

/** One class of client-output-buffer-limit; 0 disables a limit. */
export interface OutputBufferLimit {
  hardBytes: number;
  softBytes: number;
  softSeconds: number;
}

export type TlsAuthClients = 'yes' | 'no' | 'optional';

/** One `rename-command FROM TO` line, kept with its place so a bad name is reported there. */
export interface CommandRename {
  from: string;
  /** Empty: the command is disabled. */
  to: string;
  source: string;
  line: number;
  text: string;
}

/** One `user NAME RULES...` line (an ACL user, as in redis.conf), kept with its place for errors. */
export interface UserLine {
  name: string;
  rules: string[];
  source: string;
  line: number;
}

/** The typed, live configuration. CONFIG SET changes it in place; listeners apply side effects. */
export interface ServerConfig {
  bind: string[];
  port: number;
  protectedMode: boolean;
  requirepass: string;
  tlsPort: number;
  tlsCertFile: string;
  tlsKeyFile: string;
  tlsCaCertFile: string;
  tlsAuthClients: TlsAuthClients;
  /** rename-command lines in file order; applied to the command table at startup, not a CONFIG parameter. */
  renamedCommands: CommandRename[];
  /** `user` lines in file order: ACL users loaded at startup (src/acl/acl-file.ts), not a CONFIG parameter. */
  userLines: UserLine[];
  /** ACL users' file (ACL LOAD / SAVE); '' when users come from `user` lines. */
  aclfile: string;
  /** Whether new ACL users and selectors may use every channel (Redis 7.0's default: resetchannels). */
  aclPubsubDefault: 'allchannels' | 'resetchannels';
  databases: number;
  dir: string;
  appendfsync: FsyncMode;
  save: string;
  /** SAVE/BGSAVE checkpoints kept in dir/checkpoints; older ones are deleted after each new one. */
  checkpointKeep: number;
  memtableSize: number;
  /** Bytes per second a compaction may read (0 = no limit). */
  compactionRateLimit: number;
  blockCacheSize: number;
  cacheIndexAndFilterBlocks: boolean;
  walTruncateCorrupt: boolean;
  maxclients: number;
  /** CLIENT TRACKING: most keys remembered for default-mode tracking clients (0: no limit). */
  trackingTableMaxKeys: number;
  timeout: number;
  tcpKeepalive: number;
  protoMaxBulkLen: number;
  clientQueryBufferLimit: number;
  clientOutputBufferLimit: { normal: OutputBufferLimit; replica: OutputBufferLimit; pubsub: OutputBufferLimit };
  loglevel: LogLevelName;
  logfile: string;
  pidfile: string;
  slowlogLogSlowerThan: number;
  slowlogMaxLen: number;
  /** ACL LOG entries kept; the oldest are dropped. */
  acllogMaxLen: number;
  /** busy-reply-threshold (lua-time-limit), ms: a script running longer lets other clients get -BUSY and SCRIPT KILL stop it. */
  busyReplyThreshold: number;
  /** Milliseconds; events at least this long go to LATENCY LATEST/HISTORY. 0 = off. */
  latencyMonitorThreshold: number;
  /** Per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM). */
  latencyTracking: boolean;
  /** Percentiles (0..100) INFO latencystats prints for each command. */
  latencyTrackingInfoPercentiles: number[];
  hz: number;
  /** Port of the admin HTTP server (/metrics, /healthz, /readyz, REST); 0 = off. */
  adminPort: number;
  /**
   * Redis' thresholds for its small encodings. StrataKV stores every collection the same way; these
   * only decide what OBJECT ENCODING answers (and HSCAN/SSCAN/ZSCAN answering small collections whole),
   * so that clients see what Redis would say.
   */
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  /** notify-keyspace-events as class flags (src/pubsub/keyspace-events.ts); 0 = no notifications. */
  notifyKeyspaceEvents: number;
  /**
   * A sorted set's rank index bucket is split before a write adds to it once it holds this many
   * members (docs/format.md, "Rank index of sorted sets"); sets of half as many get an index.
   */
  zsetRankBucketSize: number;
  /**
   * Redis' hll-sparse-max-bytes: a sparse HyperLogLog whose payload would grow past this many
   * bytes becomes dense (src/types/hyperloglog.ts). It decides the value's bytes, so it is Redis' default.
   */
  hllSparseMaxBytes: number;
  /**
   * The Redis parameters StrataKV only keeps (./redis-parameters.ts), by name, as CONFIG GET shows
   * them: maxmemory, maxmemory-policy, enable-module-command ... (README, "Configuration").
   */
  redisOnly: Record<string, string>;
}

type DirectiveKind = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'bind' | 'obl';

interface Directive {
  name: string;
  /** Other names accepted (Redis keeps aliases such as slaveof/replicaof). */
  aliases?: string[];
  kind: DirectiveKind;
  /** The default as it would be written in a config file. */
  default: string;
  /** Whether CONFIG SET may change it at runtime. */
  mutable: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** One line of why, printed into conf/stratakv.conf and README. */
  why: string;
  /** A secret: its value is never echoed in error messages (CONFIG GET still shows it, as Redis 7.0). */
  sensitive?: boolean;
  /** Redis' HIDDEN_CONFIG: CONFIG GET finds it by its exact name only, never by a pattern. */
  hidden?: boolean;
  /** Redis' PROTECTED_CONFIG: CONFIG SET refuses it while enable-protected-configs does not allow it. */
  protectedConfig?: boolean;
  /** CONFIG REWRITE writes the value as a quoted string even though it has its own parser. */
  rewriteQuoted?: boolean;
  /** A directive-specific parser, for values none of the kinds describe (it gets the raw arguments). */
  parse?(args: string[]): { value?: ParsedValue; error?: string };
  read(cfg: ServerConfig): string;
  write(cfg: ServerConfig, value: ParsedValue): void;
}

type ParsedValue = string | number | boolean | string[] | number[] | ServerConfig['clientOutputBufferLimit'];

const INT_MAX = 2147483647;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

/** The directive table. Order is the order of conf/stratakv.conf. */
export const DIRECTIVES: readonly Directive[] = [
  {
    name: 'bind', kind: 'bind', default: '127.0.0.1 -::1', mutable: false,
    why: 'listen on loopback only until you decide otherwise; a leading - means "skip if unavailable"',
    read: (c) => c.bind.join(' '), write: (c, v) => { c.bind = v as string[]; },
  },
  {
    name: 'port', kind: 'int', default: '6379', mutable: false, min: 0, max: 65535,
    why: 'the Redis port, so every client finds us without options; 0 picks a free port',
    read: (c) => String(c.port), write: (c, v) => { c.port = v as number; },
  },
  {
    name: 'protected-mode', kind: 'bool', default: 'yes', mutable: true,
    why: 'with no password set, refuse non-loopback clients so an exposed port is not an open database',
    read: (c) => yesNo(c.protectedMode), write: (c, v) => { c.protectedMode = v as boolean; },
  },
  {
    name: 'requirepass', kind: 'string', default: '""', mutable: true, sensitive: true,
    why: 'clients must AUTH with this password first; empty means no password',
    read: (c) => c.requirepass, write: (c, v) => { c.requirepass = v as string; },
  },
  {
    name: 'tls-port', kind: 'int', default: '0', mutable: false, min: 0, max: 65535,
    why: 'serve the same protocol over TLS on this port, on every bind address; 0 disables TLS (with TLS on, port 0 turns plain TCP off, as in Redis)',
    read: (c) => String(c.tlsPort), write: (c, v) => { c.tlsPort = v as number; },
  },
  {
    name: 'tls-cert-file', kind: 'string', default: '""', mutable: false,
    why: 'the server certificate (PEM, may include the chain) presented to TLS clients',
    read: (c) => c.tlsCertFile, write: (c, v) => { c.tlsCertFile = v as string; },
  },
  {
    name: 'tls-key-file', kind: 'string', default: '""', mutable: false,
    why: 'the private key (PEM, unencrypted) of tls-cert-file; keep it readable by the server only',
    read: (c) => c.tlsKeyFile, write: (c, v) => { c.tlsKeyFile = v as string; },
  },
  {
    name: 'tls-ca-cert-file', kind: 'string', default: '""', mutable: false,
    why: 'CA certificates (PEM) that client certificates must chain to; needed unless tls-auth-clients is no',
    read: (c) => c.tlsCaCertFile, write: (c, v) => { c.tlsCaCertFile = v as string; },
  },
  {
    name: 'tls-auth-clients', kind: 'enum', default: 'yes', mutable: false, values: ['yes', 'no', 'optional'],
    why: 'client certificates: yes requires a valid one, optional checks one if offered, no never asks (Redis\' default is yes)',
    read: (c) => c.tlsAuthClients, write: (c, v) => { c.tlsAuthClients = v as TlsAuthClients; },
  },
  {
    name: 'databases', kind: 'int', default: '16', mutable: false, min: 1, max: 65535,
    why: 'number of logical databases for SELECT, as Redis',
    read: (c) => String(c.databases), write: (c, v) => { c.databases = v as number; },
  },
  {
    name: 'dir', kind: 'string', default: './', mutable: false, protectedConfig: true,
    why: 'where the data files live; created if missing, locked against a second server',
    read: (c) => c.dir, write: (c, v) => { c.dir = v as string; },
  },
  {
    name: 'appendfsync', kind: 'enum', default: 'everysec', mutable: true, values: ['everysec', 'always', 'no'],
    why: 'when the write-ahead log is fsynced: always (no acknowledged write lost), everysec (at most ~1 s lost), no (the OS decides)',
    read: (c) => c.appendfsync, write: (c, v) => { c.appendfsync = v as FsyncMode; },
  },
  {
    name: 'appendonly', kind: 'bool', default: 'yes', mutable: true,
    why: 'always yes: every write goes to the write-ahead log first (listed because tools such as redis-benchmark read it); setting it to no is refused',
    parse: (args) => {
      if (args.length !== 1) return { error: 'wrong number of arguments' };
      const t = args[0].toLowerCase();
      if (t === 'yes') return { value: true };
      return { error: t === 'no' ? 'StrataKV always logs writes to its write-ahead log' : "argument must be 'yes' or 'no'" };
    },
    read: () => 'yes', write: () => {},
  },
  {
    name: 'save', kind: 'string', default: '""', mutable: true,
    why: 'accepted for redis.conf compatibility and ignored: there are no automatic snapshots; SAVE and BGSAVE write checkpoints (see checkpoint-keep)',
    // redis.conf writes `save 3600 1 300 100` (several words), CONFIG SET passes them as one.
    parse: parseSave,
    read: (c) => c.save, write: (c, v) => { c.save = v as string; },
  },
  {
    name: 'checkpoint-keep', kind: 'int', default: '2', mutable: true, min: 1, max: INT_MAX,
    why: 'SAVE and BGSAVE write a checkpoint to dir/checkpoints/<UTC time> (start a server on one with --restore); after each, only this many of the newest are kept',
    read: (c) => String(c.checkpointKeep), write: (c, v) => { c.checkpointKeep = v as number; },
  },
  {
    name: 'memtable-size', kind: 'memory', default: '64mb', mutable: false, min: 1024 * 1024, max: LLONG_MAX,
    why: 'writes collect in memory up to this size before being flushed to a sorted table on disk',
    read: (c) => String(c.memtableSize), write: (c, v) => { c.memtableSize = v as number; },
  },
  {
    name: 'block-cache-size', kind: 'memory', default: '256mb', mutable: true, min: 0, max: LLONG_MAX,
    why: 'memory for caching table blocks read from disk; the main knob for read speed vs RAM',
    read: (c) => String(c.blockCacheSize), write: (c, v) => { c.blockCacheSize = v as number; },
  },
  {
    name: 'compaction-rate-limit', kind: 'memory', default: '0', mutable: true, min: 0, max: LLONG_MAX,
    why: 'bytes per second a compaction may read, 0 for no limit; a lower rate leaves more of the disk and a core to clients while big compactions run, and lets more tables pile up in level 0 under heavy writes',
    read: (c) => String(c.compactionRateLimit), write: (c, v) => { c.compactionRateLimit = v as number; },
  },
  {
    name: 'cache-index-and-filter-blocks', kind: 'bool', default: 'yes', mutable: false,
    why: 'keep tables\' bloom filters and indexes (~2-3 bytes per key) inside block-cache-size, in 4 KiB pieces read again from disk when evicted (those of the newest tables stay pinned); no keeps them all in memory outside the budget',
    read: (c) => yesNo(c.cacheIndexAndFilterBlocks), write: (c, v) => { c.cacheIndexAndFilterBlocks = v as boolean; },
  },
  {
    name: 'wal-truncate-corrupt', kind: 'bool', default: 'no', mutable: false,
    why: 'on startup, cut the write-ahead log at a corrupt record in the middle instead of refusing to start (data after it is lost)',
    read: (c) => yesNo(c.walTruncateCorrupt), write: (c, v) => { c.walTruncateCorrupt = v as boolean; },
  },
  {
    name: 'maxclients', kind: 'int', default: '10000', mutable: true, min: 1, max: 4294967295,
    why: 'connections beyond this are refused with "max number of clients reached"',
    read: (c) => String(c.maxclients), write: (c, v) => { c.maxclients = v as number; },
  },
  {
    name: 'tracking-table-max-keys', kind: 'int', default: '1000000', mutable: true, min: 0, max: LLONG_MAX,
    why: 'CLIENT TRACKING remembers at most this many keys read by tracking clients; past it the oldest are invalidated (0: no limit)',
    read: (c) => String(c.trackingTableMaxKeys), write: (c, v) => { c.trackingTableMaxKeys = v as number; },
  },
  {
    name: 'timeout', kind: 'int', default: '0', mutable: true, min: 0, max: INT_MAX,
    why: 'close a client idle for this many seconds; 0 never does',
    read: (c) => String(c.timeout), write: (c, v) => { c.timeout = v as number; },
  },
  {
    name: 'tcp-keepalive', kind: 'int', default: '300', mutable: true, min: 0, max: INT_MAX,
    why: 'seconds between TCP keepalive probes, to notice dead peers and keep middleboxes from dropping idle connections',
    read: (c) => String(c.tcpKeepalive), write: (c, v) => { c.tcpKeepalive = v as number; },
  },
  {
    name: 'proto-max-bulk-len', kind: 'memory', default: '512mb', mutable: true, min: 1024 * 1024, max: LLONG_MAX,
    why: 'largest single argument a client may send (Redis\' 512 MB string limit)',
    read: (c) => String(c.protoMaxBulkLen), write: (c, v) => { c.protoMaxBulkLen = v as number; },
  },
  {
    name: 'client-query-buffer-limit', kind: 'memory', default: '1gb', mutable: true, min: 1024 * 1024, max: LLONG_MAX,
    why: 'a client whose unprocessed input grows beyond this is disconnected, bounding memory per client',
    read: (c) => String(c.clientQueryBufferLimit), write: (c, v) => { c.clientQueryBufferLimit = v as number; },
  },
  {
    name: 'client-output-buffer-limit', kind: 'obl', default: 'normal 256mb 64mb 60 replica 256mb 64mb 60 pubsub 32mb 8mb 60', mutable: true,
    why: 'replies a client does not read: beyond hard, or beyond soft for that many seconds, it is disconnected (reading also pauses at 1 MB)',
    read: (c) => formatObl(c.clientOutputBufferLimit), write: (c, v) => { c.clientOutputBufferLimit = v as ServerConfig['clientOutputBufferLimit']; },
  },
  {
    name: 'loglevel', kind: 'enum', default: 'notice', mutable: true, values: ['debug', 'verbose', 'notice', 'warning'],
    why: 'how chatty the log is',
    read: (c) => c.loglevel, write: (c, v) => { c.loglevel = v as LogLevelName; },
  },
  {
    name: 'logfile', kind: 'string', default: '""', mutable: false,
    why: 'log file path; empty logs to standard output',
    read: (c) => c.logfile, write: (c, v) => { c.logfile = v as string; },
  },
  {
    name: 'pidfile', kind: 'string', default: '""', mutable: false,
    why: 'write the process id here on start (removed on clean exit); empty writes none',
    read: (c) => c.pidfile, write: (c, v) => { c.pidfile = v as string; },
  },
  {
    name: 'slowlog-log-slower-than', kind: 'int', default: '10000', mutable: true, min: -1, max: LLONG_MAX,
    why: 'commands slower than this many microseconds go to SLOWLOG; -1 disables, 0 logs every command',
    read: (c) => String(c.slowlogLogSlowerThan), write: (c, v) => { c.slowlogLogSlowerThan = v as number; },
  },
  {
    name: 'slowlog-max-len', kind: 'int', default: '128', mutable: true, min: 0, max: LLONG_MAX,
    why: 'entries kept in SLOWLOG; the oldest are dropped',
    read: (c) => String(c.slowlogMaxLen), write: (c, v) => { c.slowlogMaxLen = v as number; },
  },
  {
    name: 'acllog-max-len', kind: 'int', default: '128', mutable: true, min: 0, max: LLONG_MAX,
    why: 'entries kept in ACL LOG (refused commands, keys, channels, failed AUTH); the oldest are dropped',
    read: (c) => String(c.acllogMaxLen), write: (c, v) => { c.acllogMaxLen = v as number; },
  },
  {
    name: 'aclfile', kind: 'string', default: '""', mutable: false,
    why: 'ACL users are loaded from this file at startup and by ACL LOAD, and written by ACL SAVE; not together with user lines',
    read: (c) => c.aclfile, write: (c, v) => { c.aclfile = v as string; },
  },
  {
    name: 'acl-pubsub-default', kind: 'enum', default: 'resetchannels', mutable: true, values: ['allchannels', 'resetchannels'],
    why: 'what channels a new ACL user or selector starts with, as Redis 7.0 (resetchannels: none until &pattern is given)',
    read: (c) => c.aclPubsubDefault, write: (c, v) => { c.aclPubsubDefault = v as 'allchannels' | 'resetchannels'; },
  },
  {
    name: 'busy-reply-threshold', aliases: ['lua-time-limit'], kind: 'int', default: '5000', mutable: true, min: 0, max: LLONG_MAX,
    why: 'milliseconds a script may run before other clients get -BUSY and SCRIPT KILL may stop it (the script then yields to them between instructions)',
    read: (c) => String(c.busyReplyThreshold), write: (c, v) => { c.busyReplyThreshold = v as number; },
  },
  {
    name: 'latency-monitor-threshold', kind: 'int', default: '0', mutable: true, min: 0, max: LLONG_MAX,
    why: 'commands and engine events (fsync, flush, compaction, write-stall) taking at least this many milliseconds are kept for LATENCY LATEST/HISTORY; 0 disables',
    read: (c) => String(c.latencyMonitorThreshold), write: (c, v) => { c.latencyMonitorThreshold = v as number; },
  },
  {
    name: 'latency-tracking', kind: 'bool', default: 'yes', mutable: true,
    why: 'keep a latency histogram per command for INFO latencystats and LATENCY HISTOGRAM',
    read: (c) => yesNo(c.latencyTracking), write: (c, v) => { c.latencyTracking = v as boolean; },
  },
  {
    name: 'latency-tracking-info-percentiles', kind: 'string', default: '"50 99 99.9"', mutable: true,
    why: 'the percentiles INFO latencystats prints per command, as a space-separated list of numbers from 0 to 100',
    parse: parsePercentiles,
    read: (c) => c.latencyTrackingInfoPercentiles.map(formatPercentile).join(' '),
    write: (c, v) => { c.latencyTrackingInfoPercentiles = v as number[]; },
  },
  {
    name: 'hash-max-listpack-entries', aliases: ['hash-max-ziplist-entries'], kind: 'int', default: '512', mutable: true, min: 0, max: LLONG_MAX,
    why: 'a hash with more fields than this reports OBJECT ENCODING hashtable instead of listpack, as in Redis (storage is the same either way; 512 is redis-server\'s built-in default, its sample redis.conf says 128)',
    read: (c) => String(c.hashMaxListpackEntries), write: (c, v) => { c.hashMaxListpackEntries = v as number; },
  },
  {
    name: 'hash-max-listpack-value', aliases: ['hash-max-ziplist-value'], kind: 'memory', default: '64', mutable: true, min: 0, max: LLONG_MAX,
    why: 'a hash that ever held a field or value longer than this reports hashtable',
    read: (c) => String(c.hashMaxListpackValue), write: (c, v) => { c.hashMaxListpackValue = v as number; },
  },
  {
    name: 'set-max-intset-entries', kind: 'int', default: '512', mutable: true, min: 0, max: LLONG_MAX,
    why: 'a set of integers with at most this many members reports OBJECT ENCODING intset, else hashtable',
    read: (c) => String(c.setMaxIntsetEntries), write: (c, v) => { c.setMaxIntsetEntries = v as number; },
  },
  {
    name: 'zset-max-listpack-entries', aliases: ['zset-max-ziplist-entries'], kind: 'int', default: '128', mutable: true, min: 0, max: LLONG_MAX,
    why: 'a sorted set with more members than this reports OBJECT ENCODING skiplist instead of listpack',
    read: (c) => String(c.zsetMaxListpackEntries), write: (c, v) => { c.zsetMaxListpackEntries = v as number; },
  },
  {
    name: 'zset-max-listpack-value', aliases: ['zset-max-ziplist-value'], kind: 'memory', default: '64', mutable: true, min: 0, max: LLONG_MAX,
    why: 'a sorted set that ever held a member longer than this reports skiplist',
    read: (c) => String(c.zsetMaxListpackValue), write: (c, v) => { c.zsetMaxListpackValue = v as number; },
  },
  {
    name: 'notify-keyspace-events', kind: 'string', default: '""', mutable: true, rewriteQuoted: true,
    why: 'keyspace notifications over Pub/Sub: class letters K E g $ l s h z x e t m d n, A for g$lshzxetd; empty sends none',
    parse: parseKeyspaceEvents,
    read: (c) => keyspaceEventsToString(c.notifyKeyspaceEvents),
    write: (c, v) => { c.notifyKeyspaceEvents = v as number; },
  },
  {
    name: 'zset-rank-bucket-size', kind: 'int', default: '1024', mutable: true, min: 4, max: 1 << 20,
    why: 'members per bucket of a sorted set rank index before it splits (ZRANK walks half a bucket on average); sets of half as many get an index',
    read: (c) => String(c.zsetRankBucketSize), write: (c, v) => { c.zsetRankBucketSize = v as number; },
  },
  {
    name: 'hll-sparse-max-bytes', kind: 'memory', default: '3000', mutable: true, min: 0, max: LLONG_MAX,
    why: 'a sparse HyperLogLog that would grow past this many bytes turns dense (12 KB), as in Redis; the values stay byte for byte those redis-server writes',
    read: (c) => String(c.hllSparseMaxBytes), write: (c, v) => { c.hllSparseMaxBytes = v as number; },
  },
  {
    name: 'hz', kind: 'int', default: '10', mutable: true, min: 0, max: INT_MAX,
    why: 'housekeeping runs per second (idle-client timeouts, end of CLIENT PAUSE); as in Redis, values outside 1..500 become the nearest of them',
    read: (c) => String(c.hz), write: (c, v) => { c.hz = Math.min(500, Math.max(1, v as number)); },
  },
  {
    name: 'admin-port', kind: 'int', default: '0', mutable: false, min: 0, max: 65535,
    why: 'HTTP port for /metrics (Prometheus), /healthz, /readyz, the dashboard and the REST gateway, on the bind addresses; 0 keeps it off',
    read: (c) => String(c.adminPort), write: (c, v) => { c.adminPort = v as number; },
  },
];

/** Not a CONFIG parameter (Redis' CONFIG GET does not know it either), so it is not in DIRECTIVES. */
const RENAME_COMMAND = 'rename-command';
/** ACL users, as redis.conf declares them: nor is `user` a CONFIG parameter. */
const USER = 'user';

/**
 * A Redis parameter StrataKV only keeps, as a directive: its value lives in cfg.redisOnly as
 * CONFIG GET shows it, parsed with the kind's rules and Redis' texts.
 */
function redisOnlyDirective(p: RedisParameter): Directive {
  const format = (v: ParsedValue): string => {
    const text = typeof v === 'boolean' ? yesNo(v) : String(v);
    return p.synonyms?.[text] ?? text;
  };
  const d: Directive = {
    name: p.name,
    aliases: p.aliases === undefined ? undefined : [...p.aliases],
    kind: p.kind === 'memory-or-percent' || p.kind === 'words' ? 'string' : p.kind,
    default: p.default === '' || p.default.includes(' ') ? JSON.stringify(p.default) : p.default,
    mutable: p.immutable !== true,
    protectedConfig: p.protected,
    hidden: p.hidden,
    sensitive: p.sensitive,
    min: p.min,
    max: p.max,
    values: p.values,
    why: 'a Redis 7.0 parameter kept for compatibility; it has no effect in StrataKV',
    read: (c) => c.redisOnly[p.name],
    write: (c, v) => { c.redisOnly[p.name] = format(v); },
  };
  if (p.kind === 'memory-or-percent') d.parse = parseMemoryOrPercent;
  else if (p.kind === 'words') d.parse = (args) => wordsParameter(args, p);
  else if (p.validate !== undefined) {
    const validate = p.validate;
    d.rewriteQuoted = true;
    d.parse = (args) => {
      if (args.length !== 1) return { error: 'wrong number of arguments' };
      const error = validate(args[0]);
      return error === null ? { value: args[0] } : { error };
    };
  }
  return d;
}

/** Every parameter: StrataKV's directives, then the Redis parameters it only keeps. */
const ALL_PARAMETERS: readonly Directive[] = [...DIRECTIVES, ...REDIS_ONLY_PARAMETERS.map(redisOnlyDirective)];

const BY_NAME = new Map<string, Directive>();
for (const d of ALL_PARAMETERS) {
  BY_NAME.set(d.name, d);
  for (const a of d.aliases ?? []) BY_NAME.set(a, d);
}

/** Redis' setConfigSaveOption check: pairs of seconds (at least 1) and changes (at least 0), or nothing. */
function parseSave(args: string[]): { value?: ParsedValue; error?: string } {
  const words = args.flatMap((a) => a.split(' ').filter((w) => w !== ''));
  const invalid = words.length % 2 !== 0 || words.some((w, i) => !/^[+-]?\d+$/.test(w) || Number(w) < (i % 2 === 0 ? 1 : 0));
  if (invalid) return { error: 'Invalid save parameters' };
  return { value: words.map((w) => String(Number(w))).join(' ') };
}

/** maxmemory-clients: a memory value, or a percentage of maxmemory up to 100 ("10%"). */
function parseMemoryOrPercent(args: string[]): { value?: ParsedValue; error?: string } {
  if (args.length !== 1) return { error: 'wrong number of arguments' };
  const text = cString(args[0]);
  if (text.endsWith('%')) {
    const n = /^\d+$/.test(text.slice(0, -1)) ? Number(text.slice(0, -1)) : Number.NaN;
    if (Number.isNaN(n)) return { error: 'argument must be a memory or percent value' };
    if (n > 100) return { error: 'percentage argument must be less or equal to 100' };
    return { value: `${n}%` };
  }
  const v = parseMemory(text);
  return v === null ? { error: 'argument must be a memory or percent value' } : { value: v };
}

/** A parameter of several words (oom-score-adj-values, replicaof): one argument or several, checked whole. */
function wordsParameter(args: string[], p: RedisParameter): { value?: ParsedValue; error?: string } {
  const value = args.flatMap((a) => a.split(' ').filter((w) => w !== '')).join(' ');
  const error = p.validate?.(value) ?? null;
  return error === null ? { value } : { error };
}

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

/** A percentile as Redis prints it: `%f` with trailing zeros (and a bare dot) trimmed, e.g. 99.9, 50. */
export function formatPercentile(p: number): string {
  return p.toFixed(6).replace(/\.?0+$/, '');
}

/** latency-tracking-info-percentiles: numbers 0..100, given as one argument or several (Redis' texts). */
function parseKeyspaceEvents(args: string[]): { value?: ParsedValue; error?: string } {
  if (args.length !== 1) return { error: 'wrong number of arguments' };
  const flags = keyspaceEventsFromString(args[0]);
  return flags < 0 ? { error: ERR_EVENT_CLASS } : { value: flags };
}

function parsePercentiles(args: string[]): { value?: ParsedValue; error?: string } {
  const words = args.flatMap((a) => a.split(' ').filter((s) => s.length > 0));
  const values: number[] = [];
  for (const w of words) {
    const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(w) ? Number(w) : Number.NaN;
    if (!Number.isFinite(v)) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
    if (v < 0 || v > 100) return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
    values.push(v);
  }
  return { value: values };
}

function formatObl(o: ServerConfig['clientOutputBufferLimit']): string {
  const f = (l: OutputBufferLimit): string => `${l.hardBytes} ${l.softBytes} ${l.softSeconds}`;
  return `normal ${f(o.normal)} slave ${f(o.replica)} pubsub ${f(o.pubsub)}`;
}

const MEMORY_VALUE = /^(\d*)(k|kb|m|mb|g|gb|b)?$/i;

/**
 * Redis' memtoull: 1k = 1000, 1kb = 1024, also m/mb, g/gb; case-insensitive; no sign (memtoull
 * refuses '-'); no digits at all is 0, as strtoull makes it. null when invalid or beyond 2^53.
 */
export function parseMemory(text: string): number | null {
  const m = MEMORY_VALUE.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const mult = unit === 'k' ? 1000 : unit === 'kb' ? 1024 : unit === 'm' ? 1e6 : unit === 'mb' ? 1024 * 1024
    : unit === 'g' ? 1e9 : unit === 'gb' ? 1024 * 1024 * 1024 : 1;
  const v = Number(m[1]) * mult;
  return Number.isSafeInteger(v) ? v : null;
}

/** A string2ll-shaped integer within 64 bits. */
function isInt64(text: string): boolean {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return false;
  const v = BigInt(text);
  return v >= -(2n ** 63n) && v < 2n ** 63n;
}

/** What C sees of a string: up to its first NUL. */
function cString(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** Redis' string2ll: no sign but '-', no leading zeros, no "-0". */
function parseInteger(text: string): number | null {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return null;
  const v = Number(text);
  return Number.isSafeInteger(v) ? v : null;
}

/** Parses a directive's arguments. Returns the value, or a Redis-worded error string in `error`. */
function parseValue(d: Directive, args: string[]): { value?: ParsedValue; error?: string } {
  if (d.parse !== undefined) return d.parse(args);
  if (d.kind === 'bind') {
    if (args.length < 1) return { error: 'wrong number of arguments' };
    // CONFIG SET passes "a b" as one argument; the file passes several.
    const list = args.flatMap((a) => a.split(' ').filter((s) => s.length > 0));
    return { value: list };
  }
  if (d.kind === 'obl') {
    const words = args.flatMap((a) => a.split(' ').filter((s) => s.length > 0));
    if (words.length === 0 || words.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
    const value = { normal: { hardBytes: 0, softBytes: 0, softSeconds: 0 }, replica: { hardBytes: 0, softBytes: 0, softSeconds: 0 }, pubsub: { hardBytes: 0, softBytes: 0, softSeconds: 0 } };
    for (let i = 0; i < words.length; i += 4) {
      const cls = words[i].toLowerCase();
      const hard = parseMemory(words[i + 1]);
      const soft = parseMemory(words[i + 2]);
      const secs = parseInteger(words[i + 3]);
      const target = cls === 'normal' ? value.normal : cls === 'replica' || cls === 'slave' ? value.replica : cls === 'pubsub' ? value.pubsub : null;
      if (!target || hard === null || soft === null || secs === null || hard < 0 || soft < 0 || secs < 0) {
        return { error: 'Invalid client class specified in buffer limit configuration.' };
      }
      target.hardBytes = hard;
      target.softBytes = soft;
      target.softSeconds = secs;
    }
    return { value };
  }
  if (args.length !== 1) return { error: 'wrong number of arguments' };
  const text = args[0];
  switch (d.kind) {
    case 'bool': {
      const t = text.toLowerCase();
      if (t === 'yes') return { value: true };
      if (t === 'no') return { value: false };
      return { error: "argument must be 'yes' or 'no'" };
    }
    case 'int': {
      // A 64-bit integer beyond JavaScript's exact range still parses, and is out of every range here.
      const v = parseInteger(text) ?? (isInt64(text) ? Number(text) : null);
      if (v === null) return { error: "argument couldn't be parsed into an integer" };
      if ((d.min !== undefined && v < d.min) || (d.max !== undefined && v > d.max)) {
        return { error: `argument must be between ${d.min} and ${d.max === LLONG_MAX ? '9223372036854775807' : d.max} inclusive` };
      }
      return { value: v };
    }
    case 'memory': {
      // Digits too many for a double are a value out of range to Redis, not a malformed one.
      // Redis reads the value as a C string: it ends at a NUL.
      const v = parseMemory(cString(text)) ?? (MEMORY_VALUE.test(cString(text)) ? Number.POSITIVE_INFINITY : null);
      if (v === null) return { error: 'argument must be a memory value' };
      if ((d.min !== undefined && v < d.min) || (d.max !== undefined && v > d.max)) {
        return { error: `argument must be between ${d.min} and ${d.max === LLONG_MAX ? '9223372036854775807' : d.max} inclusive` };
      }
      return { value: v };
    }
    case 'enum': {
      const t = text.toLowerCase();
      if (!d.values?.includes(t)) return { error: `argument(s) must be one of the following: ${d.values?.join(', ')}` };
      return { value: t };
    }
    default:
      return { value: text };
  }
}

/** A configuration mistake, located at `source:line` (source is a file path or '(command line)'). */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly line: number, readonly directiveText: string, readonly detail: string) {
    super(`${source}:${line}: ${detail} (>>> '${directiveText}')`);
    this.name = 'ConfigError';
  }
}

/** A fresh configuration holding every default. */
export function defaultConfig(): ServerConfig {
  const cfg = { renamedCommands: [] as CommandRename[], userLines: [] as UserLine[], redisOnly: {} } as unknown as ServerConfig;
  for (const d of ALL_PARAMETERS) {
    const args = splitArgs(d.default) ?? [];
    const parsed = parseValue(d, d.kind === 'string' ? [args[0] ?? ''] : args);
    if (parsed.value === undefined) throw new Error(`bad default for ${d.name}: ${parsed.error}`);
    d.write(cfg, parsed.value);
  }
  return cfg;
}

/**
 * Applies redis.conf-syntax text to `cfg`: one directive per line, `#` comments, arguments split as
 * Redis does (quotes allowed). Throws ConfigError at the first bad line.
 */
export function applyConfigText(cfg: ServerConfig, text: string, source: string): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const args = splitArgs(line);
    if (args === null) throw new ConfigError(source, i + 1, line, 'Unbalanced quotes in configuration line');
    if (args.length === 0) continue;
    const name = args[0].toLowerCase();
    if (name === RENAME_COMMAND) {
      if (args.length !== 3) throw new ConfigError(source, i + 1, line, 'Bad directive or wrong number of arguments');
      cfg.renamedCommands.push({ from: args[1], to: args[2], source, line: i + 1, text: line });
      continue;
    }
    if (name === USER) {
      // Rules are checked against the command table at startup (src/server/main.ts): this module knows no commands.
      if (args.length < 2) throw new ConfigError(source, i + 1, 'user', 'Bad directive or wrong number of arguments');
      cfg.userLines.push({ name: args[1], rules: args.slice(2), source, line: i + 1 });
      continue;
    }
    const d = BY_NAME.get(name);
    if (!d) throw new ConfigError(source, i + 1, line, 'Bad directive or wrong number of arguments');
    const parsed = parseValue(d, args.slice(1));
    // A mistyped secret must not end up in a terminal scrollback or a CI log.
    const shown = d.sensitive === true ? `${args[0]} (redacted)` : line;
    if (parsed.value === undefined) throw new ConfigError(source, i + 1, shown, parsed.error ?? 'invalid value');
    d.write(cfg, parsed.value);
  }
}

/**
 * Turns redis-server style command-line options (`--port 7000 --save "" --bind a b`) into config
 * text: each `--name` starts a new directive line and the following words are its arguments.
 */
export function optionsToConfigText(options: readonly string[]): string {
  const lines: string[] = [];
  let current: string[] | null = null;
  for (const opt of options) {
    if (opt.startsWith('--') && opt.length > 2) {
      if (current) lines.push(current.join(' '));
      current = [opt.slice(2)];
    } else {
      const quoted = '"' + opt.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r') + '"';
      if (current) current.push(quoted);
      else lines.push(quoted); // an argument with no directive: reported as a bad directive
    }
  }
  if (current) lines.push(current.join(' '));
  return lines.join('\n');
}

/** Loads the file (if any), then the command-line options over it, as redis-server does. */
export function loadConfig(file: string | undefined, options: readonly string[]): ServerConfig {
  const cfg = defaultConfig();
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(file, 0, '', `cannot read the config file: ${(err as Error).message}`);
    }
    applyConfigText(cfg, text, file);
  }
  if (options.length > 0) applyConfigText(cfg, optionsToConfigText(options), '(command line)');
  return cfg;
}

/**
 * CONFIG GET, as Redis 7.0's configGetCommand: a pattern without glob characters names one
 * parameter (or alias) exactly, case-insensitively, and the reply uses the name as asked; a glob
 * matches names and aliases alike (so `*` lists both), but never a hidden parameter. Each name
 * is listed once.
 */
export function configGet(cfg: ServerConfig, patterns: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const listed = new Set<string>();
  const add = (name: string, d: Directive): void => {
    if (listed.has(name.toLowerCase())) return;
    listed.add(name.toLowerCase());
    // Unlike Redis 7.0, a secret never leaves the server, not even to an authenticated client
    // (issue 4's security defaults); CONFIG REWRITE still writes it to the file.
    out.push([name, d.sensitive === true && d.read(cfg) !== '' ? '(redacted)' : d.read(cfg)]);
  };
  for (const pattern of patterns) {
    if (!/[[*?]/.test(pattern)) {
      const d = BY_NAME.get(pattern.toLowerCase());
      if (d !== undefined) add(pattern, d);
      continue;
    }
    for (const [name, d] of BY_NAME) {
      if (d.hidden !== true && globMatch(pattern, name, true)) add(name, d);
    }
  }
  return out;
}

/** Whether a directive holds a secret that MONITOR, SLOWLOG and error messages must not show. */
export function isSensitiveDirective(name: string): boolean {
  return BY_NAME.get(name.toLowerCase())?.sensitive === true;
}

/** The current value of one directive as CONFIG GET shows it, or undefined for an unknown name. */
export function configValue(cfg: ServerConfig, name: string): string | undefined {
  return BY_NAME.get(name.toLowerCase())?.read(cfg);
}

/**
 * enable-protected-configs: StrataKV has no local-connection exemption for CONFIG SET, so only
 * yes allows protected parameters.
 */
function protectedConfigsAllowed(cfg: ServerConfig): boolean {
  return cfg.redisOnly['enable-protected-configs'] === 'yes';
}

/** A Redis parameter StrataKV only keeps, as CONFIG GET shows it (maxmemory, enable-module-command ...). */
export function redisOnlyValue(cfg: ServerConfig, name: string): string {
  return cfg.redisOnly[name] ?? '';
}

/**
 * CONFIG SET of several name/value pairs, all or nothing (Redis 7 semantics). Returns null on
 * success (cfg changed, names of the changed directives in `changed`) or Redis' exact error text.
 */
export function configSet(cfg: ServerConfig, pairs: ReadonlyArray<[string, string]>, changed: string[]): string | null {
  // First every name, as Redis' configSetCommand: the first unknown, immutable, protected or
  // repeated one (named as the client wrote it) fails the whole command before any value is read.
  const found: Directive[] = [];
  // Redis 7.0 keeps an alias as a parameter of its own: only the same name twice is a duplicate.
  const names = new Set<string>();
  for (const [name] of pairs) {
    const d = BY_NAME.get(name.toLowerCase());
    if (!d) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
    const failed = (why: string): string => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
    // dir is protected in Redis and besides immutable here: Redis' answer (protected) comes first.
    if (d.protectedConfig === true && !protectedConfigsAllowed(cfg)) return failed("can't set protected config");
    if (!d.mutable) return failed("can't set immutable config");
    if (names.has(name.toLowerCase())) return failed('duplicate parameter');
    names.add(name.toLowerCase());
    found.push(d);
  }
  // Then every value; a bad one is reported under the name (or alias) in lower case, and nothing is set.
  const plan: Array<[Directive, ParsedValue]> = [];
  for (let i = 0; i < pairs.length; i++) {
    const d = found[i];
    const value = pairs[i][1];
    // Redis applies a buffer limit class by class: no classes at all changes nothing.
    if (d.kind === 'obl' && value.trim() === '') continue;
    const parsed = parseValue(d, [value]);
    if (parsed.value === undefined) return `ERR CONFIG SET failed (possibly related to argument '${pairs[i][0].toLowerCase()}') - ${parsed.error}`;
    plan.push([d, parsed.value]);
  }
  for (const [d, v] of plan) {
    d.write(cfg, v);
    changed.push(d.name);
  }
  return null;
}

/**
 * CONFIG REWRITE: rewrites `file` so it reflects `cfg`, line for line as redis-server 7 does
 * (checked side by side in test/e2e/lifecycle.test.ts): each directive's first line keeps its
 * place with the new value, its later lines become blank; comments and other lines stay, trimmed;
 * directives that differ from their default and are not in the file are appended, after the
 * line "# Generated by CONFIG REWRITE" unless the file has it already; runs of blank lines
 * become one. Written to a temp file and renamed into place.
 */
export function rewriteConfigFile(cfg: ServerConfig, file: string, userLines: readonly string[] = []): void {
  const original = readFileSync(file, 'utf8');
  const defaults = defaultConfig();
  const written = new Set<Directive>();
  const lines: string[] = [];
  let usersWritten = 0;
  let hasSignature = false;
  // As Redis, a file ending in a newline has an empty last line: it ends up before what is appended.
  for (const raw of original.split('\n')) {
    const line = raw.trim();
    if (line === REWRITE_SIGNATURE) hasSignature = true;
    const args = line.startsWith('#') || line === '' ? null : splitArgs(line);
    const d = args && args.length > 0 ? BY_NAME.get(args[0].toLowerCase()) : undefined;
    if (args !== null && args.length > 0 && args[0].toLowerCase() === USER) {
      // Redis' rewriteConfigUserOption: the users in their order take the places of the old `user` lines.
      lines.push(usersWritten < userLines.length ? userLines[usersWritten++] : '');
    } else if (!d) lines.push(line);
    else if (written.has(d)) lines.push('');
    else {
      written.add(d);
      lines.push(configLine(d, cfg));
    }
  }
  for (const d of ALL_PARAMETERS) {
    if (written.has(d) || d.read(cfg) === d.read(defaults)) continue;
    if (!hasSignature) {
      lines.push(REWRITE_SIGNATURE);
      hasSignature = true;
    }
    lines.push(configLine(d, cfg));
  }
  for (; usersWritten < userLines.length; usersWritten++) {
    if (!hasSignature) {
      lines.push(REWRITE_SIGNATURE);
      hasSignature = true;
    }
    lines.push(userLines[usersWritten]);
  }
  let text = '';
  let previousBlank = false;
  for (const line of lines) {
    if (line === '' && previousBlank) continue;
    previousBlank = line === '';
    text += line + '\n';
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const REWRITE_SIGNATURE = '# Generated by CONFIG REWRITE';

/**
 * A directive as CONFIG REWRITE writes it, in Redis' spelling: strings always quoted, sizes in
 * the largest unit that divides them (64mb), word lists (save, percentiles) as words.
 */
function configLine(d: Directive, cfg: ServerConfig): string {
  const value = d.read(cfg);
  if (d.kind === 'memory') return `${d.name} ${formatMemory(Number(value))}`;
  if (d.kind === 'string' && (d.parse === undefined || d.rewriteQuoted === true)) return `${d.name} ${quoteConfigString(value)}`;
  return `${d.name} ${value === '' ? '""' : value}`;
}

/** Redis' rewriteConfigFormatMemory. */
function formatMemory(bytes: number): string {
  for (const [unit, size] of [['gb', 1024 ** 3], ['mb', 1024 ** 2], ['kb', 1024]] as const) {
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** A double-quoted string as Redis' sdscatrepr writes it (and splitArgs reads it back). */
function quoteConfigString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** The directive table as conf-file text: every directive with its default and its why. */
export function describeDirectives(): Array<{ name: string; default: string; why: string; mutable: boolean }> {
  return DIRECTIVES.map((d) => ({ name: d.name, default: d.default, why: d.why, mutable: d.mutable }));
}
