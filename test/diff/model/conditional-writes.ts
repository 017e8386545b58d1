/**
 * Model family: the compare-and-set string commands newer than Redis 7.0 (SET's IFEQ, IFNE,
 * IFDEQ, IFDNE, DELEX and DIGEST and MSETEX of Redis 8.4, DELIFEQ of Valkey 9.0) around the 7.0
 * commands they interact with (GET, SET, DEL, EXISTS, TTL's sign, MGET, RPUSH for a key of
 * another type). The model keeps one database: string keys (bytes, optional expire instant) and
 * list keys (only to answer WRONGTYPE); a key whose expire instant is <= now is gone.
 *
 * The rules, with where each comes from (Redis' own tests in tests/unit/type/string.tcl of 8.4,
 * redis-py's and fakeredis' tests run against Redis 8.4, redis.io, PR #14502):
 * - SET: one condition of NX, XX, IFEQ, IFNE, IFDEQ, IFDNE (two is a syntax error). IFEQ/IFDEQ
 *   on a missing key set nothing (nil), IFNE/IFDNE create it. An IF* against a non-string key is
 *   WRONGTYPE. GET answers the old value whether or not the condition held.
 * - A digest argument must be 16 characters ("ERR must be exactly 16 hexadecimal characters"),
 *   checked only when there is a string value to compare; it is compared case-insensitively
 *   with DIGEST's 16 lowercase hex digits (so 16 non-hex characters simply never match).
 * - DELEX: 2 or 4 arguments (otherwise an arity error), a missing key is 0 before anything else,
 *   no condition deletes any type, a condition on a non-string is "ERR Key should be of string
 *   type if conditions are specified", an unknown condition "ERR Invalid condition. Use IFEQ,
 *   IFNE, IFDEQ, or IFDNE".
 * - MSETEX: numkeys from 1 to 2^31-1 ("ERR invalid numkeys value"), enough arguments for them
 *   ("ERR wrong number of key-value pairs"), then SET's NX/XX/expiration rules (no GET); NX: no
 *   key exists, XX: all exist, else 0 and nothing set.
 * The generator never sends SET ... GET with a digest of the wrong length against an existing
 * string: what Redis answers then (its GET reply is already written when the digest is checked)
 * is not documented.
 */
import { xxh3 } from '@node-rs/xxhash';
import type { Arg, Gen } from '../gen.js';
import { array, arityError, bulk, err, int, nil, ok, syntaxError, wrongType } from './reply.js';
import { nameOf, token, type Model, type ModelCommandSpec, type ModelFamily } from './types.js';

type Entry =
  | { readonly type: 'string'; readonly value: Buffer; readonly expireAt: number | null }
  | { readonly type: 'list'; readonly items: readonly Buffer[]; readonly expireAt: number | null };

/** Arity as in the command table: n exactly, -n at least n (the name counted). */
const ARITY: Readonly<Record<string, number>> = {
  GET: 2, SET: -3, DEL: -2, EXISTS: -2, TTL: 2, RPUSH: -3, MGET: -2, DELEX: -2, DIGEST: 2, DELIFEQ: 3, MSETEX: -4,
};

type Expiry = 'EX' | 'PX' | 'EXAT' | 'PXAT';
type Condition = 'NX' | 'XX' | 'IFEQ' | 'IFNE' | 'IFDEQ' | 'IFDNE';
const IF_CONDITIONS: ReadonlySet<string> = new Set(['IFEQ', 'IFNE', 'IFDEQ', 'IFDNE']);

/** The digest DIGEST answers: XXH3-64 of the bytes, 16 lowercase hex digits (computed independently of the server's module). */
function digestOf(value: Buffer): string {
  return xxh3.xxh64(value).toString(16).padStart(16, '0');
}

/** SET's and MSETEX's options, parsed by the rules of Redis 8.4 (see the top of this file). */
interface Options {
  condition: Condition | null;
  match: Buffer | null;
  get: boolean;
  keepTtl: boolean;
  unit: Expiry | null;
  expireArg: Buffer | null;
}

