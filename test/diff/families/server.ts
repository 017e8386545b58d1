/**
 * Server and introspection commands: CONFIG GET (names, aliases, hidden names, globs, several at
 * once) and CONFIG SET (one or several parameters, valid and invalid values, immutable and
 * protected ones, duplicates, odd argument counts) over parameters that change nothing either
 * server could observe here; CLIENT KILL's argument validation (filters that match no client, so
 * no connection of the sequence dies); CLIENT REPLY ON and its syntax errors; MONITOR inside MULTI
 * (Redis refuses it in EXEC); COMMAND INFO/DOCS/GETKEYS/GETKEYSANDFLAGS/COUNT; MEMORY USAGE
 * (StrataKV counts its own records: only the reply's type is compared), MEMORY HELP/PURGE;
 * LATENCY GRAPH of no event; LOLWUT (7.0's own, and VERSION 5 with at most two rows, which is not
 * random); CLUSTER, ASKING, READONLY, READWRITE; MODULE LIST/HELP/LOAD/UNLOAD.
 *
 * Left out because a sequence cannot survive them, or they tell the two processes apart by nature:
 * parameters that would stop the servers answering alike (maxmemory small enough to refuse writes,
 * min-replicas-to-write, maxclients, timeout, bind, port, requirepass, the encodings' thresholds),
 * CLIENT REPLY OFF/SKIP (no reply to compare), CONFIG GET of parameters whose values are the
 * processes' own (dir, port, pidfile, bind, appendonly, daemonize, client-output-buffer-limit),
 * COMMAND COUNT and LIST (Redis 7.0's FAILOVER is not served yet; README, "Compatibility").
 */
import { unorderedPairs, type ReplyRule } from '../compare.js';
import type { Arg, BlockSpec, CommandSpec, Family, Gen } from '../gen.js';

/** Parameters CONFIG SET may change in a sequence, with values to try (valid and not). */
const SETTABLE: Readonly<Record<string, readonly string[]>> = {
  maxmemory: ['0', '2gb', '1gb', '-1', 'x', '10zb'],
  'maxmemory-policy': ['noeviction', 'allkeys-lru', 'volatile-ttl', 'ALLKEYS-LFU', 'lru', ''],
  'maxmemory-samples': ['5', '10', '0', 'x'],
  'maxmemory-clients': ['0', '10%', '101%', '1mb', 'x%', '-1'],
  'maxmemory-eviction-tenacity': ['10', '100', '101'],
  'lazyfree-lazy-user-del': ['yes', 'no', 'YES', 'maybe'],
  'lazyfree-lazy-expire': ['yes', 'no'],
  activerehashing: ['yes', 'no', '1'],
  'active-defrag-cycle-min': ['1', '25', '0', '100'],
  'active-defrag-ignore-bytes': ['100mb', '0', '1k', 'x'],
  'lfu-log-factor': ['10', '0', '-1'],
  'lfu-decay-time': ['1', '2147483648'],
  hz: ['10', '0', '1000', '100', 'x'],
  'dynamic-hz': ['yes', 'no'],
  'slowlog-max-len': ['128', '0', '-1'],
  'repl-backlog-size': ['1mb', '0', '16kb'],
  'repl-timeout': ['60', '0', '5'],
  'repl-diskless-load': ['disabled', 'swapdb', 'on-empty-db', 'never'],
  'replica-priority': ['100', '0', '-5'],
  'slave-priority': ['100', '7'],
  'cluster-node-timeout': ['15000', '-1'],
  'cluster-announce-hostname': ['', 'host-1.example', 'bad host!'],
  'tls-session-cache-size': ['20480', '0', '-1'],
  'oom-score-adj': ['no', 'relative', 'maybe'],
  'oom-score-adj-values': ['0 200 800', '0 200', '0 x 800', '0 200 2001'],
  'propagation-error-behavior': ['ignore', 'panic', 'explode'],
  'shutdown-timeout': ['10', '0', '-1'],
  'latency-tracking-info-percentiles': ['50 99 99.9', '', '101', 'x', '0 100'],
  'proc-title-template': ['{title} {listen-addr} {server-mode}', '{title}', '{nosuch}', ''],
  'acllog-max-len': ['128', '0'],
  'tracking-table-max-keys': ['1000000', '10', '-1'],
  'io-threads': ['4'],
  daemonize: ['yes'],
  'enable-debug-command': ['yes'],
  dbfilename: ['x.rdb'],
  dir: ['/tmp'],
  unixsocketperm: ['700'],
  nosuch: ['1'],
};
const SETTABLE_NAMES = Object.keys(SETTABLE);

/**
 * Redis' defaults of every parameter a sequence may change: session.ts sets them back before each
 * sequence (FLUSHALL keeps the configuration), so that a replayed one starts as the original did.
 */
