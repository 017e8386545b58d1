/**
 * Model family for hash-field expiration (Redis 7.4's HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL
 * HPTTL HEXPIRETIME HPEXPIRETIME HPERSIST, Redis 8.0's HGETEX HSETEX HGETDEL), with the hash
 * commands that interact with field TTLs (HSET clears one, HINCRBY keeps it, HDEL, HGET, HLEN,
 * HGETALL) and DEL, SET, EXISTS. The model is a Map of keys to strings or hashes whose fields
 * carry an expire time; its answers follow redis.io and Redis 8's t_hash.c: the per-field codes,
 * the error texts and the order in which arguments are checked.
 *
 * Time (types.ts): the drawn expiries are 100 s or more ahead, far in the future, or in the past,
 * so a field never expires during a sequence except at once (code 2). TTL replies are normalized:
 * every positive number becomes 1 (the server and the model read the clock at different moments).
 */
import type { Arg, Gen } from '../gen.js';
import { array, arityError, bulk, err, int, nil, notInteger, ok, wrongType } from './reply.js';
import { nameOf, token, type Model, type ModelCommandSpec, type ModelFamily } from './types.js';

/** Redis' HFE_MAX_ABS_TIME_MSEC. */
const MAX_ABS_TIME_MS = 70368744177663n;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

const FIELDS_MISSING = 'ERR Mandatory argument FIELDS is missing or not at the right position';
const NUMFIELDS_POSITIVE = 'ERR Number of fields must be a positive integer';
const NUMFIELDS_GREATER = 'ERR Parameter `numFields` should be greater than 0';
const NUMFIELDS_MATCH = 'ERR The `numfields` parameter must match the number of arguments';

interface Field {
  value: Buffer;
  /** Expire time in ms, 0 for none. */
  expire: number;
}

type Value = { kind: 'string'; value: Buffer } | { kind: 'hash'; fields: Map<string, Field> };

/** Redis' string2ll: a canonical decimal int64, or undefined. */
function int64(arg: Buffer | undefined): bigint | undefined {
  if (arg === undefined) return undefined;
  const text = arg.toString('latin1');
  if (!/^(0|-?[1-9][0-9]{0,19})$/.test(text)) return undefined;
  const n = BigInt(text);
  return n > INT64_MAX || n < INT64_MIN ? undefined : n;
}

const name = (b: Buffer): string => b.toString('latin1');

class HashFieldExpiryModel implements Model {
  private readonly keys = new Map<string, Value>();

