/**
 * Values between Lua and Redis replies, by Redis 7.0's rules (script_lua.c,
 * luaReplyToRedisReply and the RESP-to-Lua parser callbacks).
 *
 * Redis → Lua: a command run by redis.call writes its reply into a capturing ReplyWriter in the
 * script's protocol (2, or 3 after redis.setresp(3)); `pushReply` parses those bytes straight onto
 * the Lua stack:
 *   integer → number; bulk → string; null bulk / null array (RESP2) → false; array → table;
 *   status → {ok=...}; error → {err=...};
 *   RESP3 only: map → {map={k=v}}; set → {set={m=true}}; null → nil; boolean → boolean;
 *   double → {double=n}; big number → {big_number='...'}; verbatim → {verbatim_string={format=, string=}}.
 * Lua → Redis (`writeLuaValue`, the script's result):
 *   string → bulk; number → integer, truncated (as C's (long long) cast: NaN and out of range give
 *   LLONG_MIN); true → :1 (RESP3 script: boolean); false → null (RESP3 script: boolean); nil → null;
 *   table: {err=s} error, {ok=s} status, {double=n}, {big_number=s}, {map=t}, {set=t}, else an
 *   array of t[1], t[2], ... up to the first nil.
 */
import type { ReplyWriter } from '../protocol/reply.js';
import { formatDouble } from '../protocol/reply.js';
import {
  LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE,
  type LuaExports, type LuaState, type Ptr,
} from './lua-wasm.js';

const LLONG_MIN = -(2n ** 63n);
const TWO_63 = 2 ** 63;

/** Heap strings and scratch memory shared by the conversions of one VM. */
export class LuaHeap {
  /** Scratch for out-parameters (a size_t length, an isnum flag). */
  readonly scratch: Ptr;
  private readonly names = new Map<string, Ptr>();
  private buf: Ptr;
  private bufSize = 256;

  constructor(readonly api: LuaExports) {
    this.scratch = api._malloc(16);
    this.buf = api._malloc(this.bufSize);
  }

  /** A NUL-terminated ASCII name kept for the VM's lifetime (field names, chunk names). */
  name(s: string): Ptr {
    let p = this.names.get(s);
    if (p === undefined) {
      p = this.api._malloc(s.length + 1);
      for (let i = 0; i < s.length; i++) this.api.HEAPU8[p + i] = s.charCodeAt(i);
      this.api.HEAPU8[p + s.length] = 0;
      this.names.set(s, p);
    }
    return p;
  }

  /** Copies bytes into a reused heap buffer; valid until the next call. */
  copyIn(bytes: Uint8Array): Ptr {
    if (bytes.length > this.bufSize) {
      this.api._free(this.buf);
      this.bufSize = Math.max(bytes.length, this.bufSize * 2);
      this.buf = this.api._malloc(this.bufSize);
    }
    this.api.HEAPU8.set(bytes, this.buf);
    return this.buf;
  }

  /** Same, from a latin1 string. */
  copyInLatin1(s: string): Ptr {
    return this.copyIn(Buffer.from(s, 'latin1'));
  }

  pushBytes(L: LuaState, bytes: Uint8Array): void {
    this.api._lua_pushlstring(L, this.copyIn(bytes), bytes.length);
  }

  pushString(L: LuaState, s: string): void {
    const b = Buffer.from(s, 'latin1');
    this.api._lua_pushlstring(L, this.copyIn(b), b.length);
  }

  /** The string (or number, converted in place) at idx as a Buffer copy. */
  toBuffer(L: LuaState, idx: number): Buffer {
    const p = this.api._lua_tolstring(L, idx, this.scratch);
    const n = this.api.HEAPU32[this.scratch >> 2];
    return Buffer.from(this.api.HEAPU8.subarray(p, p + n));
  }

  /** The string at idx as a latin1 JS string. */
  toLatin1(L: LuaState, idx: number): string {
    const p = this.api._lua_tolstring(L, idx, this.scratch);
    const n = this.api.HEAPU32[this.scratch >> 2];
    return Buffer.prototype.latin1Slice.call(this.api.HEAPU8, p, p + n);
  }

  setField(L: LuaState, idx: number, key: string): void {
    this.api._lua_setfield(L, idx, this.name(key));
  }
}

/**
 * A Lua number as a redis.call argument: an integer in decimal, a float as `%.17g` (Redis 7.0's
 * format for Lua numbers passed to commands).
 */
export function numberArgument(api: LuaExports, L: LuaState, idx: number): string {
  if (api._lua_isinteger(L, idx) !== 0) return api._lua_tointegerx(L, idx, 0).toString();
  return formatDouble(api._lua_tonumberx(L, idx, 0));
}

