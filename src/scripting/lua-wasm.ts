/**
 * The Lua 5.4 C API as wasmoon's WebAssembly build exports it, typed, used raw.
 *
 * wasmoon's own wrappers (cwrap/ccall, proxies for JS objects) convert every string through
 * UTF-8 and allocate per call; scripts handle binary strings and run hot, so this module calls the
 * `_lua_*` exports directly: pointers are numbers, lua_Integer is a BigInt (the build has
 * WASM_BIGINT), and strings are copied by hand between Buffers and the wasm heap.
 */
import { createRequire } from 'node:module';

export type LuaState = number;
/** A pointer into the wasm heap. */
export type Ptr = number;

/** The raw exports we use (see lua.h / lauxlib.h for their meaning). */
export interface LuaExports {
  readonly HEAPU8: Uint8Array;
  readonly HEAP32: Int32Array;
  readonly HEAPU32: Uint32Array;
  _malloc(size: number): Ptr;
  _free(p: Ptr): void;
  addFunction(fn: (...args: number[]) => number | void, signature: string): Ptr;
  _luaL_newstate(): LuaState;
  _luaL_openlibs(L: LuaState): void;
  _luaL_loadbufferx(L: LuaState, buf: Ptr, size: number, name: Ptr, mode: Ptr): number;
  _luaL_ref(L: LuaState, t: number): number;
  _luaL_unref(L: LuaState, t: number, ref: number): void;
  _lua_newthread(L: LuaState): LuaState;
  _lua_resetthread(L: LuaState): number;
  _lua_gettop(L: LuaState): number;
  _lua_settop(L: LuaState, idx: number): void;
  _lua_pushvalue(L: LuaState, idx: number): void;
  _lua_rotate(L: LuaState, idx: number, n: number): void;
  _lua_checkstack(L: LuaState, n: number): number;
  _lua_xmove(from: LuaState, to: LuaState, n: number): void;
  _lua_type(L: LuaState, idx: number): number;
  _lua_isinteger(L: LuaState, idx: number): number;
  _lua_tonumberx(L: LuaState, idx: number, isnum: Ptr): number;
  _lua_tointegerx(L: LuaState, idx: number, isnum: Ptr): bigint;
  _lua_toboolean(L: LuaState, idx: number): number;
  _lua_tolstring(L: LuaState, idx: number, len: Ptr): Ptr;
  _lua_rawlen(L: LuaState, idx: number): number;
  _lua_pushnil(L: LuaState): void;
  _lua_pushnumber(L: LuaState, n: number): void;
  _lua_pushinteger(L: LuaState, n: bigint): void;
  _lua_pushlstring(L: LuaState, s: Ptr, len: number): Ptr;
  _lua_pushcclosure(L: LuaState, fn: Ptr, n: number): void;
  _lua_pushboolean(L: LuaState, b: number): void;
  _lua_getfield(L: LuaState, idx: number, k: Ptr): number;
  _lua_rawget(L: LuaState, idx: number): number;
  _lua_rawgeti(L: LuaState, idx: number, n: bigint): number;
  _lua_createtable(L: LuaState, narr: number, nrec: number): void;
  _lua_setfield(L: LuaState, idx: number, k: Ptr): void;
  _lua_rawset(L: LuaState, idx: number): void;
  _lua_rawseti(L: LuaState, idx: number, n: bigint): void;
  _lua_callk(L: LuaState, nargs: number, nresults: number, ctx: number, k: Ptr): void;
  _lua_pcallk(L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: number, k: Ptr): number;
  _lua_yieldk(L: LuaState, nresults: number, ctx: number, k: Ptr): number;
  _lua_resume(L: LuaState, from: LuaState, narg: number, nres: Ptr): number;
  _lua_isyieldable(L: LuaState): number;
  _lua_error(L: LuaState): number;
  _lua_next(L: LuaState, idx: number): number;
  _lua_getstack(L: LuaState, level: number, ar: Ptr): number;
  _lua_getinfo(L: LuaState, what: Ptr, ar: Ptr): number;
  _lua_sethook(L: LuaState, fn: Ptr, mask: number, count: number): void;
  _lua_getmetatable(L: LuaState, idx: number): number;
  _lua_pushlightuserdata(L: LuaState, p: Ptr): void;
}

export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRRUN = 2;
export const LUA_ERRSYNTAX = 3;
export const LUA_ERRMEM = 4;

export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;

export const LUA_REGISTRYINDEX = -1000000 - 1000;
export const LUA_RIDX_GLOBALS = 2n;
export const LUA_MASKCOUNT = 1 << 3;
export const LUA_MULTRET = -1;
/** lua_upvalueindex(1) */
export const LUA_UPVALUE1 = LUA_REGISTRYINDEX - 1;

interface WasmoonModule {
  LuaFactory: new () => { getLuaModule(): Promise<{ module: unknown }> };
}

/** Instantiates the wasm module (reads glue.wasm from the wasmoon package; about 20 ms). */
export async function loadLuaWasm(): Promise<LuaExports> {
  const wasmoon = createRequire(import.meta.url)('wasmoon') as WasmoonModule;
  const lua = await new wasmoon.LuaFactory().getLuaModule();
  return lua.module as LuaExports;
}
