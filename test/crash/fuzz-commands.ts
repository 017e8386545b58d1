/**
 * Fuzzed collection commands for the protocol fuzzer (fuzz-frames.ts): hash, set, sorted-set and
 * list commands with arguments drawn from the shapes their parsers check (integers and floats at and
 * past their edges, score and lex bounds, option words in and out of place, numkeys that lie,
 * WEIGHTS and LIMIT of the wrong length, huge counts), then now and then mutated (an argument
 * dropped, an option word inserted, one replaced by random bytes). Their replies are not
 * predicted: each must be one well-formed reply, an error only as `-ERR ...` or `-WRONGTYPE ...`.
 *
 * The keys come from a small pool shared by every session (so collections build up, big ones
 * too, and types collide), apart from the bystander's keys. Nothing here touches the keyspace as
 * a whole or the connection's state (no FLUSHDB, SELECT, MULTI, ...).
 */
type Random = () => number;
type Arg = string | Buffer;

function int(rand: Random, n: number): number {
  return Math.floor(rand() * n);
}

function pick<T>(rand: Random, items: readonly T[]): T {
  return items[int(rand, items.length)];
}

function junk(rand: Random, max: number): Buffer {
  const b = Buffer.allocUnsafe(int(rand, max + 1));
  for (let i = 0; i < b.length; i++) b[i] = int(rand, 256);
  return b;
}

const KEYS: readonly string[] = [
  'fzc:h:0', 'fzc:h:1', 'fzc:h:2', 'fzc:s:0', 'fzc:s:1', 'fzc:s:2', 'fzc:z:0', 'fzc:z:1', 'fzc:z:2',
  'fzc:l:0', 'fzc:l:1', 'fzc:l:2', 'fzc:x:0', 'fzc:x:1', 'fzc:str', 'fzc:none', 'fzc:dst', '', 'fzc:\x00\r\n\xff',
];
const HASH_KEYS = KEYS.filter((k) => k.startsWith('fzc:h'));
const SET_KEYS = KEYS.filter((k) => k.startsWith('fzc:s'));
const ZSET_KEYS = KEYS.filter((k) => k.startsWith('fzc:z'));
const LIST_KEYS = KEYS.filter((k) => k.startsWith('fzc:l'));
const STREAM_KEYS = KEYS.filter((k) => k.startsWith('fzc:x'));

/** Stream IDs: mostly well-formed and small (so they collide), and the forms Redis refuses or treats specially. */
function streamId(r: Random): string {
  if (r() < 0.7) return `${int(r, 50)}-${int(r, 4)}`;
  return pick(r, ['*', '0-0', '5-*', '-', '+', '(3', '(', '18446744073709551615-18446744073709551615', '18446744073709551616', '$', '>', 'abc', ' 7', '-1']);
}

/** Integer arguments around the edges Redis checks (strtoll, LONG_MAX, int32, negatives, not numbers). */
const INTEGERS: readonly string[] = [
  '0', '1', '-1', '2', '3', '10', '100', '-100', '1000', '-7', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '-9223372036854775809', '99999999999999999999', '4294967296', '2147483647', '2147483648',
  '-2147483649', '1e3', '1.5', '-0', '+1', ' 1', '0x10', '', 'abc', 'inf', 'nan',
];
/**
 * INTEGERS without the big negative ones: as a random-pick count, a repeat count past what a reply
 * may hold (client-output-buffer-limit) makes the server drop the client, which only the session's
 * ending may do.
 */