/** Lua number → integer reply value, as C's (long long) cast of a double on x86-64. */
export function truncateNumber(api: LuaExports, L: LuaState, idx: number): number | bigint {
  if (api._lua_isinteger(L, idx) !== 0) {
    const i = api._lua_tointegerx(L, idx, 0);
    return i >= -9007199254740991n && i <= 9007199254740991n ? Number(i) : i;
  }
  const d = api._lua_tonumberx(L, idx, 0);
  if (Number.isNaN(d) || d >= TWO_63 || d < -TWO_63) return LLONG_MIN;
  const t = Math.trunc(d);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

const CR = 0x0d;

/** Reads a reply's text line from `pos` (after the type byte) up to CRLF. */
function lineEnd(buf: Buffer, pos: number): number {
  const cr = buf.indexOf(CR, pos);
  return cr < 0 ? buf.length : cr;
}

function parseIntAt(buf: Buffer, start: number, end: number): number {
  return Number(buf.latin1Slice(start, end));
}

/**
 * Pushes the reply starting at buf[pos] onto L's stack as Redis converts it for Lua; returns the
 * position after it.
 */
export function pushReply(heap: LuaHeap, L: LuaState, buf: Buffer, pos: number): number {
  const api = heap.api;
  const type = buf[pos];
  const end = lineEnd(buf, pos + 1);
  const next = end + 2;
  switch (type) {
    case 0x2b: // + status
      api._lua_createtable(L, 0, 1);
      heap.pushBytes(L, buf.subarray(pos + 1, end));
      heap.setField(L, -2, 'ok');
      return next;
    case 0x2d: // - error
      // As Redis 7.0: the table says the error is counted (errorstats) already, so a script that
      // returns or raises it does not count it again.
      api._lua_createtable(L, 0, 2);
      heap.pushBytes(L, buf.subarray(pos + 1, end));
      heap.setField(L, -2, 'err');
      api._lua_pushboolean(L, 1);
      heap.setField(L, -2, 'ignore_error_stats_update');
      return next;
    case 0x3a: { // : integer
      const text = buf.latin1Slice(pos + 1, end);
      const n = Number(text);
      // Lua 5.1 has only doubles: an integer beyond 2^53 arrives rounded (and 2^63 - 1 then
      // converts back as LLONG_MIN, as in Redis).
      if (Number.isSafeInteger(n)) api._lua_pushinteger(L, BigInt(n));
      else api._lua_pushnumber(L, n);
      return next;
    }
    case 0x24: { // $ bulk
      const len = parseIntAt(buf, pos + 1, end);
      if (len < 0) {
        api._lua_pushboolean(L, 0);
        return next;
      }
      heap.pushBytes(L, buf.subarray(next, next + len));
      return next + len + 2;
    }
    case 0x2a: // * array
    case 0x7e: { // ~ set
      const n = parseIntAt(buf, pos + 1, end);
      if (n < 0) {
        api._lua_pushboolean(L, 0);
        return next;
      }
      api._lua_checkstack(L, 4);
      let p = next;
      if (type === 0x7e) {
        api._lua_createtable(L, 0, 1);
        api._lua_createtable(L, 0, n);
        for (let i = 0; i < n; i++) {
          p = pushReply(heap, L, buf, p);
          api._lua_pushboolean(L, 1);
          api._lua_rawset(L, -3);
        }
        heap.setField(L, -2, 'set');
        return p;
      }
      api._lua_createtable(L, n, 0);
      for (let i = 1; i <= n; i++) {
        p = pushReply(heap, L, buf, p);
        api._lua_rawseti(L, -2, BigInt(i));
      }
      return p;
    }
    case 0x25: { // % map
      const n = parseIntAt(buf, pos + 1, end);
      api._lua_checkstack(L, 4);
      api._lua_createtable(L, 0, 1);
      api._lua_createtable(L, 0, n);
      let p = next;
      for (let i = 0; i < n; i++) {
        p = pushReply(heap, L, buf, p);
        p = pushReply(heap, L, buf, p);
        api._lua_rawset(L, -3);
      }
      heap.setField(L, -2, 'map');
      return p;
    }
    case 0x5f: // _ null
      api._lua_pushnil(L);
      return next;
    case 0x23: // # boolean
      api._lua_pushboolean(L, buf[pos + 1] === 0x74 ? 1 : 0);
      return next;
    case 0x2c: { // , double
      const text = buf.latin1Slice(pos + 1, end);
      api._lua_createtable(L, 0, 1);
      api._lua_pushnumber(L, text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text));
      heap.setField(L, -2, 'double');
      return next;
    }
    case 0x28: // ( big number
      api._lua_createtable(L, 0, 1);
      heap.pushBytes(L, buf.subarray(pos + 1, end));
      heap.setField(L, -2, 'big_number');
      return next;
    case 0x3d: { // = verbatim
      const len = parseIntAt(buf, pos + 1, end);
      api._lua_createtable(L, 0, 1);
      api._lua_createtable(L, 0, 2);
      heap.pushBytes(L, buf.subarray(next, next + 3));
      heap.setField(L, -2, 'format');
      heap.pushBytes(L, buf.subarray(next + 4, next + len));
      heap.setField(L, -2, 'string');
      heap.setField(L, -2, 'verbatim_string');
      return next + len + 2;
    }
    default:
      api._lua_pushnil(L);
      return buf.length;
  }
}

/**
 * How deep a reply's tables may nest. Redis answers `-ERR reached lua stack limit` in place of a
 * value once its Lua 5.1 stack is full (about 8000 levels); this writer recurses on the JS stack,
 * which would overflow first (near 3000 levels), so it stops earlier, with the same error.
 */
