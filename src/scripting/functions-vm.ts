/**
 * The Lua state functions run in (Redis 7.0 keeps one apart from EVAL's: a library's globals,
 * its cached state and a function's errors never meet an EVAL script's). It is a second state in
 * the same WebAssembly module as the EVAL VM, shaped by the same prelude, plus what
 * function_lua.c adds:
 *
 * - Loading a library runs its code once with different globals: only `redis`, and in it only
 *   register_function, log, the LOG_* levels and REDIS_VERSION(_NUM); anything else is Redis'
 *   "nonexistent global variable" error (`string`, `redis.call`...). As Redis does, the switch is
 *   the __index of the globals proxy's metatable, set to the load API for the load and back to
 *   the real globals after: the functions a library defines share its globals, so when they run
 *   later they see the whole library.
 * - A load runs under a count hook that stops it after 500 ms (`FUNCTION LOAD timeout`); loads
 *   replayed from disk or from FUNCTION RESTORE have no limit, as in Redis.
 * - A function's callback is called with two tables, keys and args (there are no KEYS/ARGV
 *   globals), and errors name it as `script: <function>, on @user_function:<line>.`.
 */
import { performance } from 'node:perf_hooks';
import type { ReplyWriter } from '../protocol/reply.js';
import { LuaVm, as51, type ScriptHost } from './lua-vm.js';
import {
  LUA_MASKCOUNT, LUA_OK, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS, LUA_TFUNCTION, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE,
  type LuaExports, type LuaState,
} from './lua-wasm.js';
import { FUNCTION_FLAGS, INVALID_NAME, validName, type FunctionFlag, type LibraryFunction } from './function-library.js';

/** Redis' LOAD_TIMEOUT_MS. */
export const LOAD_TIMEOUT_MS = 500;
const HOOK_INSTRUCTIONS = 100000;

/**
 * The globals a library's code sees while it loads (Lua, run once with register_function and the
 * VM's redis table as arguments; returns the table).
 */
const LOAD_API = String.raw`
local register, redis = ...
-- Locals: while a library loads, every global lookup (these functions' own too) goes to the load API.
local error, tostring, setmetatable = error, tostring, setmetatable
local function readonly() error('Attempt to modify a readonly table', 2) end
local function missing(_, k) error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end
local api = setmetatable({
  register_function = register,
  log = redis.log,
  LOG_DEBUG = redis.LOG_DEBUG, LOG_VERBOSE = redis.LOG_VERBOSE, LOG_NOTICE = redis.LOG_NOTICE, LOG_WARNING = redis.LOG_WARNING,
  REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM,
}, { __index = missing })
local redisApi = setmetatable({}, { __index = api, __newindex = readonly, __metatable = false })
return setmetatable({ redis = redisApi }, { __index = missing, __newindex = readonly, __metatable = false })
`;

/** The library being loaded: what redis.register_function has registered so far. */
interface Loading {
  readonly functions: LibraryFunction[];
  readonly startedAt: number;
  /** 0: no limit. */
  readonly timeoutMs: number;
}

export class FunctionsVm extends LuaVm {
  /** Registry refs: the globals proxy's metatable, and the globals a loading library sees. */
  private readonly globalsMetaRef: number;
  private readonly loadGlobalsRef: number;
  private readonly loadHook: number;
  private loading: Loading | null = null;

  /** A new state in the module `vm` runs on. */
  static alongside(vm: LuaVm): FunctionsVm {
    return new FunctionsVm(LuaVm.exportsOf(vm));
  }