const SAFE_INTEGERS: readonly string[] = INTEGERS.filter((s) => !(Number(s) < -100_000));
/** Floats as strtod sees them: infinities, overflow, hex, partial numbers, exclusive-bound prefixes. */
const FLOATS: readonly string[] = [
  '0', '1', '-1', '1.5', '-2.25', '3.14159265358979', '1e308', '1e309', '-1e400', '5e-324', 'inf', '-inf', '+inf',
  'Infinity', 'nan', 'NaN', '-0', '.5', '5.', '1e', '0x10', ' 1', '1 ', '', 'abc', '(1', '1\x00',
];
const SCORE_BOUNDS: readonly string[] = [...FLOATS, '(1.5', '(-inf', '(+inf', '(', '((1', '[1', '-', '+'];
const LEX_BOUNDS: readonly string[] = ['-', '+', '[a', '(a', '[m1', '(m5', '[', '(', 'a', '', '[\xff', '-inf', '+inf', '(1'];
/** Option words, inserted where they do not belong too. */
const WORDS: readonly string[] = [
  'NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'WITHSCORES', 'withscores', 'LIMIT', 'REV', 'BYSCORE', 'BYLEX', 'WEIGHTS',
  'AGGREGATE', 'SUM', 'MIN', 'MAX', 'COUNT', 'MATCH', 'TYPE', 'FIELDS', 'withscore', 'NONE',
];

function member(rand: Random): Arg {
  const r = rand();
  if (r < 0.35) return String(int(rand, 300));
  if (r < 0.7) return `m${int(rand, 300)}`;
  if (r < 0.8) return pick(rand, ['', 'a', 'b', '-1', '3.5', '9223372036854775808', 'x'.repeat(65)]);
  return junk(rand, 12);
}

/** An integer argument other than a random-pick count (those come from count()): the big negative ones included. */
function integer(rand: Random): string {
  return rand() < 0.5 ? String(int(rand, 21) - 5) : pick(rand, INTEGERS);
}

function float(rand: Random): string {
  return rand() < 0.5 ? String((int(rand, 401) - 200) / 4) : pick(rand, FLOATS);
}

/** A count for SPOP/SRANDMEMBER/ZRANDMEMBER/ZPOP*: sizes around a set's, and huge ones (repeat counts stay answerable). */
function count(rand: Random): string {
  const r = rand();
  if (r < 0.5) return String(int(rand, 40) - 10);
  if (r < 0.7) return pick(rand, ['9223372036854775807', '2147483648', '4294967296', '100000', '1000', '-1000', '-5000']);
  return pick(rand, SAFE_INTEGERS);
}

function keys(rand: Random, pool: readonly string[], n: number): string[] {
  return Array.from({ length: n }, () => (rand() < 0.85 ? pick(rand, pool) : pick(rand, KEYS)));
}

/** numkeys and its keys: usually honest, sometimes a lie (0, negative, more than given, huge, not a number). */
function numkeys(rand: Random, pool: readonly string[]): Arg[] {
  const n = 1 + int(rand, 4);
  const given = keys(rand, pool, n);
  const r = rand();
  const stated = r < 0.7 ? String(n) : r < 0.8 ? String(n + 1 + int(rand, 3)) : pick(rand, ['0', '-1', '2147483648', '99999999999', 'abc', '']);
  return [stated, ...given];
}

function withOptions(rand: Random, args: Arg[], options: ReadonlyArray<() => Arg[]>): Arg[] {
  for (const option of options) if (rand() < 0.3) args.push(...option());
  return args;
}

/** WEIGHTS with as many weights as keys, or not; AGGREGATE with a known word or not. */
function setOpOptions(rand: Random, keyCount: number): Arg[] {
  const out: Arg[] = [];
  if (rand() < 0.4) {
    out.push('WEIGHTS');
    const n = rand() < 0.7 ? keyCount : int(rand, keyCount + 3);
    for (let i = 0; i < n; i++) out.push(float(rand));
  }
  if (rand() < 0.3) out.push('AGGREGATE', pick(rand, ['SUM', 'MIN', 'MAX', 'sum', 'AVG', '']));
  if (rand() < 0.3) out.push('WITHSCORES');
  return out;
}

function pairs(rand: Random, n: number, first: () => Arg, second: () => Arg): Arg[] {
  const out: Arg[] = [];
  for (let i = 0; i < n; i++) out.push(first(), second());
  return out;
}