const MAX_REPLY_DEPTH = 1000;

/**
 * Writes the Lua value at idx (absolute) as the script's reply. `luaResp` is the protocol the
 * script chose with redis.setresp (it decides how booleans go out, as in Redis).
 */
export function writeLuaValue(heap: LuaHeap, L: LuaState, idx: number, reply: ReplyWriter, luaResp: 2 | 3, depth = 0): void {
  const api = heap.api;
  if (depth > MAX_REPLY_DEPTH) {
    reply.error('ERR reached lua stack limit');
    return;
  }
  switch (api._lua_type(L, idx)) {
    case LUA_TSTRING:
      reply.bulk(heap.toBuffer(L, idx));
      return;
    case LUA_TBOOLEAN: {
      const b = api._lua_toboolean(L, idx) !== 0;
      if (luaResp === 3) reply.bool(b);
      else if (b) reply.integer(1);
      else reply.nullBulk();
      return;
    }
    case LUA_TNUMBER:
      reply.integer(truncateNumber(api, L, idx));
      return;
    case LUA_TTABLE:
      writeTable(heap, L, idx, reply, luaResp, depth);
      return;
    default:
      reply.nullBulk();
  }
}

/** Pushes t[field] and tells its type; the caller pops it. */
function field(heap: LuaHeap, L: LuaState, idx: number, name: string): number {
  return heap.api._lua_getfield(L, idx, heap.name(name));
}

function writeTable(heap: LuaHeap, L: LuaState, idx: number, reply: ReplyWriter, luaResp: 2 | 3, depth: number): void {
  const api = heap.api;
  api._lua_checkstack(L, 8);
  if (field(heap, L, idx, 'err') === LUA_TSTRING) {
    const message = heap.toBuffer(L, -1).toString('utf8');
    api._lua_settop(L, -2);
    const counted = field(heap, L, idx, 'ignore_error_stats_update') === LUA_TBOOLEAN && api._lua_toboolean(L, -1) !== 0;
    api._lua_settop(L, -2);
    if (counted) reply.errorCountedElsewhere(message);
    else reply.error(message);
    return;
  }
  api._lua_settop(L, -2);
  if (field(heap, L, idx, 'ok') === LUA_TSTRING) {
    reply.simple(heap.toLatin1(L, -1).replace(/[\r\n]/g, ' '));
    api._lua_settop(L, -2);
    return;
  }
  api._lua_settop(L, -2);
  if (field(heap, L, idx, 'double') === LUA_TNUMBER) {
    reply.double(api._lua_tonumberx(L, -1, 0));
    api._lua_settop(L, -2);
    return;
  }
  api._lua_settop(L, -2);
  if (field(heap, L, idx, 'big_number') === LUA_TSTRING) {
    const text = heap.toLatin1(L, -1).replace(/[\r\n]/g, ' ');
    if (reply.resp === 3) reply.raw(Buffer.from(`(${text}\r\n`, 'latin1'));
    else reply.bulk(text);
    api._lua_settop(L, -2);
    return;
  }
  api._lua_settop(L, -2);
  if (field(heap, L, idx, 'map') === LUA_TTABLE) {
    const map = api._lua_gettop(L);
    reply.mapHeader(countPairs(api, L, map));
    api._lua_pushnil(L);
    while (api._lua_next(L, map) !== 0) {
      writeLuaValue(heap, L, api._lua_gettop(L) - 1, reply, luaResp, depth + 1);
      writeLuaValue(heap, L, api._lua_gettop(L), reply, luaResp, depth + 1);
      api._lua_settop(L, -2);
    }
    api._lua_settop(L, -2);
    return;
  }
  api._lua_settop(L, -2);
  if (field(heap, L, idx, 'set') === LUA_TTABLE) {
    const set = api._lua_gettop(L);
    reply.setHeader(countPairs(api, L, set));
    api._lua_pushnil(L);
    while (api._lua_next(L, set) !== 0) {
      writeLuaValue(heap, L, api._lua_gettop(L) - 1, reply, luaResp, depth + 1);
      api._lua_settop(L, -2);
    }
    api._lua_settop(L, -2);
    return;
  }
  api._lua_settop(L, -2);
  // An array: t[1], t[2], ... up to the first nil.
  let n = 0;
  while (api._lua_rawgeti(L, idx, BigInt(n + 1)) !== 0) {
    n++;
    api._lua_settop(L, -2);
  }
  api._lua_settop(L, -2);
  reply.arrayHeader(n);
  for (let i = 1; i <= n; i++) {
    api._lua_rawgeti(L, idx, BigInt(i));
    writeLuaValue(heap, L, api._lua_gettop(L), reply, luaResp, depth + 1);
    api._lua_settop(L, -2);
  }
}

function countPairs(api: LuaExports, L: LuaState, t: number): number {
  let n = 0;
  api._lua_pushnil(L);
  while (api._lua_next(L, t) !== 0) {
    n++;
    api._lua_settop(L, -2);
  }
  return n;
}