function parseOptions(args: readonly Buffer[], from: number, forSet: boolean): Options | null {
  const o: Options = { condition: null, match: null, get: false, keepTtl: false, unit: null, expireArg: null };
  for (let j = from; j < args.length; j++) {
    const opt = token(args[j]);
    const hasNext = j + 1 < args.length;
    // NX may repeat, XX too (as in 7.0); any other second condition is a syntax error.
    if (opt === 'NX' && (o.condition === null || o.condition === 'NX')) o.condition = 'NX';
    else if (opt === 'XX' && (o.condition === null || o.condition === 'XX')) o.condition = 'XX';
    else if (forSet && opt === 'GET') o.get = true;
    else if (opt === 'KEEPTTL' && o.unit === null) o.keepTtl = true;
    else if ((opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT') && !o.keepTtl && (o.unit === null || o.unit === opt) && hasNext) {
      o.unit = opt;
      o.expireArg = args[++j];
    } else if (forSet && IF_CONDITIONS.has(opt) && o.condition === null && hasNext) {
      o.condition = opt as Condition;
      o.match = args[++j];
    } else return null;
  }
  return o;
}

const LLONG_MAX = 9223372036854775807n;

class ConditionalWritesModel implements Model {
  private readonly keys = new Map<string, Entry>();

  apply(args: readonly Buffer[], nowMs: number): Buffer {
    const name = nameOf(args);
    const arity = ARITY[name];
    if (arity !== undefined && (arity >= 0 ? args.length !== arity : args.length < -arity)) return arityError(name);
    switch (name) {
      case 'GET': return this.get(args[1], nowMs);
      case 'SET': return this.set(args, nowMs);
      case 'DEL': return int(args.slice(1).filter((k) => this.lookup(k, nowMs) !== undefined && this.keys.delete(id(k))).length);
      case 'EXISTS': return int(args.slice(1).filter((k) => this.lookup(k, nowMs) !== undefined).length);
      case 'TTL': {
        const entry = this.lookup(args[1], nowMs);
        return int(entry === undefined ? -2 : entry.expireAt === null ? -1 : Math.round((entry.expireAt - nowMs) / 1000));
      }
      case 'MGET': return array(args.slice(1).map((k) => {
        const entry = this.lookup(k, nowMs);
        return entry?.type === 'string' ? bulk(entry.value) : nil();
      }));
      case 'DIGEST': {
        const entry = this.lookup(args[1], nowMs);
        if (entry === undefined) return nil();
        return entry.type === 'string' ? bulk(digestOf(entry.value)) : wrongType();
      }
      case 'DELIFEQ': {
        const entry = this.lookup(args[1], nowMs);
        if (entry === undefined) return int(0);
        if (entry.type !== 'string') return wrongType();
        if (!entry.value.equals(args[2])) return int(0);
        this.keys.delete(id(args[1]));
        return int(1);
      }
      case 'DELEX': return this.delex(args, nowMs);
      case 'MSETEX': return this.msetex(args, nowMs);
      case 'RPUSH': {
        const entry = this.lookup(args[1], nowMs);
        if (entry !== undefined && entry.type !== 'list') return wrongType();
        const items = [...(entry?.items ?? []), ...args.slice(2)];
        this.keys.set(id(args[1]), { type: 'list', items, expireAt: entry?.expireAt ?? null });
        return int(items.length);
      }
      default:
        throw new Error(`the conditional-writes model does not know ${name}`);
    }
  }

  /** The live entry of `key`; an expired one is dropped first. */
  private lookup(key: Buffer, nowMs: number): Entry | undefined {
    const entry = this.keys.get(id(key));
    if (entry !== undefined && entry.expireAt !== null && entry.expireAt <= nowMs) {
      this.keys.delete(id(key));
      return undefined;
    }
    return entry;
  }

  private get(key: Buffer, nowMs: number): Buffer {
    const entry = this.lookup(key, nowMs);
    if (entry === undefined) return nil();
    return entry.type === 'string' ? bulk(entry.value) : wrongType();
  }

  /** SET key value [condition] [GET] [expiration]. */
  private set(args: readonly Buffer[], nowMs: number): Buffer {
    const o = parseOptions(args, 3, true);
    if (o === null) return syntaxError();
    let expireAt: number | null = null;
    if (o.unit !== null && o.expireArg !== null) {
      const parsed = expiryMs(o.expireArg, o.unit, nowMs, 'set');
      if (typeof parsed !== 'number') return parsed;
      expireAt = parsed;
    }
    const key = args[1];
    const current = this.lookup(key, nowMs);
    let reply: Buffer | null = null;
    if (o.get) {
      if (current !== undefined && current.type !== 'string') return wrongType();
      reply = current === undefined ? nil() : bulk(current.value);
    }
    const c = o.condition;
    let refused = (c === 'NX' && current !== undefined) || ((c === 'XX' || c === 'IFEQ' || c === 'IFDEQ') && current === undefined);
    if (!refused && current !== undefined && c !== null && o.match !== null && IF_CONDITIONS.has(c)) {
      if (current.type !== 'string') return wrongType();
      const holds = conditionHolds(c, current.value, o.match);
      if (typeof holds !== 'boolean') return holds;
      refused = !holds;
    }
    if (refused) return reply ?? nil();
    const keptExpiry = o.keepTtl && current !== undefined ? current.expireAt : null;
    this.keys.set(id(key), { type: 'string', value: args[2], expireAt: expireAt ?? keptExpiry });
    return reply ?? ok();
  }

  private delex(args: readonly Buffer[], nowMs: number): Buffer {
    if (args.length !== 2 && args.length !== 4) return arityError('delex');
    const entry = this.lookup(args[1], nowMs);
    if (entry === undefined) return int(0);
    if (args.length === 4) {
      if (entry.type !== 'string') return err('ERR Key should be of string type if conditions are specified');
      const c = token(args[2]);
      if (!IF_CONDITIONS.has(c)) return err('ERR Invalid condition. Use IFEQ, IFNE, IFDEQ, or IFDNE');
      const holds = conditionHolds(c as Condition, entry.value, args[3]);
      if (typeof holds !== 'boolean') return holds;
      if (!holds) return int(0);
    }
    this.keys.delete(id(args[1]));
    return int(1);
  }

  private msetex(args: readonly Buffer[], nowMs: number): Buffer {
    const numText = args[1].toString('latin1');
    const n = /^(0|-?[1-9][0-9]{0,18})$/.test(numText) ? BigInt(numText) : null;
    if (n === null || n < 1n || n > 2147483647n) return err('ERR invalid numkeys value');
    const count = Number(n);
    if (2 + 2 * count > args.length) return err('ERR wrong number of key-value pairs');
    const o = parseOptions(args, 2 + 2 * count, false);
    if (o === null) return syntaxError();
    let expireAt: number | null = null;
    if (o.unit !== null && o.expireArg !== null) {
      const parsed = expiryMs(o.expireArg, o.unit, nowMs, 'msetex');
      if (typeof parsed !== 'number') return parsed;
      expireAt = parsed;
    }
    const keys = Array.from({ length: count }, (_, i) => args[2 + 2 * i]);
    const existing = keys.map((k) => this.lookup(k, nowMs));
    if (o.condition === 'NX' && existing.some((e) => e !== undefined)) return int(0);
    if (o.condition === 'XX' && existing.some((e) => e === undefined)) return int(0);
    for (let i = 0; i < count; i++) {
      const kept = o.keepTtl ? this.lookup(keys[i], nowMs)?.expireAt ?? null : null;
      this.keys.set(id(keys[i]), { type: 'string', value: args[3 + 2 * i], expireAt: expireAt ?? kept });
    }
    return int(1);
  }
}

/** Whether an IF* condition holds for `value`, or the error for a digest of the wrong length. */
function conditionHolds(c: Condition, value: Buffer, match: Buffer): boolean | Buffer {
  if (c === 'IFEQ') return value.equals(match);
  if (c === 'IFNE') return !value.equals(match);
  if (match.length !== 16) return err('ERR must be exactly 16 hexadecimal characters');
  const same = match.toString('latin1').toLowerCase() === digestOf(value);
  return c === 'IFDEQ' ? same : !same;
}

/** A key as a Map key: its bytes as latin1, one character per byte. */
function id(key: Buffer): string {
  return key.toString('latin1');
}

/** An expiry argument as an absolute instant in ms, or the error Redis answers for it. */
function expiryMs(arg: Buffer, unit: Expiry, nowMs: number, command: string): number | Buffer {
  const text = arg.toString('latin1');
  if (!/^(0|-?[1-9][0-9]*)$/.test(text) || BigInt(text) > LLONG_MAX || BigInt(text) < -LLONG_MAX - 1n) return err('ERR value is not an integer or out of range');
  let ms = BigInt(text);
  const seconds = unit === 'EX' || unit === 'EXAT';
  const invalid = err(`ERR invalid expire time in '${command}' command`);
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) return invalid;
  if (seconds) ms *= 1000n;
  if (unit === 'EX' || unit === 'PX') ms += BigInt(nowMs);
  if (ms <= 0n || ms > LLONG_MAX) return invalid;
  return Number(ms);
}