/** Generators by command name: the arguments after the name. */
const COMMANDS: ReadonlyArray<readonly [string, (rand: Random) => Arg[]]> = [
  ['HSET', (r) => [pick(r, HASH_KEYS), ...pairs(r, 1 + int(r, 4), () => member(r), () => member(r))]],
  ['HSETNX', (r) => [pick(r, HASH_KEYS), member(r), member(r)]],
  ['HMSET', (r) => [pick(r, HASH_KEYS), ...pairs(r, 1 + int(r, 3), () => member(r), () => member(r))]],
  ['HGET', (r) => [pick(r, HASH_KEYS), member(r)]],
  ['HMGET', (r) => [pick(r, HASH_KEYS), member(r), member(r)]],
  ['HDEL', (r) => [pick(r, HASH_KEYS), member(r), member(r)]],
  ['HLEN', (r) => [pick(r, KEYS)]],
  ['HSTRLEN', (r) => [pick(r, HASH_KEYS), member(r)]],
  ['HEXISTS', (r) => [pick(r, HASH_KEYS), member(r)]],
  ['HKEYS', (r) => [pick(r, HASH_KEYS)]],
  ['HVALS', (r) => [pick(r, HASH_KEYS)]],
  ['HGETALL', (r) => [pick(r, KEYS)]],
  ['HINCRBY', (r) => [pick(r, HASH_KEYS), pick(r, ['n0', 'n1', 'm1']), integer(r)]],
  ['HINCRBYFLOAT', (r) => [pick(r, HASH_KEYS), pick(r, ['x0', 'x1', 'm1']), float(r)]],
  ['SADD', (r) => [pick(r, SET_KEYS), ...Array.from({ length: 1 + int(r, 5) }, () => member(r))]],
  ['SREM', (r) => [pick(r, SET_KEYS), member(r), member(r)]],
  ['SCARD', (r) => [pick(r, KEYS)]],
  ['SISMEMBER', (r) => [pick(r, SET_KEYS), member(r)]],
  ['SMISMEMBER', (r) => [pick(r, SET_KEYS), member(r), member(r)]],
  ['SMEMBERS', (r) => [pick(r, SET_KEYS)]],
  ['SRANDMEMBER', (r) => (r() < 0.2 ? [pick(r, SET_KEYS)] : [pick(r, SET_KEYS), count(r)])],
  ['SPOP', (r) => (r() < 0.3 ? [pick(r, SET_KEYS)] : [pick(r, SET_KEYS), count(r)])],
  ['SMOVE', (r) => [pick(r, SET_KEYS), pick(r, SET_KEYS), member(r)]],
  ['SINTER', (r) => keys(r, SET_KEYS, 1 + int(r, 3))],
  ['SINTERCARD', (r) => withOptions(r, numkeys(r, SET_KEYS), [() => ['LIMIT', integer(r)]])],
  ['SINTERSTORE', (r) => ['fzc:dst', ...keys(r, SET_KEYS, 1 + int(r, 3))]],
  ['SUNION', (r) => keys(r, SET_KEYS, 1 + int(r, 3))],
  ['SUNIONSTORE', (r) => [pick(r, SET_KEYS), ...keys(r, SET_KEYS, 1 + int(r, 3))]],
  ['SDIFF', (r) => keys(r, SET_KEYS, 1 + int(r, 3))],
  ['SDIFFSTORE', (r) => ['fzc:dst', ...keys(r, SET_KEYS, 1 + int(r, 3))]],
  ['SSCAN', (r) => withOptions(r, [pick(r, SET_KEYS), pick(r, ['0', '1', '17', '-1', 'abc', '18446744073709551615', '18446744073709551616'])], [() => ['MATCH', pick(r, ['*', 'm1*', '[', '\\'])], () => ['COUNT', integer(r)]])],
  ['ZADD', (r) => [pick(r, ZSET_KEYS), ...Array.from({ length: int(r, 3) }, () => pick(r, ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'])), ...pairs(r, 1 + int(r, 3), () => float(r), () => member(r))]],
  ['ZINCRBY', (r) => [pick(r, ZSET_KEYS), float(r), member(r)]],
  ['ZREM', (r) => [pick(r, ZSET_KEYS), member(r), member(r)]],
  ['ZCARD', (r) => [pick(r, KEYS)]],
  ['ZSCORE', (r) => [pick(r, ZSET_KEYS), member(r)]],
  ['ZMSCORE', (r) => [pick(r, ZSET_KEYS), member(r), member(r)]],
  ['ZRANK', (r) => [pick(r, ZSET_KEYS), member(r)]],
  ['ZREVRANK', (r) => [pick(r, ZSET_KEYS), member(r)]],
  ['ZCOUNT', (r) => [pick(r, ZSET_KEYS), pick(r, SCORE_BOUNDS), pick(r, SCORE_BOUNDS)]],
  ['ZLEXCOUNT', (r) => [pick(r, ZSET_KEYS), pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS)]],
  ['ZRANGE', (r) => {
    const by = pick(r, ['', 'BYSCORE', 'BYLEX']);
    const bound = (): string => (by === 'BYSCORE' ? pick(r, SCORE_BOUNDS) : by === 'BYLEX' ? pick(r, LEX_BOUNDS) : integer(r));
    const args: Arg[] = [pick(r, ZSET_KEYS), bound(), bound()];
    if (by !== '') args.push(by);
    return withOptions(r, args, [() => ['REV'], () => ['LIMIT', integer(r), integer(r)], () => ['WITHSCORES']]);
  }],
  ['ZRANGESTORE', (r) => withOptions(r, ['fzc:dst', pick(r, ZSET_KEYS), integer(r), integer(r)], [() => [pick(r, ['BYSCORE', 'BYLEX'])], () => ['REV'], () => ['LIMIT', integer(r), integer(r)]])],
  ['ZREVRANGE', (r) => withOptions(r, [pick(r, ZSET_KEYS), integer(r), integer(r)], [() => ['WITHSCORES']])],
  ['ZRANGEBYSCORE', (r) => withOptions(r, [pick(r, ZSET_KEYS), pick(r, SCORE_BOUNDS), pick(r, SCORE_BOUNDS)], [() => ['WITHSCORES'], () => ['LIMIT', integer(r), integer(r)]])],
  ['ZREVRANGEBYSCORE', (r) => withOptions(r, [pick(r, ZSET_KEYS), pick(r, SCORE_BOUNDS), pick(r, SCORE_BOUNDS)], [() => ['WITHSCORES'], () => ['LIMIT', integer(r), integer(r)]])],
  ['ZRANGEBYLEX', (r) => withOptions(r, [pick(r, ZSET_KEYS), pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS)], [() => ['LIMIT', integer(r), integer(r)]])],
  ['ZREVRANGEBYLEX', (r) => withOptions(r, [pick(r, ZSET_KEYS), pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS)], [() => ['LIMIT', integer(r), integer(r)]])],
  ['ZREMRANGEBYRANK', (r) => [pick(r, ZSET_KEYS), integer(r), integer(r)]],
  ['ZREMRANGEBYSCORE', (r) => [pick(r, ZSET_KEYS), pick(r, SCORE_BOUNDS), pick(r, SCORE_BOUNDS)]],
  ['ZREMRANGEBYLEX', (r) => [pick(r, ZSET_KEYS), pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS)]],
  ['ZPOPMIN', (r) => (r() < 0.3 ? [pick(r, ZSET_KEYS)] : [pick(r, ZSET_KEYS), count(r)])],
  ['ZPOPMAX', (r) => (r() < 0.3 ? [pick(r, ZSET_KEYS)] : [pick(r, ZSET_KEYS), count(r)])],
  ['ZMPOP', (r) => withOptions(r, [...numkeys(r, ZSET_KEYS), pick(r, ['MIN', 'MAX', 'min', 'MID'])], [() => ['COUNT', count(r)]])],
  ['ZRANDMEMBER', (r) => {
    const args: Arg[] = [pick(r, ZSET_KEYS)];
    if (r() < 0.8) args.push(count(r));
    if (r() < 0.4) args.push('WITHSCORES');
    return args;
  }],
  ['ZUNION', (r) => {
    const nk = numkeys(r, ZSET_KEYS);
    return [...nk, ...setOpOptions(r, nk.length - 1)];
  }],
  ['ZINTER', (r) => {
    const nk = numkeys(r, [...ZSET_KEYS, ...SET_KEYS]);
    return [...nk, ...setOpOptions(r, nk.length - 1)];
  }],
  ['ZDIFF', (r) => [...numkeys(r, ZSET_KEYS), ...(r() < 0.5 ? ['WITHSCORES'] : [])]],
  ['ZUNIONSTORE', (r) => {
    const nk = numkeys(r, [...ZSET_KEYS, ...SET_KEYS]);
    return [pick(r, ['fzc:dst', ...ZSET_KEYS]), ...nk, ...setOpOptions(r, nk.length - 1).filter((a) => a !== 'WITHSCORES')];
  }],
  ['ZINTERSTORE', (r) => {
    const nk = numkeys(r, ZSET_KEYS);
    return ['fzc:dst', ...nk, ...setOpOptions(r, nk.length - 1)];
  }],
  ['ZDIFFSTORE', (r) => ['fzc:dst', ...numkeys(r, ZSET_KEYS)]],
  ['ZINTERCARD', (r) => withOptions(r, numkeys(r, ZSET_KEYS), [() => ['LIMIT', integer(r)]])],
  ['ZSCAN', (r) => withOptions(r, [pick(r, ZSET_KEYS), pick(r, ['0', '3', '-1', 'abc', '18446744073709551616'])], [() => ['MATCH', pick(r, ['*', 'm*', '['])], () => ['COUNT', integer(r)]])],
  ['LPUSH', (r) => [pick(r, LIST_KEYS), ...Array.from({ length: 1 + int(r, 5) }, () => member(r))]],
  ['RPUSH', (r) => [pick(r, LIST_KEYS), ...Array.from({ length: 1 + int(r, 5) }, () => member(r))]],
  ['LPUSHX', (r) => [pick(r, KEYS), member(r)]],
  ['RPUSHX', (r) => [pick(r, KEYS), member(r)]],
  ['LPOP', (r) => (r() < 0.4 ? [pick(r, LIST_KEYS)] : [pick(r, LIST_KEYS), count(r)])],
  ['RPOP', (r) => (r() < 0.4 ? [pick(r, LIST_KEYS)] : [pick(r, LIST_KEYS), count(r)])],
  ['LLEN', (r) => [pick(r, KEYS)]],
  ['LINDEX', (r) => [pick(r, LIST_KEYS), integer(r)]],
  ['LSET', (r) => [pick(r, LIST_KEYS), integer(r), member(r)]],
  ['LRANGE', (r) => [pick(r, LIST_KEYS), integer(r), integer(r)]],
  ['LTRIM', (r) => [pick(r, LIST_KEYS), integer(r), integer(r)]],
  ['LREM', (r) => [pick(r, LIST_KEYS), integer(r), member(r)]],
  ['LINSERT', (r) => [pick(r, LIST_KEYS), pick(r, ['BEFORE', 'AFTER', 'after', 'MIDDLE']), member(r), member(r)]],
  ['LPOS', (r) => withOptions(r, [pick(r, LIST_KEYS), member(r)], [() => ['RANK', integer(r)], () => ['COUNT', integer(r)], () => ['MAXLEN', integer(r)]])],
  ['LMOVE', (r) => [pick(r, LIST_KEYS), pick(r, [...LIST_KEYS, 'fzc:dst']), pick(r, ['LEFT', 'RIGHT', 'UP']), pick(r, ['LEFT', 'RIGHT', 'right'])]],
  ['RPOPLPUSH', (r) => [pick(r, LIST_KEYS), pick(r, KEYS)]],
  ['LMPOP', (r) => withOptions(r, [...numkeys(r, LIST_KEYS), pick(r, ['LEFT', 'RIGHT', 'left', 'MID'])], [() => ['COUNT', count(r)]])],
  ['XADD', (r) => {
    const args: Arg[] = [pick(r, STREAM_KEYS)];
    if (r() < 0.3) args.push(pick(r, ['MAXLEN', 'MINID']), ...(r() < 0.5 ? [pick(r, ['~', '='])] : []), r() < 0.5 ? integer(r) : streamId(r));
    if (r() < 0.1) args.push('LIMIT', integer(r));
    if (r() < 0.1) args.push('NOMKSTREAM');
    return [...args, streamId(r), ...pairs(r, 1 + int(r, 3), () => member(r), () => member(r))];
  }],
  ['XLEN', (r) => [pick(r, KEYS)]],
  ['XRANGE', (r) => withOptions(r, [pick(r, STREAM_KEYS), streamId(r), streamId(r)], [() => ['COUNT', integer(r)]])],
  ['XREVRANGE', (r) => withOptions(r, [pick(r, STREAM_KEYS), streamId(r), streamId(r)], [() => ['COUNT', integer(r)]])],
  ['XDEL', (r) => [pick(r, STREAM_KEYS), streamId(r), streamId(r)]],
  ['XTRIM', (r) => withOptions(r, [pick(r, STREAM_KEYS), pick(r, ['MAXLEN', 'MINID', 'maxlen']), ...(r() < 0.5 ? [pick(r, ['~', '='])] : []), r() < 0.5 ? integer(r) : streamId(r)], [() => ['LIMIT', integer(r)]])],
  ['XREAD', (r) => withOptions(r, [], [() => ['COUNT', integer(r)]]).concat(['STREAMS', pick(r, STREAM_KEYS), pick(r, KEYS), streamId(r), streamId(r)])],
  ['XSETID', (r) => withOptions(r, [pick(r, STREAM_KEYS), streamId(r)], [() => ['ENTRIESADDED', integer(r)], () => ['MAXDELETEDID', streamId(r)]])],
  ['XINFO', (r) => pick(r, [['STREAM', pick(r, STREAM_KEYS)], ['STREAM', pick(r, STREAM_KEYS), 'FULL', 'COUNT', integer(r)], ['GROUPS', pick(r, KEYS)], ['CONSUMERS', pick(r, KEYS), 'g'], ['HELP']])],
  ['XGROUP', (r) => pick(r, [
    ['CREATE', pick(r, STREAM_KEYS), 'g', pick(r, ['$', '0', streamId(r)]), ...(r() < 0.5 ? ['MKSTREAM'] : []), ...(r() < 0.3 ? ['ENTRIESREAD', integer(r)] : [])],
    ['SETID', pick(r, STREAM_KEYS), 'g', pick(r, ['$', streamId(r)])],
    ['DESTROY', pick(r, STREAM_KEYS), 'g'],
    ['CREATECONSUMER', pick(r, STREAM_KEYS), 'g', member(r)],
    ['DELCONSUMER', pick(r, STREAM_KEYS), 'g', member(r)],
  ])],
  ['XREADGROUP', (r) => ['GROUP', 'g', member(r), ...withOptions(r, [], [() => ['COUNT', integer(r)], () => ['NOACK']]), 'STREAMS', pick(r, STREAM_KEYS), pick(r, ['>', '>', streamId(r)])]],
  ['XACK', (r) => [pick(r, STREAM_KEYS), 'g', streamId(r), streamId(r)]],
  ['XPENDING', (r) => pick(r, [[pick(r, STREAM_KEYS), 'g'], [pick(r, STREAM_KEYS), 'g', 'IDLE', integer(r), '-', '+', integer(r), member(r)]])],
  ['XCLAIM', (r) => withOptions(r, [pick(r, STREAM_KEYS), 'g', member(r), integer(r), streamId(r)], [() => ['IDLE', integer(r)], () => ['RETRYCOUNT', integer(r)], () => ['FORCE'], () => ['JUSTID'], () => ['LASTID', streamId(r)]])],
  ['XAUTOCLAIM', (r) => withOptions(r, [pick(r, STREAM_KEYS), 'g', member(r), integer(r), streamId(r)], [() => ['COUNT', integer(r)], () => ['JUSTID']])],
  ['DEL', (r) => keys(r, KEYS, 1 + int(r, 2))],
  ['EXPIRE', (r) => [pick(r, KEYS), pick(r, ['100', '1', '0', '-1', '9223372036854775807', 'abc'])]],
  ['TYPE', (r) => [pick(r, KEYS)]],
  ['OBJECT', (r) => ['ENCODING', pick(r, KEYS)]],
];