  private constructor(api: LuaExports) {
    super(api);
    const L = this.L;
    api._lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    api._lua_getmetatable(L, -1);
    this.globalsMetaRef = api._luaL_ref(L, LUA_REGISTRYINDEX);
    api._lua_settop(L, 0);

    this.loadChunk(L, LOAD_API, '=redis-function-loader');
    api._lua_pushcclosure(L, api.addFunction((T: number) => this.registerFunction(T), 'ii'), 0);
    api._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.globalsRef));
    api._lua_getfield(L, -1, this.heap.name('redis'));
    api._lua_rotate(L, -2, 1);
    api._lua_settop(L, -2);
    this.callOrThrow(L, 2, 1);
    this.loadGlobalsRef = api._luaL_ref(L, LUA_REGISTRYINDEX);
    api._lua_settop(L, 0);
    this.loadHook = api.addFunction((T: number) => this.loadCountHook(T), 'vii');
  }

  /**
   * Runs a library's code (its body, after the header line) so it registers its functions:
   * the functions, or Redis' error text (without "ERR "). Nothing stays registered on error.
   */
  loadLibrary(body: Buffer, timeoutMs: number, log: Pick<ScriptHost, 'log'>): LibraryFunction[] | string {
    const api = this.api;
    const L = this.L;
    const compiled = this.load(body, '@user_function');
    if (compiled !== true) return `Error compiling function: ${compiled}`;
    const loading: Loading = { functions: [], startedAt: performance.now(), timeoutMs };
    this.loading = loading;
    this.idleHost = log;
    this.setGlobalsIndex(this.loadGlobalsRef);
    api._lua_sethook(L, this.loadHook, LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    const rc = api._lua_pcallk(L, 0, 0, 0, 0, 0);
    api._lua_sethook(L, 0, 0, 0);
    this.setGlobalsIndex(this.globalsRef);
    this.loading = null;
    this.idleHost = null;
    if (rc !== LUA_OK) {
      const message = this.loadErrorText(L);
      api._lua_settop(L, 0);
      this.releaseFunctions(loading.functions);
      return `Error registering functions: ${message}`;
    }
    api._lua_settop(L, 0);
    return loading.functions;
  }

  /** Frees the callbacks of functions no library holds any more. */
  releaseFunctions(functions: readonly LibraryFunction[]): void {
    for (const fn of functions) this.release(fn.ref);
  }

  /** FCALL: runs a function's callback with its keys and args tables; as LuaVm.execute otherwise. */
  call(fn: LibraryFunction, keys: Buffer[], args: Buffer[], reply: ReplyWriter, host: ScriptHost): Promise<void> | undefined {
    return this.start(fn.ref, fn.name, keys, args, reply, host, true);
  }

  // ------------------------------------------------------------------------------------------

  private setGlobalsIndex(ref: number): void {
    const api = this.api;
    const L = this.L;
    api._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.globalsMetaRef));
    api._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(ref));
    api._lua_setfield(L, -2, this.heap.name('__index'));
    api._lua_settop(L, -2);
  }

  /** luaExtractErrorInformation's message: an error table's text, or "ERR " and a raised string. */
  private loadErrorText(L: LuaState): string {
    const api = this.api;
    const type = api._lua_type(L, -1);
    if (type === LUA_TTABLE) {
      api._lua_getfield(L, -1, this.heap.name('err'));
      const text = api._lua_type(L, -1) === LUA_TSTRING ? this.heap.toBuffer(L, -1).toString('utf8') : 'ERR unknown error';
      api._lua_settop(L, -2);
      return text;
    }
    if (type === LUA_TSTRING || type === LUA_TNUMBER) return `ERR ${as51(this.heap.toBuffer(L, -1).toString('utf8'))}`;
    return 'ERR unknown error';
  }

  private loadCountHook(T: LuaState): void {
    const loading = this.loading;
    if (loading === null || loading.timeoutMs === 0) return;
    if (performance.now() - loading.startedAt > loading.timeoutMs) this.raise(T, 'ERR FUNCTION LOAD timeout');
  }

  // --- redis.register_function ------------------------------------------------------------------

  private registerFunction(T: LuaState): number {
    const api = this.api;
    const loading = this.loading;
    if (loading === null) return this.raise(T, 'ERR redis.register_function can only be called on FUNCTION LOAD command');
    const argc = api._lua_gettop(T);
    if (argc < 1 || argc > 2) return this.raise(T, 'ERR wrong number of arguments to redis.register_function');
    const parsed = argc === 1 ? this.namedArguments(T) : this.positionalArguments(T);
    if (typeof parsed === 'string') return this.raise(T, `ERR ${parsed}`);
    // functionLibCreateFunction: names are checked here; a duplicate within the library is exact.
    let error: string | null = null;
    if (!validName(parsed.name)) error = INVALID_NAME;
    else if (loading.functions.some((fn) => fn.name === parsed.name)) error = 'Function already exists in the library';
    if (error !== null) {
      this.release(parsed.ref);
      return this.raise(T, `ERR ${error}`);
    }
    loading.functions.push(parsed);
    return 0;
  }

  /** luaGetStringSds: a string or a number (as its text); null otherwise. */
  private stringAt(T: LuaState, idx: number): Buffer | null {
    const type = this.api._lua_type(T, idx);
    if (type !== LUA_TSTRING && type !== LUA_TNUMBER) return null;
    // A copy: lua_tolstring turns a number into a string in place, which would upset lua_next.
    this.api._lua_pushvalue(T, idx);
    const bytes = this.heap.toBuffer(T, -1);
    this.api._lua_settop(T, -2);
    return bytes;
  }

  private positionalArguments(T: LuaState): LibraryFunction | string {
    const api = this.api;
    const name = this.stringAt(T, 1);
    if (name === null) return 'first argument to redis.register_function must be a string';
    if (api._lua_type(T, 2) !== LUA_TFUNCTION) return 'second argument to redis.register_function must be a function';
    api._lua_pushvalue(T, 2);
    return { name: name.toString('latin1'), description: null, flags: new Set(), ref: api._luaL_ref(T, LUA_REGISTRYINDEX) };
  }

  /** The table form: function_name, callback, flags, description (keys compared ignoring case). */
  private namedArguments(T: LuaState): LibraryFunction | string {
    const api = this.api;
    if (api._lua_type(T, 1) !== LUA_TTABLE) {
      return 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).';
    }
    let name: Buffer | null = null;
    let description: Buffer | null = null;
    let ref: number | null = null;
    let flags = new Set<FunctionFlag>();
    const fail = (message: string): string => {
      if (ref !== null) this.release(ref);
      api._lua_settop(T, 1);
      return message;
    };
    api._lua_pushnil(T);
    while (api._lua_next(T, 1) !== 0) {
      // Stack: table, key, value.
      const key = this.stringAt(T, -2);
      if (key === null) return fail('named argument key given to redis.register_function is not a string');
      switch (key.toString('latin1').toLowerCase()) {
        case 'function_name':
          name = this.stringAt(T, -1);
          if (name === null) return fail('function_name argument given to redis.register_function must be a string');
          break;
        case 'description':
          description = this.stringAt(T, -1);
          if (description === null) return fail('description argument given to redis.register_function must be a string');
          break;
        case 'callback':
          if (api._lua_type(T, -1) !== LUA_TFUNCTION) return fail('callback argument given to redis.register_function must be a function');
          if (ref !== null) this.release(ref);
          api._lua_pushvalue(T, -1);
          ref = api._luaL_ref(T, LUA_REGISTRYINDEX);
          break;
        case 'flags': {
          if (api._lua_type(T, -1) !== LUA_TTABLE) return fail('flags argument to redis.register_function must be a table representing function flags');
          const read = this.readFlags(T);
          if (read === null) return fail('unknown flag given');
          flags = read;
          break;
        }
        default:
          return fail('unknown argument given to redis.register_function');
      }
      api._lua_settop(T, -2);
    }
    if (name === null) return fail('redis.register_function must get a function name argument');
    if (ref === null) return fail('redis.register_function must get a callback argument');
    return { name: name.toString('latin1'), description, flags, ref };
  }

  /** luaRegisterFunctionReadFlags: the array at the top of the stack, or null for an unknown flag. */
  private readFlags(T: LuaState): Set<FunctionFlag> | null {
    const api = this.api;
    const flags = new Set<FunctionFlag>();
    for (let j = 1; ; j++) {
      api._lua_rawgeti(T, -1, BigInt(j));
      if (api._lua_type(T, -1) === LUA_TNIL) {
        api._lua_settop(T, -2);
        return flags;
      }
      const text = this.stringAt(T, -1);
      api._lua_settop(T, -2);
      if (text === null) return null;
      const flag = FUNCTION_FLAGS.find((f) => f === text.toString('latin1').toLowerCase());
      if (flag === undefined) return null;
      flags.add(flag);
    }
  }
}
