/**
 * Redis 7.0.15's configuration parameters that have no counterpart in StrataKV: replication,
 * cluster, RDB/AOF files, eviction, defragmentation, OS integration ... CONFIG GET lists them
 * with Redis' defaults and CONFIG SET and config files accept them with Redis' validation (and
 * its error texts), so that tools which read or set them (redis-cli, client libraries, operators'
 * config files) see what a Redis 7.0 would show; their values change nothing here. README.md,
 * "Configuration", says which parameters take effect and what the others mean.
 *
 * The parameters StrataKV acts on, with Redis' names or its own, are in ./config.ts (DIRECTIVES).
 * Kinds, ranges, enums, immutable/protected/hidden flags and defaults are transcribed from
 * redis-server 7.0.15 (its CONFIG GET * and the errors of CONFIG SET with bad values).
 */

export type RedisParameterKind = 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'memory-or-percent' | 'words';

export interface RedisParameter {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly kind: RedisParameterKind;
  /** As CONFIG GET shows it. */
  readonly default: string;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** CONFIG SET refuses it ("can't set immutable config"); config files may set it. */
  readonly immutable?: true;
  /** Redis' PROTECTED_CONFIG: CONFIG SET refuses it unless enable-protected-configs allows it. */
  readonly protected?: true;
  /** CONFIG GET finds it only by its exact name, never by a pattern. */
  readonly hidden?: true;
  /** A secret: never echoed in errors, redacted in MONITOR and SLOWLOG. */
  readonly sensitive?: true;
  /** Enum words that are another's synonym: CONFIG GET shows the first name of the value (oom-score-adj relative is yes). */
  readonly synonyms?: Readonly<Record<string, string>>;
  /** A check beyond the kind's: Redis' error text, or null when the value is fine. */
  readonly validate?: (value: string) => string | null;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** Redis' LONG_MAX / LLONG_MAX, as its range errors print it (config.ts formats it). */
const LLONG_MAX = Number.MAX_SAFE_INTEGER;
/** Unsigned 64-bit limits are never reached by a value JavaScript holds exactly. */
const ULLONG_MAX = Number.MAX_SAFE_INTEGER;
const PROTECTED_ACTION = ['no', 'yes', 'local'];

/** Redis' isValidAnnouncedHostname. */
function validHostname(value: string): string | null {
  return /^[A-Za-z0-9.-]*$/.test(value) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

/**
 * Redis' isValidProcTitleTemplate: only its known {variables}, braces balanced, and something left
 * once expanded with an empty title and trimmed of spaces (the listen address and ports are never
 * empty; the title, server mode, unix socket and config file may be).
 */
function validProcTitleTemplate(value: string): string | null {
  const never = new Set(['{listen-addr}', '{port}', '{tls-port}']);
  const maybe = new Set(['{title}', '{server-mode}', '{unixsocket}', '{config-file}']);
  let unknown = false;
  const expanded = value.replace(/\{[^{}]*\}/g, (v) => {
    if (never.has(v)) return 'x';
    if (!maybe.has(v)) unknown = true;
    return '';
  });
  const invalid = unknown || /[{}]/.test(expanded) || expanded.trim() === '';
  return invalid ? 'template format is invalid or contains unknown variables' : null;
}

/** Redis' setConfigOOMScoreAdjValuesOption: three integers from -2000 to 2000. */
function validOomScoreAdjValues(value: string): string | null {
  const words = value.split(' ').filter((w) => w !== '');
  if (words.length !== 3) return 'wrong number of arguments';
  for (const w of words) {
    const n = /^-?\d+$/.test(w) ? Number(w) : Number.NaN;
    if (!(n >= -2000 && n <= 2000)) return 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.';
  }
  return null;
}

export const REDIS_ONLY_PARAMETERS: readonly RedisParameter[] = [
  { name: 'active-defrag-cycle-max', kind: 'int', default: '25', min: 1, max: 99 },
  { name: 'active-defrag-cycle-min', kind: 'int', default: '1', min: 1, max: 99 },
  { name: 'active-defrag-ignore-bytes', kind: 'memory', default: '104857600', min: 1, max: LLONG_MAX },
  { name: 'active-defrag-max-scan-fields', kind: 'int', default: '1000', min: 1, max: LLONG_MAX },
  { name: 'active-defrag-threshold-lower', kind: 'int', default: '10', min: 0, max: 1000 },
  { name: 'active-defrag-threshold-upper', kind: 'int', default: '100', min: 0, max: 1000 },
  { name: 'active-expire-effort', kind: 'int', default: '1', min: 1, max: 10 },
  { name: 'activedefrag', kind: 'bool', default: 'no' },
  { name: 'activerehashing', kind: 'bool', default: 'yes' },
  { name: 'always-show-logo', kind: 'bool', default: 'no', immutable: true },
  { name: 'aof-disable-auto-gc', kind: 'bool', default: 'no' },
  { name: 'aof-load-truncated', kind: 'bool', default: 'yes' },
  { name: 'aof-rewrite-incremental-fsync', kind: 'bool', default: 'yes' },
  { name: 'aof-timestamp-enabled', kind: 'bool', default: 'no' },
  { name: 'aof-use-rdb-preamble', kind: 'bool', default: 'yes' },
  { name: 'aof_rewrite_cpulist', kind: 'string', default: '', immutable: true },
  { name: 'appenddirname', kind: 'string', default: 'appendonlydir', immutable: true },
  { name: 'appendfilename', kind: 'string', default: 'appendonly.aof', immutable: true },
  { name: 'auto-aof-rewrite-min-size', kind: 'memory', default: '67108864', min: 0, max: LLONG_MAX },
  { name: 'auto-aof-rewrite-percentage', kind: 'int', default: '100', min: 0, max: INT_MAX },
  { name: 'bgsave_cpulist', kind: 'string', default: '', immutable: true },
  { name: 'bind-source-addr', kind: 'string', default: '' },
  { name: 'bio_cpulist', kind: 'string', default: '', immutable: true },
  { name: 'cluster-allow-pubsubshard-when-down', kind: 'bool', default: 'yes' },
  { name: 'cluster-allow-reads-when-down', kind: 'bool', default: 'no' },
  { name: 'cluster-allow-replica-migration', kind: 'bool', default: 'yes' },
  { name: 'cluster-announce-bus-port', kind: 'int', default: '0', min: 0, max: 65535 },
  { name: 'cluster-announce-ip', kind: 'string', default: '' },
  { name: 'cluster-announce-port', kind: 'int', default: '0', min: 0, max: 65535 },
  { name: 'cluster-announce-tls-port', kind: 'int', default: '0', min: 0, max: 65535 },
  { name: 'cluster-config-file', kind: 'string', default: 'nodes.conf', immutable: true },
  { name: 'cluster-enabled', kind: 'enum', default: 'no', values: ['no'], immutable: true },
  { name: 'cluster-link-sendbuf-limit', kind: 'memory', default: '0', min: 0, max: ULLONG_MAX },
  { name: 'cluster-migration-barrier', kind: 'int', default: '1', min: 0, max: INT_MAX },
  { name: 'cluster-node-timeout', kind: 'int', default: '15000', min: 0, max: LLONG_MAX },
  { name: 'cluster-port', kind: 'int', default: '0', min: 0, max: 65535, immutable: true },
  { name: 'cluster-preferred-endpoint-type', kind: 'enum', default: 'ip', values: ['ip', 'hostname', 'unknown-endpoint'] },
  { name: 'cluster-replica-no-failover', aliases: ['cluster-slave-no-failover'], kind: 'bool', default: 'no' },
  { name: 'cluster-replica-validity-factor', aliases: ['cluster-slave-validity-factor'], kind: 'int', default: '10', min: 0, max: INT_MAX },
  { name: 'cluster-require-full-coverage', kind: 'bool', default: 'yes' },
  { name: 'crash-log-enabled', kind: 'bool', default: 'yes' },
  { name: 'crash-memcheck-enabled', kind: 'bool', default: 'yes' },
  { name: 'daemonize', kind: 'bool', default: 'no', immutable: true },
  { name: 'dbfilename', kind: 'string', default: 'dump.rdb', protected: true },
  { name: 'disable-thp', kind: 'bool', default: 'yes', immutable: true },
  { name: 'dynamic-hz', kind: 'bool', default: 'yes' },
  { name: 'enable-debug-command', kind: 'enum', default: 'no', values: PROTECTED_ACTION, immutable: true },
  { name: 'enable-module-command', kind: 'enum', default: 'no', values: PROTECTED_ACTION, immutable: true },
  { name: 'enable-protected-configs', kind: 'enum', default: 'no', values: PROTECTED_ACTION, immutable: true },
  { name: 'ignore-warnings', kind: 'string', default: '' },
  { name: 'io-threads', kind: 'int', default: '1', min: 1, max: 128, immutable: true },
  { name: 'io-threads-do-reads', kind: 'bool', default: 'no', immutable: true },
  { name: 'jemalloc-bg-thread', kind: 'bool', default: 'yes' },
  { name: 'lazyfree-lazy-eviction', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-expire', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-server-del', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-user-del', kind: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool', default: 'no' },
  { name: 'lfu-decay-time', kind: 'int', default: '1', min: 0, max: INT_MAX },
  { name: 'lfu-log-factor', kind: 'int', default: '10', min: 0, max: INT_MAX },
  { name: 'list-compress-depth', kind: 'int', default: '0', min: 0, max: INT_MAX },
  { name: 'list-max-listpack-size', aliases: ['list-max-ziplist-size'], kind: 'int', default: '-2', min: INT_MIN, max: INT_MAX },
  { name: 'masterauth', kind: 'string', default: '', sensitive: true },
  { name: 'masteruser', kind: 'string', default: '', sensitive: true },
  { name: 'maxmemory', kind: 'memory', default: '0', min: 0, max: ULLONG_MAX },
  { name: 'maxmemory-eviction-tenacity', kind: 'int', default: '10', min: 0, max: 100 },
  { name: 'maxmemory-policy', kind: 'enum', default: 'noeviction', values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] },
  { name: 'maxmemory-samples', kind: 'int', default: '5', min: 1, max: INT_MAX },
  { name: 'min-replicas-max-lag', aliases: ['min-slaves-max-lag'], kind: 'int', default: '10', min: 0, max: INT_MAX },
  { name: 'min-replicas-to-write', aliases: ['min-slaves-to-write'], kind: 'int', default: '0', min: 0, max: INT_MAX },
  { name: 'no-appendfsync-on-rewrite', kind: 'bool', default: 'no' },
  { name: 'oom-score-adj', kind: 'enum', default: 'no', values: ['no', 'yes', 'relative', 'absolute'], synonyms: { relative: 'yes' } },
  { name: 'proc-title-template', kind: 'string', default: '{title} {listen-addr} {server-mode}', validate: validProcTitleTemplate },
  { name: 'propagation-error-behavior', kind: 'enum', default: 'ignore', values: ['ignore', 'panic', 'panic-on-replicas'] },
  { name: 'rdb-del-sync-files', kind: 'bool', default: 'no' },
  { name: 'rdb-save-incremental-fsync', kind: 'bool', default: 'yes' },
  { name: 'rdbchecksum', kind: 'bool', default: 'yes', immutable: true },
  { name: 'rdbcompression', kind: 'bool', default: 'yes' },
  { name: 'repl-backlog-size', kind: 'memory', default: '1048576', min: 1, max: LLONG_MAX },
  { name: 'repl-backlog-ttl', kind: 'int', default: '3600', min: 0, max: LLONG_MAX },
  { name: 'repl-disable-tcp-nodelay', kind: 'bool', default: 'no' },
  { name: 'repl-diskless-load', kind: 'enum', default: 'disabled', values: ['disabled', 'on-empty-db', 'swapdb'] },
  { name: 'repl-diskless-sync', kind: 'bool', default: 'yes' },
  { name: 'repl-diskless-sync-delay', kind: 'int', default: '5', min: 0, max: INT_MAX },
  { name: 'repl-diskless-sync-max-replicas', kind: 'int', default: '0', min: 0, max: INT_MAX },
  { name: 'repl-ping-replica-period', aliases: ['repl-ping-slave-period'], kind: 'int', default: '10', min: 1, max: INT_MAX },
  { name: 'repl-timeout', kind: 'int', default: '60', min: 1, max: INT_MAX },
  { name: 'replica-announce-ip', aliases: ['slave-announce-ip'], kind: 'string', default: '' },
  { name: 'replica-announce-port', aliases: ['slave-announce-port'], kind: 'int', default: '0', min: 0, max: 65535 },
  { name: 'replica-announced', kind: 'bool', default: 'yes' },
  { name: 'replica-ignore-disk-write-errors', kind: 'bool', default: 'no' },
  { name: 'replica-ignore-maxmemory', aliases: ['slave-ignore-maxmemory'], kind: 'bool', default: 'yes' },
  { name: 'replica-lazy-flush', aliases: ['slave-lazy-flush'], kind: 'bool', default: 'no' },
  { name: 'replica-priority', aliases: ['slave-priority'], kind: 'int', default: '100', min: 0, max: INT_MAX },
  { name: 'replica-read-only', aliases: ['slave-read-only'], kind: 'bool', default: 'yes' },
  { name: 'replica-serve-stale-data', aliases: ['slave-serve-stale-data'], kind: 'bool', default: 'yes' },
  { name: 'replicaof', aliases: ['slaveof'], kind: 'words', default: '', immutable: true },
  { name: 'sanitize-dump-payload', kind: 'enum', default: 'no', values: ['no', 'yes', 'clients'] },
  { name: 'server_cpulist', kind: 'string', default: '', immutable: true },
  { name: 'set-proc-title', kind: 'bool', default: 'yes', immutable: true },
  { name: 'shutdown-on-sigint', kind: 'enum', default: 'default', values: ['default', 'save', 'nosave', 'now', 'force'] },
  { name: 'shutdown-on-sigterm', kind: 'enum', default: 'default', values: ['default', 'save', 'nosave', 'now', 'force'] },
  { name: 'shutdown-timeout', kind: 'int', default: '10', min: 0, max: INT_MAX },
  { name: 'socket-mark-id', kind: 'int', default: '0', min: 0, max: 4294967295, immutable: true },
  { name: 'stop-writes-on-bgsave-error', kind: 'bool', default: 'yes' },
  { name: 'stream-node-max-bytes', kind: 'memory', default: '4096', min: 0, max: LLONG_MAX },
  { name: 'stream-node-max-entries', kind: 'int', default: '100', min: 0, max: LLONG_MAX },
  { name: 'supervised', kind: 'enum', default: 'no', values: ['upstart', 'systemd', 'auto', 'no'], immutable: true },
  { name: 'syslog-enabled', kind: 'bool', default: 'no', immutable: true },
  { name: 'syslog-facility', kind: 'enum', default: 'local0', values: ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], immutable: true },
  { name: 'syslog-ident', kind: 'string', default: 'redis', immutable: true },
  { name: 'tcp-backlog', kind: 'int', default: '511', min: 0, max: INT_MAX, immutable: true },
  { name: 'tls-ca-cert-dir', kind: 'string', default: '' },
  { name: 'tls-ciphers', kind: 'string', default: '' },
  { name: 'tls-ciphersuites', kind: 'string', default: '' },
  { name: 'tls-client-cert-file', kind: 'string', default: '' },
  { name: 'tls-client-key-file', kind: 'string', default: '' },
  { name: 'tls-client-key-file-pass', kind: 'string', default: '' },
  { name: 'tls-cluster', kind: 'bool', default: 'no' },
  { name: 'tls-dh-params-file', kind: 'string', default: '' },
  { name: 'tls-key-file-pass', kind: 'string', default: '' },
  { name: 'tls-prefer-server-ciphers', kind: 'bool', default: 'no' },
  { name: 'tls-protocols', kind: 'string', default: '' },
  { name: 'tls-replication', kind: 'bool', default: 'no' },
  { name: 'tls-session-cache-size', kind: 'int', default: '20480', min: 0, max: INT_MAX },
  { name: 'tls-session-cache-timeout', kind: 'int', default: '300', min: 0, max: INT_MAX },
  { name: 'tls-session-caching', kind: 'bool', default: 'yes' },
  { name: 'unixsocket', kind: 'string', default: '', immutable: true },
  { name: 'unixsocketperm', kind: 'int', default: '0', min: 0, max: 511, immutable: true },
  { name: 'cluster-announce-hostname', kind: 'string', default: '', validate: validHostname },
  { name: 'maxmemory-clients', kind: 'memory-or-percent', default: '0' },
  { name: 'oom-score-adj-values', kind: 'words', default: '0 200 800', validate: validOomScoreAdjValues },
  // Hidden (CONFIG GET finds them by exact name only), debugging aids in Redis.
  { name: 'rdb-key-save-delay', kind: 'int', default: '0', min: INT_MIN, max: INT_MAX, hidden: true },
  { name: 'key-load-delay', kind: 'int', default: '0', min: INT_MIN, max: INT_MAX, hidden: true },
  { name: 'watchdog-period', kind: 'int', default: '0', min: 0, max: INT_MAX, hidden: true },
  { name: 'use-exit-on-panic', kind: 'bool', default: 'no', hidden: true },
  { name: 'loading-process-events-interval-bytes', kind: 'int', default: '2097152', min: 1024, max: INT_MAX, hidden: true },
];