/** A collection, big enough now and then to pass the listpack / intset limits. */
function fill(rand: Random): Arg[] {
  const n = 100 + int(rand, 200);
  const key = pick(rand, [...HASH_KEYS, ...SET_KEYS, ...ZSET_KEYS, ...LIST_KEYS]);
  if (key.startsWith('fzc:h')) return ['HSET', key, ...pairs(rand, n, () => `m${int(rand, 300)}`, () => String(int(rand, 1000)))];
  if (key.startsWith('fzc:l')) return ['RPUSH', key, ...Array.from({ length: n }, () => `m${int(rand, 300)}`)];
  if (key.startsWith('fzc:s')) return ['SADD', key, ...Array.from({ length: n }, () => (rand() < 0.5 ? String(int(rand, 300)) : `m${int(rand, 300)}`))];
  return ['ZADD', key, ...pairs(rand, n, () => String(int(rand, 100)), () => `m${int(rand, 300)}`)];
}

/** Drops an argument, inserts an option word or random bytes, or replaces an argument by random bytes. */
function mutate(rand: Random, args: Arg[]): Arg[] {
  const r = rand();
  const at = 1 + int(rand, args.length);
  if (r < 0.3 && args.length > 1) args.splice(Math.min(at, args.length - 1), 1);
  else if (r < 0.65) args.splice(at, 0, pick(rand, WORDS));
  else if (r < 0.8) args.splice(at, 0, junk(rand, 8));
  else if (args.length > 1) args[Math.min(at, args.length - 1)] = pick(rand, [...SAFE_INTEGERS, ...FLOATS, ...LEX_BOUNDS]);
  return args;
}

/**
 * One fuzzed collection command (its name first): a generated one, mutated one time in four, or
 * a fill of a collection. Its reply can be anything well-formed, but never closes the connection.
 */
export function fuzzedCollectionCommand(rand: Random): Arg[] {
  if (rand() < 0.03) return fill(rand);
  const [name, args] = pick(rand, COMMANDS);
  const command: Arg[] = [rand() < 0.1 ? name.toLowerCase() : name, ...args(rand)];
  return rand() < 0.25 ? mutate(rand, command) : command;
}

/**
 * A command whose count no reply could hold (SRANDMEMBER / ZRANDMEMBER with a repeat count near
 * -2^63): the server may drop the connection (as Redis does past its output limit) or answer.
 */
export function hugeCountCommand(rand: Random): Arg[] {
  const huge = pick(rand, ['-9223372036854775807', '-9223372036854775808', '-4611686018427387904', '-99999999999', '-4294967296']);
  if (rand() < 0.5) return ['SRANDMEMBER', pick(rand, SET_KEYS), huge];
  return ['ZRANDMEMBER', pick(rand, ZSET_KEYS), huge, ...(rand() < 0.5 ? ['WITHSCORES'] : [])];
}