/**
 * Values from a small pool, so that IFEQ, DELIFEQ and digests of drawn values often match what a
 * key holds; now and then any value of the shared generator (binary, long, numeric).
 */
const POOL: readonly string[] = ['a', 'b', 'hello', '', '12345', 'x\x00y'];

function value(g: Gen): Arg {
  return g.chance(0.8) ? g.pick(POOL) : g.value();
}

/** A digest argument: usually of a pool value (so it can match), in either case, or a malformed one. */
function digestArg(g: Gen, wellFormed: boolean): string {
  const roll = g.int(10);
  if (!wellFormed || roll === 0) return g.pick(['', '123', '0'.repeat(15), '0'.repeat(17), '1234567890']);
  const digest = digestOf(Buffer.from(g.pick(POOL), 'latin1'));
  if (roll < 7) return digest;
  if (roll < 9) return digest.toUpperCase();
  return g.pick(['z'.repeat(16), '0'.repeat(16), 'ffffffffffffffff']);
}

function expiration(g: Gen): Arg[] {
  return g.pick<(g: Gen) => Arg[]>([
    () => ['KEEPTTL'], () => ['keepttl'],
    (g) => ['EX', g.expiry('s', false)], (g) => ['PX', g.expiry('ms', false)],
    (g) => ['EXAT', g.expiry('s', true)], (g) => ['PXAT', g.expiry('ms', true)],
  ])(g);
}