  apply(args: readonly Buffer[], nowMs: number): Buffer {
    this.expireFields(nowMs);
    const cmd = nameOf(args);
    const arity = ARITY[cmd];
    if (arity !== undefined && (arity > 0 ? args.length !== arity : args.length < -arity)) return arityError(cmd);
    switch (cmd) {
      case 'HEXPIRE':
        return this.hexpire(args, nowMs, 1000n, true, 'hexpire');
      case 'HPEXPIRE':
        return this.hexpire(args, nowMs, 1n, true, 'hpexpire');
      case 'HEXPIREAT':
        return this.hexpire(args, nowMs, 1000n, false, 'hexpireat');
      case 'HPEXPIREAT':
        return this.hexpire(args, nowMs, 1n, false, 'hpexpireat');
      case 'HTTL':
      case 'HPTTL':
      case 'HEXPIRETIME':
      case 'HPEXPIRETIME':
        return this.httl(args, cmd, nowMs);
      case 'HPERSIST':
        return this.hpersist(args);
      case 'HGETDEL':
        return this.hgetdel(args);
      case 'HGETEX':
        return this.hgetex(args, nowMs);
      case 'HSETEX':
        return this.hsetex(args, nowMs);
      case 'HSET': {
        if (args.length % 2 === 1) return arityError('hset');
        const h = this.hashForWrite(args[1]);
        if (h === null) return wrongType();
        let added = 0;
        for (let i = 2; i < args.length; i += 2) {
          if (!h.has(name(args[i]))) added++;
          h.set(name(args[i]), { value: args[i + 1], expire: 0 });
        }
        return int(added);
      }
      case 'HINCRBY': {
        const incr = int64(args[3]);
        if (incr === undefined) return notInteger();
        const h = this.hashForWrite(args[1]);
        if (h === null) return wrongType();
        const f = h.get(name(args[2]));
        const current = f === undefined ? 0n : int64(f.value);
        if (current === undefined) return err('ERR hash value is not an integer');
        const next = current + incr;
        if (next > INT64_MAX || next < INT64_MIN) return err('ERR increment or decrement would overflow');
        h.set(name(args[2]), { value: Buffer.from(String(next)), expire: f?.expire ?? 0 });
        return int(next);
      }
      case 'HDEL': {
        const h = this.hash(args[1]);
        if (h === undefined) return wrongType();
        if (h === null) return int(0);
        let deleted = 0;
        for (const f of args.slice(2)) if (h.delete(name(f))) deleted++;
        this.dropIfEmpty(args[1]);
        return int(deleted);
      }
      case 'HGET': {
        const h = this.hash(args[1]);
        if (h === undefined) return wrongType();
        const f = h?.get(name(args[2]));
        return f === undefined ? nil() : bulk(f.value);
      }
      case 'HLEN': {
        const h = this.hash(args[1]);
        if (h === undefined) return wrongType();
        return int(h?.size ?? 0);
      }
      case 'HGETALL': {
        const h = this.hash(args[1]);
        if (h === undefined) return wrongType();
        const entries = [...(h ?? new Map<string, Field>()).entries()].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1')));
        return array(entries.flatMap(([f, { value }]) => [bulk(f), bulk(value)]));
      }
      case 'DEL': {
        let n = 0;
        for (const k of args.slice(1)) if (this.keys.delete(name(k))) n++;
        return int(n);
      }
      case 'EXISTS':
        return int(args.slice(1).filter((k) => this.keys.has(name(k))).length);
      case 'SET':
        this.keys.set(name(args[1]), { kind: 'string', value: args[2] });
        return ok();
      default:
        throw new Error(`the hash-field-expiry model does not know ${cmd}`);
    }
  }

  /** Fields whose time has come are gone, and a hash left empty with them. */
  private expireFields(now: number): void {
    for (const [key, v] of this.keys) {
      if (v.kind !== 'hash') continue;
      for (const [f, field] of v.fields) if (field.expire !== 0 && field.expire <= now) v.fields.delete(f);
      if (v.fields.size === 0) this.keys.delete(key);
    }
  }

  /** The hash at `key`: its fields, null when absent, undefined when another type. */
  private hash(key: Buffer): Map<string, Field> | null | undefined {
    const v = this.keys.get(name(key));
    if (v === undefined) return null;
    return v.kind === 'hash' ? v.fields : undefined;
  }

  /** The hash at `key`, created empty when absent; null when another type. */
  private hashForWrite(key: Buffer): Map<string, Field> | null {
    const h = this.hash(key);
    if (h === undefined) return null;
    if (h !== null) return h;
    const fields = new Map<string, Field>();
    this.keys.set(name(key), { kind: 'hash', fields });
    return fields;
  }

  private dropIfEmpty(key: Buffer): void {
    const v = this.keys.get(name(key));
    if (v?.kind === 'hash' && v.fields.size === 0) this.keys.delete(name(key));
  }

  /** Redis' parseExpireTime of t_hash.c: ms, or the error reply. */
  private expireTime(arg: Buffer, scale: bigint, base: number, command: string): number | Buffer {
    const n = int64(arg);
    if (n === undefined) return notInteger();
    if (n < 0n) return err('ERR invalid expire time, must be >= 0');
    if (scale === 1000n && n > MAX_ABS_TIME_MS / 1000n) return err(`ERR invalid expire time in '${command}' command`);
    const ms = n * scale;
    if (ms > MAX_ABS_TIME_MS - BigInt(base)) return err(`ERR invalid expire time in '${command}' command`);
    return Number(ms) + base;
  }

  /** FIELDS numfields field... at args[at]: the fields, or the error reply. */
  private fields(args: readonly Buffer[], at: number, numfieldsError: string): Buffer[] | Buffer {
    if (at >= args.length || token(args[at]) !== 'FIELDS') return err(FIELDS_MISSING);
    const n = int64(args[at + 1]);
    if (n === undefined || n < 1n) return err(numfieldsError);
    if (n !== BigInt(args.length - at - 2)) return err(NUMFIELDS_MATCH);
    return args.slice(at + 2);
  }

