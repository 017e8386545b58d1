/**
 * The sorted-set rank index (src/types/zset-rank.ts) under random writes, with buckets of a few
 * members so that sets of a few hundred split and merge all the time:
 * - against a model (a Map per key, sorted on demand): thousands of ZADD (every option, bulk
 *   adds that overfill a bucket), ZINCRBY, ZREM, ZPOPMIN/MAX, ZREMRANGEBY*, Z*STORE, DEL and
 *   changes of zset-rank-bucket-size, each followed by ZRANK, ZREVRANK, ZRANGE/ZREVRANGE by rank,
 *   ZCOUNT, ZLEXCOUNT and ranges with a LIMIT offset, compared with the model; then, the server
 *   stopped, every index record is checked against the members in its bucket (checkRankIndex);
 * - against a real redis-server: the same kind of sequence, every reply compared.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Redis } from 'ioredis';
import { TestClients, redisTest, startRedis, startServer } from './helpers.js';
import { mulberry32 } from '../support/prng.js';
import { checkRankIndexesOffline } from '../support/rank-index-check.js';

const clients = new TestClients();
test.after(() => clients.disconnectAll());

const KEYS = ['ra', 'rb', 'rc'];
const memberName = (i: number): string => `m${String(i).padStart(3, '0')}`;

type Command = Array<string | number>;

// ---------------------------------------------------------------- the model

type Entry = [member: string, score: number];

function byScore(a: Entry, b: Entry): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** %.17g for the scores this test makes (multiples of 0.5 well inside 2^53). */
const fmt = (n: number): string => String(n);

interface ScoreBound {
  value: number;
  open: boolean;
}

function parseScoreBound(s: string): ScoreBound {
  const open = s.startsWith('(');
  const text = open ? s.slice(1) : s;
  return { value: text === '-inf' ? -Infinity : text === '+inf' ? Infinity : Number(text), open };
}

const aboveMin = (x: number, b: ScoreBound): boolean => (b.open ? x > b.value : x >= b.value);
const belowMax = (x: number, b: ScoreBound): boolean => (b.open ? x < b.value : x <= b.value);

type LexBound = { kind: '-' | '+' } | { kind: 'v'; value: string; open: boolean };

function parseLexBound(s: string): LexBound {
  if (s === '-' || s === '+') return { kind: s };
  return { kind: 'v', value: s.slice(1), open: s[0] === '(' };
}

function lexGteMin(m: string, b: LexBound): boolean {
  if (b.kind !== 'v') return b.kind === '-';
  return b.open ? m > b.value : m >= b.value;
}

function lexLteMax(m: string, b: LexBound): boolean {
  if (b.kind !== 'v') return b.kind === '+';
  return b.open ? m < b.value : m <= b.value;
}