export const CONFIG_DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ['maxmemory', '0'], ['maxmemory-policy', 'noeviction'], ['maxmemory-samples', '5'], ['maxmemory-clients', '0'], ['maxmemory-eviction-tenacity', '10'],
  ['lazyfree-lazy-user-del', 'no'], ['lazyfree-lazy-expire', 'no'], ['activerehashing', 'yes'], ['active-defrag-cycle-min', '1'],
  ['active-defrag-ignore-bytes', '104857600'], ['lfu-log-factor', '10'], ['lfu-decay-time', '1'], ['hz', '10'], ['dynamic-hz', 'yes'],
  ['slowlog-max-len', '128'], ['repl-backlog-size', '1048576'], ['repl-timeout', '60'], ['repl-diskless-load', 'disabled'], ['replica-priority', '100'],
  ['cluster-node-timeout', '15000'], ['cluster-announce-hostname', ''], ['tls-session-cache-size', '20480'], ['oom-score-adj', 'no'],
  ['oom-score-adj-values', '0 200 800'], ['propagation-error-behavior', 'ignore'], ['shutdown-timeout', '10'],
  ['latency-tracking-info-percentiles', '50 99 99.9'], ['proc-title-template', '{title} {listen-addr} {server-mode}'], ['acllog-max-len', '128'],
  ['tracking-table-max-keys', '1000000'],
];

/** Names whose values agree between the two servers (not the processes' own). */
const GETTABLE: readonly string[] = [
  ...SETTABLE_NAMES.filter((n) => n !== 'dir'), 'lua-time-limit', 'busy-reply-threshold', 'hash-max-ziplist-entries', 'databases', 'watchdog-period', 'rdb-key-save-delay',
  'MAXMEMORY', 'Hz', 'save', 'notify-keyspace-events', 'maxclients', 'loglevel', 'tls-port', 'cluster-enabled', 'replicaof', 'slaveof', 'nosuch',
];
const GLOBS: readonly string[] = ['maxmemory*', 'lazyfree-*', 'active-defrag-*', 'repl-*', 'cluster-*', 'hash-max-*', '*-max-len', 'lua*', 'watchdog*', 'tls-session*', 'lfu-?????-*', '[h]z', 'slave-*', 'nosuch*'];

function configGet(g: Gen): Arg[] {
  return Array.from({ length: g.between(1, 3) }, () => (g.chance(0.6) ? g.pick(GETTABLE) : g.pick(GLOBS)));
}

function configSet(g: Gen): Arg[] {
  const args: Arg[] = [];
  for (let i = g.between(1, 3); i > 0; i--) {
    const name = g.pick(SETTABLE_NAMES);
    args.push(g.chance(0.1) ? name.toUpperCase() : name, g.pick(SETTABLE[name]));
  }
  if (g.chance(0.05)) args.pop();
  return args;
}

const CLIENT_KILL: ReadonlyArray<readonly string[]> = [
  ['1.2.3.4:5'], ['nosuch'], ['ID', 'x'], ['ID', '999999'], ['ID', '0'], ['ID', '-1'], ['TYPE', 'foo'], ['TYPE', 'master'], ['TYPE', 'replica'],
  ['TYPE', 'slave'], ['ADDR', '1.2.3.4:5'], ['LADDR', '1.2.3.4:5'], ['USER', 'nosuch'], ['SKIPME', 'maybe'], ['ID'], ['ID', '1', 'foo', 'bar'],
  ['MAXAGE', '5'], ['ID', '999999', 'ID', '999998'], ['TYPE', 'pubsub', 'ID', '999999'], ['USER', 'default', 'ID', '999999'],
];

const COMMAND_NAMES: readonly string[] = ['get', 'set', 'GET', 'zadd', 'xreadgroup', 'eval', 'sort', 'lmove', 'bitfield', 'ping', 'nosuch', 'config|get', 'client|kill', 'lolwut', 'memory|usage', 'cluster|info', 'asking', 'bgrewriteaof'];
const GETKEYS_OF: ReadonlyArray<readonly string[]> = [
  ['SET', 'a', 'b'], ['SET', 'a', 'b', 'GET'], ['MSET', 'a', '1', 'b', '2'], ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'], ['SORT', 'a', 'STORE', 'b'],
  ['XREAD', 'STREAMS', 'a', 'b', '0', '0'], ['ZUNIONSTORE', 'd', '2', 'a', 'b'], ['BITFIELD', 'a', 'GET', 'u8', '0'], ['BITFIELD', 'a', 'INCRBY', 'u8', '0', '1'],
  ['EVAL', 's', '2', 'a', 'b'], ['EVAL', 's', '2', 'a'], ['EVAL', 's', '0'], ['ZUNIONSTORE', 'd', '2', 'a'], ['ZUNIONSTORE', 'd', '0', 'a'], ['GET'], ['NOSUCH', 'x'], ['PING'], ['MEMORY', 'USAGE', 'k'], ['OBJECT', 'ENCODING', 'k'], ['COPY', 'a', 'b'],
];