  private hexpire(args: readonly Buffer[], now: number, scale: bigint, relative: boolean, command: string): Buffer {
    const h = this.hash(args[1]);
    if (h === undefined) return wrongType();
    const expire = this.expireTime(args[2], scale, relative ? now : 0, command);
    if (typeof expire !== 'number') return expire;
    const cond = ['NX', 'XX', 'GT', 'LT'].includes(token(args[3])) ? token(args[3]) : '';
    const fields = this.fields(args, cond === '' ? 3 : 4, NUMFIELDS_GREATER);
    if (!Array.isArray(fields)) return fields;
    if (h === null) return array(fields.map(() => int(-2)));
    const out = fields.map((f) => {
      const field = h.get(name(f));
      if (field === undefined) return int(-2);
      const prev = field.expire;
      const met = prev === 0 ? cond !== 'XX' && cond !== 'GT' : !((cond === 'GT' && prev >= expire) || (cond === 'LT' && prev <= expire) || cond === 'NX');
      if (!met) return int(0);
      if (expire <= now) {
        h.delete(name(f));
        return int(2);
      }
      field.expire = expire;
      return int(1);
    });
    this.dropIfEmpty(args[1]);
    return array(out);
  }

  private httl(args: readonly Buffer[], cmd: string, now: number): Buffer {
    const h = this.hash(args[1]);
    if (h === undefined) return wrongType();
    const fields = this.fields(args, 2, NUMFIELDS_POSITIVE);
    if (!Array.isArray(fields)) return fields;
    return array(
      fields.map((f) => {
        const field = h?.get(name(f));
        if (field === undefined) return int(-2);
        if (field.expire === 0) return int(-1);
        const base = cmd === 'HTTL' || cmd === 'HPTTL' ? now : 0;
        return int(cmd === 'HTTL' || cmd === 'HEXPIRETIME' ? Math.floor((field.expire + 999 - base) / 1000) : field.expire - base);
      }),
    );
  }

  private hpersist(args: readonly Buffer[]): Buffer {
    const h = this.hash(args[1]);
    if (h === undefined) return wrongType();
    const fields = this.fields(args, 2, NUMFIELDS_POSITIVE);
    if (!Array.isArray(fields)) return fields;
    return array(
      fields.map((f) => {
        const field = h?.get(name(f));
        if (field === undefined) return int(-2);
        if (field.expire === 0) return int(-1);
        field.expire = 0;
        return int(1);
      }),
    );
  }

  private hgetdel(args: readonly Buffer[]): Buffer {
    const h = this.hash(args[1]);
    if (h === undefined) return wrongType();
    const fields = this.fields(args, 2, NUMFIELDS_POSITIVE);
    if (!Array.isArray(fields)) return fields;
    const out = fields.map((f) => {
      const field = h?.get(name(f));
      if (field === undefined) return nil();
      h?.delete(name(f));
      return bulk(field.value);
    });
    this.dropIfEmpty(args[1]);
    return array(out);
  }

  private hgetex(args: readonly Buffer[], now: number): Buffer {
    const h = this.hash(args[1]);
    if (h === undefined) return wrongType();
    const cond = ['EX', 'PX', 'EXAT', 'PXAT', 'PERSIST'].includes(token(args[2])) ? token(args[2]) : '';
    let expire = 0;
    let at = 2;
    if (cond === 'PERSIST') at = 3;
    else if (cond !== '') {
      at = 4;
      const parsed = this.expireTime(args[3], cond === 'EX' || cond === 'EXAT' ? 1000n : 1n, cond === 'EX' || cond === 'PX' ? now : 0, 'hgetex');
      if (typeof parsed !== 'number') return parsed;
      expire = parsed;
    }
    const fields = this.fields(args, at, NUMFIELDS_POSITIVE);
    if (!Array.isArray(fields)) return fields;
    const out = fields.map((f) => {
      const field = h?.get(name(f));
      if (field === undefined) return nil();
      const reply = bulk(field.value);
      if (cond === 'PERSIST') field.expire = 0;
      else if (cond !== '' && expire <= now) h?.delete(name(f));
      else if (cond !== '') field.expire = expire;
      return reply;
    });
    this.dropIfEmpty(args[1]);
    return array(out);
  }