/** SET's or MSETEX's options: a condition, GET, an expiration, in any order, now and then a clash. */
function setOptions(g: Gen, forSet: boolean): Arg[] {
  const parts: Arg[][] = [];
  const conditions: ReadonlyArray<() => Arg[]> = forSet
    ? [() => ['NX'], () => ['XX'], () => ['IFEQ', value(g)], () => ['IFNE', value(g)], () => ['ifeq', value(g)],
      () => ['IFDEQ', digestArg(g, true)], () => ['IFDNE', digestArg(g, true)], () => ['IfDeQ', digestArg(g, true)]]
    : [() => ['NX'], () => ['XX'], () => ['nx']];
  let badDigest = false;
  if (g.chance(0.7)) {
    const condition = g.pick(conditions)();
    if (forSet && g.chance(0.05) && /^ifd/i.test(String(condition[0]))) {
      condition[1] = digestArg(g, false);
      badDigest = true;
    }
    parts.push(condition);
  }
  // GET with a malformed digest is left out: see the top of this file.
  if (forSet && !badDigest && g.chance(0.3)) parts.push([g.pick(['GET', 'get'])]);
  if (g.chance(0.4)) parts.push(expiration(g));
  if (g.chance(0.06)) parts.push(g.pick(conditions)()); // a second condition, or NX NX
  if (g.chance(0.03)) parts.push(expiration(g)); // a second expiration
  if (g.chance(0.02)) parts.push([g.pick(['GET', 'FOO', 'IFEQ', 'PERSIST'])]);
  for (let i = parts.length - 1; i > 0; i--) {
    const j = g.int(i + 1);
    [parts[i], parts[j]] = [parts[j], parts[i]];
  }
  return parts.flat();
}

function delexArgs(g: Gen): Arg[] {
  const roll = g.int(20);
  if (roll < 5) return [g.key()];
  if (roll < 18) {
    const condition = g.pick(['IFEQ', 'IFNE', 'IFDEQ', 'IFDNE', 'ifeq', 'IfDnE']);
    return [g.key(), condition, /^ifd/i.test(condition) ? digestArg(g, g.chance(0.9)) : value(g)];
  }
  return g.pick([[g.key(), 'IFEQ'], [g.key(), 'FOO', value(g)], [g.key(), 'IFEQ', value(g), 'extra'], [g.key(), 'EQ', 'a']]);
}

function msetexArgs(g: Gen): Arg[] {
  const count = g.between(1, 3);
  const pairs: Arg[] = [];
  for (let i = 0; i < count; i++) pairs.push(g.key(), value(g));
  const roll = g.int(20);
  const numkeys = roll < 17 ? String(count) : g.pick(['0', '-1', 'x', String(count + 1), '2147483647', '2147483648', '1.0', ' 1']);
  return [numkeys, ...pairs, ...setOptions(g, false)];
}

/** Positive TTLs depend on the clock: only their sign is compared. */
function ttlSign(reply: Buffer): Buffer {
  const text = reply.toString('latin1');
  return /^:[1-9][0-9]*\r\n$/.test(text) ? Buffer.from(':1\r\n') : reply;
}

const commands: readonly ModelCommandSpec[] = [
  { name: 'GET', weight: 6, args: (g) => [g.key()] },
  { name: 'SET', weight: 14, args: (g) => [g.key(), value(g), ...setOptions(g, true)] },
  { name: 'DELEX', weight: 5, args: delexArgs },
  { name: 'DIGEST', weight: 3, args: (g) => (g.chance(0.97) ? [g.key()] : g.pick([[], [g.key(), g.key()]])) },
  { name: 'DELIFEQ', weight: 3, args: (g) => (g.chance(0.97) ? [g.key(), value(g)] : [g.key()]) },
  { name: 'MSETEX', weight: 4, args: msetexArgs },
  { name: 'MGET', weight: 2, args: (g) => g.keys(1, 3) },
  { name: 'DEL', weight: 3, args: (g) => g.keys(1, 3) },
  { name: 'EXISTS', weight: 3, args: (g) => g.keys(1, 3) },
  { name: 'TTL', weight: 3, args: (g) => [g.key()], normalize: ttlSign },
  { name: 'RPUSH', weight: 1, args: (g) => [g.key(), value(g)] },
];

export const conditionalWrites: ModelFamily = {
  name: 'conditional-writes',
  commands,
  newModel: () => new ConditionalWritesModel(),
};