/** sdscmplex: '-' below and '+' above everything. */
function compareLex(a: LexBound, b: LexBound): number {
  if (a.kind === b.kind && a.kind !== 'v') return 0;
  if (a.kind === '-' || b.kind === '+') return -1;
  if (a.kind === '+' || b.kind === '-') return 1;
  const [x, y] = [(a as { value: string }).value, (b as { value: string }).value];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Redis' listpack lex walk (zzlFirstInLexRange, then on): nothing for an empty range or when the
 * last member is below min or the first beyond max; else the first member not below min starts
 * (if it is not beyond max), then members while not beyond max.
 */
function lexWalk(all: Entry[], min: LexBound, max: LexBound): Entry[] {
  const cmp = compareLex(min, max);
  if (cmp > 0 || (cmp === 0 && (min.kind !== 'v' || min.open || max.kind !== 'v' || max.open))) return [];
  if (all.length === 0 || !lexGteMin(all[all.length - 1][0], min) || !lexLteMax(all[0][0], max)) return [];
  const start = all.findIndex((e) => lexGteMin(e[0], min));
  if (start < 0) return [];
  const out: Entry[] = [];
  for (let i = start; i < all.length && lexLteMax(all[i][0], max); i++) out.push(all[i]);
  return out;
}

function rankRange(start: number, end: number, n: number): [number, number] | null {
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return null;
  if (end >= n) end = n - 1;
  return [start, end];
}

/** The sorted sets as Redis would hold them, and the reply (as ioredis gives it) to each command. */
class Model {
  private readonly sets = new Map<string, Map<string, number>>();

  private set(key: string): Map<string, number> {
    let s = this.sets.get(key);
    if (s === undefined) {
      s = new Map();
      this.sets.set(key, s);
    }
    return s;
  }

  private sorted(key: string): Entry[] {
    return [...(this.sets.get(key) ?? new Map<string, number>())].sort(byScore);
  }

  private drop(key: string, entries: Entry[]): number {
    const s = this.sets.get(key);
    if (s === undefined) return 0;
    for (const [m] of entries) s.delete(m);
    if (s.size === 0) this.sets.delete(key);
    return entries.length;
  }

  private store(dst: string, entries: Entry[]): number {
    this.sets.delete(dst);
    if (entries.length > 0) this.sets.set(dst, new Map(entries));
    return entries.length;
  }

  size(key: string): number {
    return this.sets.get(key)?.size ?? 0;
  }

  apply(cmd: Command): unknown {
    const [name, key, ...rest] = cmd.map(String);
    const all = (): Entry[] => this.sorted(key);
    const flat = (entries: Entry[]): string[] => entries.flatMap(([m, s]) => [m, fmt(s)]);
    switch (name) {
      case 'ZADD': {
        const flags = new Set<string>();
        let at = 0;
        while (['NX', 'XX', 'GT', 'LT', 'CH'].includes(rest[at])) flags.add(rest[at++]);
        const s = this.set(key);
        let added = 0;
        let changed = 0;
        for (; at < rest.length; at += 2) {
          const score = Number(rest[at]);
          const m = rest[at + 1];
          const before = s.get(m);
          if (before === undefined) {
            if (flags.has('XX')) continue;
            s.set(m, score);
            added++;
          } else {
            if (flags.has('NX') || (flags.has('GT') && score <= before) || (flags.has('LT') && score >= before)) continue;
            if (score !== before) {
              s.set(m, score);
              changed++;
            }
          }
        }
        if (s.size === 0) this.sets.delete(key);
        return flags.has('CH') ? added + changed : added;
      }
      case 'ZINCRBY': {
        const s = this.set(key);
        const score = (s.get(rest[1]) ?? 0) + Number(rest[0]);
        s.set(rest[1], score);
        return fmt(score);
      }
      case 'ZREM': {
        const s = this.sets.get(key);
        return this.drop(key, [...new Set(rest)].filter((m) => s?.has(m)).map((m) => [m, 0]));
      }
      case 'ZPOPMIN':
      case 'ZPOPMAX': {
        const sorted = all();
        const taken = name === 'ZPOPMIN' ? sorted.slice(0, Number(rest[0])) : sorted.reverse().slice(0, Number(rest[0]));
        this.drop(key, taken);
        return flat(taken);
      }
      case 'ZREMRANGEBYRANK': {
        const sorted = all();
        const r = rankRange(Number(rest[0]), Number(rest[1]), sorted.length);
        return r === null ? 0 : this.drop(key, sorted.slice(r[0], r[1] + 1));
      }
      case 'ZREMRANGEBYSCORE': {
        const [min, max] = [parseScoreBound(rest[0]), parseScoreBound(rest[1])];
        return this.drop(key, all().filter(([, s]) => aboveMin(s, min) && belowMax(s, max)));
      }
      case 'ZREMRANGEBYLEX':
        return this.drop(key, lexWalk(all(), parseLexBound(rest[0]), parseLexBound(rest[1])));
      case 'ZUNIONSTORE':
      case 'ZINTERSTORE': {
        const [a, b] = [this.sets.get(rest[1]) ?? new Map<string, number>(), this.sets.get(rest[2]) ?? new Map<string, number>()];
        const out = new Map<string, number>();
        if (name === 'ZUNIONSTORE') {
          for (const [m, s] of a) out.set(m, s);
          for (const [m, s] of b) out.set(m, (out.get(m) ?? 0) + s);
        } else {
          for (const [m, s] of a) if (b.has(m)) out.set(m, s + (b.get(m) as number));
        }
        return this.store(key, [...out]);
      }
      case 'ZRANGESTORE': {
        const sorted = this.sorted(rest[0]);
        const r = rankRange(Number(rest[1]), Number(rest[2]), sorted.length);
        return this.store(key, r === null ? [] : sorted.slice(r[0], r[1] + 1));
      }
      case 'DEL':
        return this.sets.delete(key) ? 1 : 0;
      case 'ZCARD':
        return this.size(key);
      case 'ZRANK':
      case 'ZREVRANK': {
        const sorted = all();
        const i = sorted.findIndex(([m]) => m === rest[0]);
        if (i < 0) return null;
        return name === 'ZRANK' ? i : sorted.length - 1 - i;
      }
      case 'ZRANGE':
      case 'ZREVRANGE': {
        const sorted = name === 'ZRANGE' ? all() : all().reverse();
        const r = rankRange(Number(rest[0]), Number(rest[1]), sorted.length);
        return r === null ? [] : flat(sorted.slice(r[0], r[1] + 1));
      }
      case 'ZCOUNT': {
        const [min, max] = [parseScoreBound(rest[0]), parseScoreBound(rest[1])];
        if (min.value > max.value || (min.value === max.value && (min.open || max.open))) return 0;
        return all().filter(([, s]) => aboveMin(s, min) && belowMax(s, max)).length;
      }
      case 'ZLEXCOUNT':
        return lexWalk(all(), parseLexBound(rest[0]), parseLexBound(rest[1])).length;
      case 'ZRANGEBYSCORE':
      case 'ZREVRANGEBYSCORE': {
        // key min max LIMIT offset count (max first for REV)
        const reverse = name === 'ZREVRANGEBYSCORE';
        const [min, max] = reverse ? [parseScoreBound(rest[1]), parseScoreBound(rest[0])] : [parseScoreBound(rest[0]), parseScoreBound(rest[1])];
        let inRange = all().filter(([, s]) => aboveMin(s, min) && belowMax(s, max));
        if (reverse) inRange = inRange.reverse();
        const [offset, count] = [Number(rest[3]), Number(rest[4])];
        return inRange.slice(offset, offset + count).map(([m]) => m);
      }
      case 'ZRANGEBYLEX': {
        const [offset, count] = [Number(rest[3]), Number(rest[4])];
        return lexWalk(all(), parseLexBound(rest[0]), parseLexBound(rest[1])).slice(offset, offset + count).map(([m]) => m);
      }
      case 'CONFIG':
        return 'OK';
      default:
        throw new Error(`the model does not know ${name}`);
    }
  }
}

// ---------------------------------------------------------------- the commands

/** Random commands over KEYS: mostly growing the sets (so buckets fill and split), every remover too. */
class Generator {
  /** `pool` members: the comparison with Redis keeps its sets listpack-sized (128), where lex ranges over mixed scores are defined. */
  constructor(
    private readonly random: () => number,
    private readonly pool: number,
  ) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  key(): string {
    return this.pick(KEYS);
  }

  member(): string {
    return memberName(this.int(this.pool));
  }

  score(): string {
    return this.random() < 0.8 ? String(this.int(40)) : String(this.int(80) / 2);
  }

  scoreBound(): string {
    const b = this.random() < 0.1 ? this.pick(['-inf', '+inf']) : this.score();
    return this.random() < 0.3 ? `(${b}` : b;
  }

  lexBound(): string {
    if (this.random() < 0.15) return this.pick(['-', '+']);
    return (this.random() < 0.3 ? '(' : '[') + this.member();
  }

  rank(size: number): number {
    return this.int(2 * size + 6) - size - 3;
  }

  write(size: (key: string) => number): Command {
    const key = this.key();
    const r = this.random();
    if (r < 0.55) {
      const options = ['NX', 'XX', 'GT', 'LT', 'CH'].filter(() => this.random() < 0.1);
      if (options.includes('NX') && options.includes('XX')) options.splice(options.indexOf('XX'), 1);
      if (options.includes('NX')) for (const o of ['GT', 'LT']) if (options.includes(o)) options.splice(options.indexOf(o), 1);
      if (options.includes('GT') && options.includes('LT')) options.splice(options.indexOf('LT'), 1);
      const pairs = this.random() < 0.06 ? 40 : 1 + this.int(4);
      const out: Command = ['ZADD', key, ...options];
      for (let i = 0; i < pairs; i++) out.push(this.score(), this.member());
      return out;
    }
    if (r < 0.65) return ['ZINCRBY', key, String(this.int(21) - 10), this.member()];
    if (r < 0.75) return ['ZREM', key, this.member(), this.member(), this.member()];
    if (r < 0.79) return [this.pick(['ZPOPMIN', 'ZPOPMAX']), key, 1 + this.int(5)];
    if (r < 0.82) {
      const start = this.rank(size(key));
      return ['ZREMRANGEBYRANK', key, start, start + this.int(8)];
    }
    if (r < 0.84) {
      const lo = this.int(40);
      return ['ZREMRANGEBYSCORE', key, `${lo}`, `(${lo + this.int(3)}`];
    }
    if (r < 0.86) {
      const lo = this.int(this.pool);
      return ['ZREMRANGEBYLEX', key, `[${memberName(lo)}`, `(${memberName(lo + this.int(6))}`];
    }
    if (r < 0.92) return [this.random() < 0.2 ? 'ZINTERSTORE' : 'ZUNIONSTORE', key, 2, this.key(), this.key()];
    if (r < 0.95) {
      const source = this.key();
      const start = this.rank(size(source));
      return ['ZRANGESTORE', key, source, start, start + this.int(size(source) + 1)];
    }
    if (r < 0.955) return ['DEL', key];
    if (r < 0.99) return ['ZCARD', key];
    return ['CONFIG', 'SET', 'zset-rank-bucket-size', String(this.pick([4, 5, 8, 16]))];
  }

  /** The reads that check the index after a write to `key`. */
  reads(key: string, size: number): Command[] {
    const m = this.member();
    const start = this.rank(size);
    const offset = this.int(size + 2);
    return [
      ['ZRANK', key, m],
      ['ZREVRANK', key, m],
      ['ZRANGE', key, start, start + this.int(6), 'WITHSCORES'],
      ['ZREVRANGE', key, start, start + this.int(6), 'WITHSCORES'],
      ['ZCOUNT', key, this.scoreBound(), this.scoreBound()],
      ['ZLEXCOUNT', key, this.lexBound(), this.lexBound()],
      ['ZRANGEBYSCORE', key, this.scoreBound(), this.scoreBound(), 'LIMIT', offset, 1 + this.int(4)],
      ['ZREVRANGEBYSCORE', key, '+inf', '-inf', 'LIMIT', offset, 1 + this.int(4)],
      ['ZRANGEBYLEX', key, '-', '+', 'LIMIT', offset, 1 + this.int(4)],
      ['ZCARD', key],
    ];
  }
}

async function send(client: Redis, commands: Command[]): Promise<unknown[]> {
  const results = await client.pipeline(commands.map(([name, ...args]) => [String(name).toLowerCase(), ...args.map(String)])).exec();
  return (results ?? []).map(([error, reply]) => (error === null ? reply : `error: ${(error as Error).message}`));
}

test('rank index: thousands of random writes with tiny buckets, reads after each checked against a model, then every bucket count against its members', async () => {
  const seed = Number(process.env.TEST_SEED ?? 1107);
  const gen = new Generator(mulberry32(seed), 300);
  const model = new Model();
  const server = await startServer({ args: ['--zset-rank-bucket-size', '4'] });
  try {
    const client = clients.connect({ port: server.port });
    for (let step = 0; step < 2000; step++) {
      const write = gen.write((k) => model.size(k));
      const key = String(write[0] === 'CONFIG' ? gen.key() : write[1]);
      const expectedWrite = model.apply(write);
      const reads = gen.reads(key, model.size(key));
      const expected = [expectedWrite, ...reads.map((c) => model.apply(c))];
      const replies = await send(client, [write, ...reads]);
      const commands = [write, ...reads];
      for (let i = 0; i < commands.length; i++) {
        assert.equal(replies[i], expected[i], `TEST_SEED=${seed} step ${step}: ${commands[i].join(' ')} (after ${write.join(' ')})`);
      }
    }
    // Whatever the run left, every key ends with some buckets for the check below.
    for (const key of KEYS) {
      for (let i = 0; i < 60; i++) {
        const add: Command = ['ZADD', key, gen.score(), gen.member()];
        assert.equal(await send(client, [add]), [model.apply(add)]);
      }
    }
    await client.quit();
    await server.stop({ keepDir: true });
    const { problems, buckets } = await checkRankIndexesOffline(server.dir, KEYS);
    assert.equal(problems, []);
    // The sets did get indexes, of many buckets.
    assert.ok(buckets > 20, `${buckets} buckets`);
  } finally {
    await server.stop();
  }
});

redisTest(test, 'rank index: random sorted-set writes and rank reads give redis-server replies', async () => {
  const seed = Number(process.env.TEST_SEED ?? 2207);
  const gen = new Generator(mulberry32(seed), 120);
  const model = new Model();
  const redis = await startRedis();
  const server = await startServer({ args: ['--zset-rank-bucket-size', '4'] });
  try {
    assert.ok(redis !== null, 'redis-server did not start');
    const ours = clients.connect({ port: server.port });
    const theirs = clients.connect({ port: redis.port });
    for (let step = 0; step < 600; step++) {
      let write = gen.write((k) => model.size(k));
      // Redis has no such directive.
      if (write[0] === 'CONFIG') write = ['ZCARD', gen.key()];
      model.apply(write);
      const key = String(write[1]);
      const commands = [write, ...gen.reads(key, model.size(key))];
      const [a, b] = await Promise.all([send(ours, commands), send(theirs, commands)]);
      for (let i = 0; i < commands.length; i++) assert.equal(a[i], b[i], `TEST_SEED=${seed} step ${step}: ${commands[i].join(' ')}`);
    }
  } finally {
    await server.stop();
    await redis?.stop();
  }
});

test.run();