/** MEMORY USAGE: the byte counts are each server's own; compared are nil against nil and an integer against an integer. */
const sameKind: ReplyRule = (ours, theirs) => {
  if (ours.type === '-' || theirs.type === '-') return ours.raw.equals(theirs.raw) ? null : 'the errors differ';
  const kind = (t: string, raw: Buffer): string => (t === ':' ? 'integer' : raw.toString('latin1'));
  return kind(ours.type, ours.raw) === kind(theirs.type, theirs.raw) ? null : 'one is nil, the other a size';
};

const commands: CommandSpec[] = [
  { name: 'CONFIG', weight: 6, args: (g) => (g.chance(0.5) ? ['GET', ...configGet(g)] : ['SET', ...configSet(g)]), subcommandRules: { GET: unorderedPairs } },
  {
    name: 'CLIENT', weight: 3,
    args: (g) => (g.chance(0.7) ? ['KILL', ...g.pick(CLIENT_KILL)] : ['REPLY', g.pick(['ON', 'on', 'foo', 'ON x'])]),
  },
  {
    name: 'COMMAND', weight: 3,
    args: (g) => {
      switch (g.int(4)) {
        case 0:
          // At least one name: COMMAND INFO alone lists every command (see COMMAND COUNT above).
          return ['INFO', ...Array.from({ length: g.between(1, 3) }, () => g.pick(COMMAND_NAMES))];
        case 1:
          return ['DOCS', ...Array.from({ length: g.between(1, 2) }, () => g.pick(COMMAND_NAMES.filter((n) => !n.includes('|') && n !== 'memory')))];
        case 2:
          return [g.pick(['GETKEYS', 'GETKEYSANDFLAGS']), ...g.pick(GETKEYS_OF)];
        default:
          return ['HELP'];
      }
    },
  },
  { name: 'MEMORY', weight: 2, args: (g) => (g.chance(0.7) ? ['USAGE', g.key(), ...(g.chance(0.3) ? ['SAMPLES', g.pick(['0', '1', '5', '-1', 'x'])] : [])] : [g.pick(['HELP', 'PURGE', 'NOSUCH'])]), subcommandRules: { USAGE: sameKind } },
  { name: 'LATENCY', weight: 1, args: (g) => [g.pick(['GRAPH', 'HELP', 'LATEST']), ...(g.chance(0.5) ? ['nosuch-event'] : [])] },
  // Never truncated to fewer numbers: a defaulted row count (12) makes Schotter random.
  { name: 'LOLWUT', weight: 1, truncateBelow: 1, args: (g) => (g.chance(0.5) ? [] : ['VERSION', g.pick(['5', '6x', '7', '-1']), String(g.between(1, 20)), String(g.between(1, 5)), String(g.between(1, 2))]) },
  { name: 'CLUSTER', weight: 1, args: (g) => g.pick([['INFO'], ['KEYSLOT', 'a'], ['KEYSLOT'], ['NODES'], ['SHARDS'], ['MYID'], ['NOSUCH'], ['ADDSLOTS'], ['HELP']]) },
  // A standalone primary: ROLE lists no replicas; WAIT counts none (a short timeout: with 0 both would wait forever).
  { name: 'ROLE', weight: 0.5, args: (g) => (g.chance(0.9) ? [] : ['extra']) },
  { name: 'WAIT', weight: 0.5, args: (g) => [g.pick(['0', '1', '-1', 'x', '2']), g.pick(['0', '1', '5', '-1', 'x', '1.5'])].map((a, i, all) => (i === 1 && a === '0' && all[0] !== '0' && all[0] !== '-1' && all[0] !== 'x' ? '5' : a)) },
  { name: 'REPLCONF', weight: 0.3, args: (g) => g.pick([['listening-port', '6380'], ['capa', 'eof'], ['nosuch', 'x'], ['listening-port'], ['ack', '10']]) },
  { name: 'READONLY', weight: 0.3, args: () => [] },
  { name: 'READWRITE', weight: 0.3, args: () => [] },
  { name: 'ASKING', weight: 0.3, args: () => [] },
  { name: 'MODULE', weight: 1, args: (g) => g.pick([['LIST'], ['HELP'], ['LOAD', '/nonexistent.so'], ['UNLOAD', 'x'], ['NOSUCH'], ['LOADEX', '/x.so', 'ARGS']]) },
];

/**
 * MONITOR inside MULTI: refused in EXEC by both. Nothing drawn goes in between: a drawn EXEC or
 * DISCARD would leave MONITOR outside MULTI, turning the connection into a stream of timestamps.
 */
const monitorInMulti: BlockSpec = {
  name: 'MULTI-MONITOR',
  weight: 0.5,
  steps: (g) => [['MULTI'], ...(g.chance(0.5) ? [['PING', 'x']] : []), ['MONITOR'], ['EXEC']],
};

export const server: Family = { name: 'server', commands, blocks: [monitorInMulti] };