  private hsetex(args: readonly Buffer[], now: number): Buffer {
    const arity = arityError('hsetex');
    let fnx = false;
    let fxx = false;
    let expiry = '';
    let expire = 0;
    let first = -1;
    let count = 0;
    for (let i = 2; i < args.length && first < 0; i++) {
      const t = token(args[i]);
      if (t === 'FIELDS') {
        if (i >= args.length - 3) return arity;
        const n = int64(args[i + 1]);
        if (n === undefined || n < 1n || n > 0x7fffffffn) return err('ERR invalid number of fields');
        const remaining = args.length - i - 2;
        if (remaining % 2 !== 0 || Number(n) !== remaining / 2) return arity;
        first = i + 2;
        count = Number(n);
      } else if (['EX', 'PX', 'EXAT', 'PXAT', 'KEEPTTL'].includes(t)) {
        if (expiry !== '') return err('ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified');
        expiry = t;
        if (t === 'KEEPTTL') continue;
        if (i >= args.length - 1) return err('ERR missing expire time');
        i++;
        const parsed = this.expireTime(args[i], t === 'EX' || t === 'EXAT' ? 1000n : 1n, t === 'EX' || t === 'PX' ? now : 0, 'hsetex');
        if (typeof parsed !== 'number') return parsed;
        expire = parsed;
      } else if (t === 'FNX' || t === 'FXX') {
        if (fnx || fxx) return err('ERR Only one of FXX or FNX arguments can be specified');
        if (t === 'FNX') fnx = true;
        else fxx = true;
      } else {
        return err(`ERR unknown argument: ${args[i].toString('latin1')}`);
      }
    }
    if (first < 0) return arity;
    const existing = this.hash(args[1]);
    if (existing === undefined) return wrongType();
    if (existing === null && fxx) return int(0);
    const names: string[] = [];
    for (let i = 0; i < count; i++) names.push(name(args[first + 2 * i]));
    const present = names.filter((f) => existing?.has(f)).length;
    if ((fnx && present > 0) || (fxx && present < names.length)) return int(0);
    const h = this.hashForWrite(args[1]) as Map<string, Field>;
    const setExpiry = expiry !== '' && expiry !== 'KEEPTTL';
    for (let i = 0; i < count; i++) {
      const f = names[i];
      const value = args[first + 2 * i + 1];
      if (setExpiry && expire <= now) {
        h.delete(f);
        continue;
      }
      const keep = expiry === 'KEEPTTL' ? (h.get(f)?.expire ?? 0) : 0;
      h.set(f, { value, expire: setExpiry ? expire : keep });
    }
    this.dropIfEmpty(args[1]);
    return int(1);
  }
}

/** Arity of each command the family draws (Redis' convention: negative means at least). */
const ARITY: Record<string, number> = {
  HEXPIRE: -6,
  HPEXPIRE: -6,
  HEXPIREAT: -6,
  HPEXPIREAT: -6,
  HTTL: -5,
  HPTTL: -5,
  HEXPIRETIME: -5,
  HPEXPIRETIME: -5,
  HPERSIST: -5,
  HGETDEL: -5,
  HGETEX: -5,
  HSETEX: -6,
  HSET: -4,
  HINCRBY: 4,
  HDEL: -3,
  HGET: 3,
  HLEN: 2,
  HGETALL: 2,
  DEL: -2,
  EXISTS: -2,
  SET: 3,
};

// ---------------------------------------------------------------- generators

const FIELD_NAMES = ['a', 'b', 'c', 'd', '', 'f\x00\xff'];

function field(g: Gen): string {
  return g.pick(FIELD_NAMES);
}

/** FIELDS numfields field...: usually right, sometimes a count that does not match, 0, or not a number. */
function fieldsClause(g: Gen, withValues: boolean): Arg[] {
  const n = g.between(1, 4);
  const items: Arg[] = [];
  for (let i = 0; i < n; i++) {
    items.push(field(g));
    if (withValues) items.push(g.value());
  }
  const roll = g.int(20);
  const count = roll === 0 ? '0' : roll === 1 ? String(n + 1) : roll === 2 ? String(Math.max(0, n - 1)) : roll === 3 ? g.pick(['-1', 'x', '1.5']) : String(n);
  const keyword = g.int(30) === 0 ? 'FIELD' : g.chance(0.5) ? 'FIELDS' : 'fields';
  return [keyword, count, ...items];
}

