/**
 * Model family: the compare-and-set string commands newer than Redis 7.0, around the 7.0 commands
 * they interact with. The model keeps one database: string keys (bytes, optional expire instant)
 * and list keys (only to answer WRONGTYPE); a key whose expire instant is <= now is gone.
 */
import type { Arg, Gen } from '../gen.js';
import { arityError, bulk, err, int, nil, ok, syntaxError, wrongType } from './reply.js';
import { nameOf, token, type Model, type ModelCommandSpec, type ModelFamily } from './types.js';

type Entry =
  | { readonly type: 'string'; readonly value: Buffer; readonly expireAt: number | null }
  | { readonly type: 'list'; readonly items: readonly Buffer[]; readonly expireAt: number | null };

/** Arity as in the command table: n exactly, -n at least n (the name counted). */
const ARITY: Readonly<Record<string, number>> = {
  GET: 2, SET: -3, DEL: -2, EXISTS: -2, TTL: 2, RPUSH: -3,
};

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

  /** SET key value [NX | XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL], parsed as Redis 7.0's t_string.c does. */
  private set(args: readonly Buffer[], nowMs: number): Buffer {
    let nx = false;
    let xx = false;
    let get = false;
    let keepTtl = false;
    let unit: 'EX' | 'PX' | 'EXAT' | 'PXAT' | null = null;
    let expireArg: Buffer | null = null;
    for (let j = 3; j < args.length; j++) {
      const opt = token(args[j]);
      const hasNext = j + 1 < args.length;
      if (opt === 'NX' && !xx) nx = true;
      else if (opt === 'XX' && !nx) xx = true;
      else if (opt === 'GET') get = true;
      else if (opt === 'KEEPTTL' && unit === null) keepTtl = true;
      else if ((opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT') && !keepTtl && (unit === null || unit === opt) && hasNext) {
        unit = opt;
        expireArg = args[++j];
      } else return syntaxError();
    }
    let expireAt: number | null = null;
    if (unit !== null && expireArg !== null) {
      const parsed = expiryMs(expireArg, unit, nowMs);
      if (typeof parsed !== 'number') return parsed;
      expireAt = parsed;
    }
    const key = args[1];
    const current = this.lookup(key, nowMs);
    let reply: Buffer | null = null;
    if (get) {
      if (current !== undefined && current.type !== 'string') return wrongType();
      reply = current === undefined ? nil() : bulk(current.value);
    }
    if ((nx && current !== undefined) || (xx && current === undefined)) return reply ?? nil();
    const keptExpiry = keepTtl && current !== undefined ? current.expireAt : null;
    this.keys.set(id(key), { type: 'string', value: args[2], expireAt: expireAt ?? keptExpiry });
    return reply ?? ok();
  }
}

/** A key as a Map key: its bytes as latin1, one character per byte. */
function id(key: Buffer): string {
  return key.toString('latin1');
}

/** An expiry argument as an absolute instant in ms, or the error Redis answers for it. */
function expiryMs(arg: Buffer, unit: 'EX' | 'PX' | 'EXAT' | 'PXAT', nowMs: number): number | Buffer {
  const text = arg.toString('latin1');
  if (!/^(0|-?[1-9][0-9]*)$/.test(text) || BigInt(text) > LLONG_MAX || BigInt(text) < -LLONG_MAX - 1n) return err('ERR value is not an integer or out of range');
  let ms = BigInt(text);
  const seconds = unit === 'EX' || unit === 'EXAT';
  const invalid = err(`ERR invalid expire time in 'set' command`);
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) return invalid;
  if (seconds) ms *= 1000n;
  if (unit === 'EX' || unit === 'PX') ms += BigInt(nowMs);
  if (ms <= 0n || ms > LLONG_MAX) return invalid;
  return Number(ms);
}

const SET_OPTIONS: ReadonlyArray<(g: Gen) => Arg[]> = [
  () => ['NX'], () => ['XX'], () => ['GET'], () => ['KEEPTTL'], () => ['get'],
  (g) => ['EX', g.expiry('s', false)], (g) => ['PX', g.expiry('ms', false)],
  (g) => ['EXAT', g.expiry('s', true)], (g) => ['PXAT', g.expiry('ms', true)],
];

function options(g: Gen, pool: ReadonlyArray<(g: Gen) => Arg[]>, max: number): Arg[] {
  const out: Arg[] = [];
  for (let n = g.int(max + 1); n > 0; n--) out.push(...pool[g.int(pool.length)](g));
  return out;
}

/** Positive TTLs depend on the clock: only their sign is compared. */
function ttlSign(reply: Buffer): Buffer {
  const text = reply.toString('latin1');
  return /^:[1-9][0-9]*\r\n$/.test(text) ? Buffer.from(':1\r\n') : reply;
}

const commands: readonly ModelCommandSpec[] = [
  { name: 'GET', weight: 6, args: (g) => [g.key()] },
  { name: 'SET', weight: 10, args: (g) => [g.key(), g.value(), ...options(g, SET_OPTIONS, 3)] },
  { name: 'DEL', weight: 3, args: (g) => g.keys(1, 3) },
  { name: 'EXISTS', weight: 3, args: (g) => g.keys(1, 3) },
  { name: 'TTL', weight: 3, args: (g) => [g.key()], normalize: ttlSign },
  { name: 'RPUSH', weight: 1, args: (g) => [g.key(), g.value()] },
];

export const conditionalWrites: ModelFamily = {
  name: 'conditional-writes',
  commands,
  newModel: () => new ConditionalWritesModel(),
};