function expireArgs(unit: 's' | 'ms', absolute: boolean): (g: Gen) => Arg[] {
  return (g) => {
    const cond = g.int(3) === 0 ? [g.pick(['NX', 'XX', 'GT', 'LT', 'nx', 'gt'])] : [];
    return [g.key(), g.expiry(unit, absolute), ...cond, ...fieldsClause(g, false)];
  };
}

/** TTL replies depend on the clock: every positive number becomes 1. */
function positiveAsOne(reply: Buffer): Buffer {
  return Buffer.from(reply.toString('latin1').replace(/:[1-9][0-9]*\r\n/g, ':1\r\n'), 'latin1');
}

const ttlArgs = (g: Gen): Arg[] => [g.key(), ...fieldsClause(g, false)];

const COMMANDS: readonly ModelCommandSpec[] = [
  { name: 'HSET', weight: 8, args: (g) => [g.key(), ...Array.from({ length: g.between(1, 3) }, () => [field(g), g.value()]).flat()] },
  { name: 'HEXPIRE', weight: 4, args: expireArgs('s', false) },
  { name: 'HPEXPIRE', weight: 3, args: expireArgs('ms', false) },
  { name: 'HEXPIREAT', weight: 3, args: expireArgs('s', true) },
  { name: 'HPEXPIREAT', weight: 3, args: expireArgs('ms', true) },
  { name: 'HTTL', weight: 3, args: ttlArgs, normalize: positiveAsOne },
  { name: 'HPTTL', weight: 2, args: ttlArgs, normalize: positiveAsOne },
  { name: 'HEXPIRETIME', weight: 2, args: ttlArgs, normalize: positiveAsOne },
  { name: 'HPEXPIRETIME', weight: 2, args: ttlArgs, normalize: positiveAsOne },
  { name: 'HPERSIST', weight: 3, args: ttlArgs },
  { name: 'HGETDEL', weight: 2, args: ttlArgs },
  {
    name: 'HGETEX',
    weight: 3,
    args: (g) => {
      const roll = g.int(6);
      const option: Arg[] =
        roll === 0 ? [] : roll === 1 ? ['PERSIST'] : roll === 2 ? [g.pick(['EX', 'ex']), g.expiry('s', false)] : roll === 3 ? ['PX', g.expiry('ms', false)] : roll === 4 ? ['EXAT', g.expiry('s', true)] : ['PXAT', g.expiry('ms', true)];
      return [g.key(), ...option, ...fieldsClause(g, false)];
    },
  },
  {
    name: 'HSETEX',
    weight: 4,
    args: (g) => {
      const out: Arg[] = [g.key()];
      if (g.chance(0.4)) out.push(g.pick(['FNX', 'FXX', 'fnx']));
      const roll = g.int(7);
      if (roll === 1) out.push('KEEPTTL');
      else if (roll === 2) out.push('EX', g.expiry('s', false));
      else if (roll === 3) out.push('PX', g.expiry('ms', false));
      else if (roll === 4) out.push('EXAT', g.expiry('s', true));
      else if (roll === 5) out.push('PXAT', g.expiry('ms', true));
      if (g.int(25) === 0) out.push(g.pick(['FNX', 'KEEPTTL', 'EX', 'BOGUS']));
      return [...out, ...fieldsClause(g, true)];
    },
  },
  { name: 'HINCRBY', weight: 2, args: (g) => [g.key(), field(g), String(g.between(-5, 5))] },
  { name: 'HDEL', weight: 2, args: (g) => [g.key(), field(g), ...(g.chance(0.3) ? [field(g)] : [])] },
  { name: 'HGET', weight: 3, args: (g) => [g.key(), field(g)] },
  { name: 'HLEN', weight: 3, args: (g) => [g.key()] },
  { name: 'HGETALL', weight: 3, args: (g) => [g.key()] },
  { name: 'EXISTS', weight: 1, args: (g) => [g.key()] },
  { name: 'DEL', weight: 1, args: (g) => [g.key()] },
  { name: 'SET', weight: 1, args: (g) => [g.key(), g.value()] },
];

export const hashFieldExpiry: ModelFamily = {
  name: 'hash-field-expiry',
  commands: COMMANDS,
  newModel: () => new HashFieldExpiryModel(),
};
