/**
 * The Lua VM scripts run in: one Lua 5.4 state (wasmoon's WebAssembly build), shaped as Redis
 * 7.0's Lua 5.1 (./prelude.ts), with the `redis` library's native parts written here.
 *
 * A script runs as a coroutine resumed from JS, which is what lets it wait without blocking the
 * event loop:
 * - redis.call whose command has to wait (a block read that missed the cache) yields; once the
 *   command's reply is complete the coroutine resumes and a continuation turns the reply into Lua
 *   values. When every command answers at once (the common case) the script runs in one
 *   synchronous stretch and the run returns no promise.
 * - a count hook fires every HOOK_INSTRUCTIONS instructions; past busy-reply-threshold it yields to
 *   the event loop each time (so other clients get -BUSY and SCRIPT KILL can arrive), and once
 *   killed it raises Redis' error.
 * A script's commands run through the host (ScriptHost), which the command layer implements.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ReplyWriter } from '../protocol/reply.js';
import {
  LUA_MASKCOUNT, LUA_MULTRET, LUA_OK, LUA_UPVALUE1, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LUA_YIELD,
  loadLuaWasm, type LuaExports, type LuaState, type Ptr,
} from './lua-wasm.js';
import { LuaHeap, numberArgument, pushReply, writeLuaValue } from './convert.js';
import { PRELUDE } from './prelude.js';
import { LUA_LIBRARIES } from './libraries.js';

/** Instructions between two checks of the clock (Redis uses the same count for its hook). */
const HOOK_INSTRUCTIONS = 100000;
/** Size of a lua_Debug struct in the wasm32 build, rounded up. */
const LUA_DEBUG_BYTES = 256;

/** What the VM needs from the server to run a script's commands. */
export interface ScriptHost {
  /**
   * Runs one command for the script; the reply (an error reply for a refusal) comes back as RESP
   * bytes in the script's protocol, or a promise of them when the command had to wait.
   */
  call(argv: Buffer[], resp: 2 | 3): Buffer | Promise<Buffer>;
  /** redis.log */
  log(level: number, message: string): void;
  /** redis.acl_check_cmd: whether the command exists (there are no ACL users to refuse it). */
  commandExists(name: Buffer): boolean;
  /** The busy-reply-threshold in ms (read at each check: CONFIG SET applies to a running script). */
  busyThreshold(): number;
  /** Called once when the running script passes the threshold, and once when a busy script ends. */
  busyChanged(busy: boolean): void;
}

/** The script being run. */
interface Run {
  readonly thread: LuaState;
  readonly host: ScriptHost;
  readonly sha: string;
  readonly startedAt: number;
  resp: 2 | 3;
  busy: boolean;
  killed: boolean;
  /** A redis.call waiting for its command: the yield it made is resumed with its reply. */
  pending: Promise<Buffer> | null;
  pendingReply: Buffer | null;
}

/**
 * A runtime error's text as Lua 5.1 words it: 5.4 says "attempt to index a nil value (local 't')",
 * 5.1 "attempt to index local 't' (a nil value)".
 */
export function as51(message: string): string {
  return message.replace(/attempt to (.+?) a (\w+) value \((global|local|field|upvalue|method|constant) '([^']*)'\)/, "attempt to $1 $3 '$4' (a $2 value)");
}

export class LuaVm {
  protected readonly api: LuaExports;
  protected readonly heap: LuaHeap;
  protected readonly L: LuaState;
  /** Registry refs: the real globals table (KEYS and ARGV go there) and the scripts' table. */
  protected readonly globalsRef: number;
  private thread: LuaState;
  private threadRef: number;
  private readonly resultCount: Ptr;
  private readonly debugInfo: Ptr;
  private readonly continuation: Ptr;
  private run: Run | null = null;
  /** Where redis.log writes while no script runs (a library's code being loaded). */
  protected idleHost: Pick<ScriptHost, 'log'> | null = null;

  static async create(): Promise<LuaVm> {
    return new LuaVm(await loadLuaWasm());
  }

  /** The wasm exports `vm` runs on: another state (the functions VM) can share the module. */
  protected static exportsOf(vm: LuaVm): LuaExports {
    return vm.api;
  }

  protected constructor(api: LuaExports) {
    this.api = api;
    this.heap = new LuaHeap(api);
    this.resultCount = api._malloc(8);
    this.debugInfo = api._malloc(LUA_DEBUG_BYTES);
    const L = api._luaL_newstate();
    this.L = L;
    api._luaL_openlibs(L);

    // The redis table's native functions, then the libraries, then the prelude that shapes it all.
    api._lua_createtable(L, 0, 16);
    const redisTable = api._lua_gettop(L);
    const native: Record<string, (L: LuaState) => number> = {
      call: (T) => this.redisCall(T, true),
      pcall: (T) => this.redisCall(T, false),
      sha1hex: (T) => this.sha1hex(T),
      log: (T) => this.log(T),
      setresp: (T) => this.setresp(T),
      acl_check_cmd: (T) => this.aclCheckCmd(T),
    };
    for (const [name, fn] of Object.entries(native)) {
      api._lua_pushcclosure(L, api.addFunction(fn, 'ii'), 0);
      this.heap.setField(L, redisTable, name);
    }
    // cfunction(f): f behind a C function, as Redis' library functions are C: a script calling it
    // in tail position keeps its own frame, so its errors still name the script's line.
    const trampoline = api.addFunction((T: number) => {
      const n = api._lua_gettop(T);
      api._lua_pushvalue(T, LUA_UPVALUE1);
      api._lua_rotate(T, 1, 1);
      api._lua_callk(T, n, LUA_MULTRET, 0, 0);
      return api._lua_gettop(T);
    }, 'ii');
    const cfunction = api.addFunction((T: number) => {
      api._lua_settop(T, 1);
      api._lua_pushcclosure(T, trampoline, 1);
      return 1;
    }, 'ii');
    this.continuation = api.addFunction((T: number, status: number, ctx: number) => this.callContinued(T, status, ctx), 'iiii');

    api._lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    const real = api._lua_gettop(L);
    this.loadChunk(L, LUA_LIBRARIES, '=redis-libraries');
    api._lua_pushvalue(L, real);
    api._lua_pushlightuserdata(L, 0); // cjson.null
    api._lua_pushcclosure(L, cfunction, 0);
    this.callOrThrow(L, 3, 0);

    this.loadChunk(L, PRELUDE, '=redis-prelude');
    api._lua_pushvalue(L, real);
    api._lua_pushvalue(L, redisTable);
    api._lua_pushcclosure(L, cfunction, 0);
    this.callOrThrow(L, 3, 1);
    // Chunks loaded from now on get the protected proxy as their globals.
    api._lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    api._lua_pushvalue(L, real);
    this.globalsRef = api._luaL_ref(L, LUA_REGISTRYINDEX);
    api._lua_settop(L, 0);

    const hook = api.addFunction((T: number) => this.countHook(T), 'vii');
    [this.thread, this.threadRef] = this.newThread(hook);
    this.hook = hook;
  }

  private readonly hook: Ptr;

  /** Compiles a script body into a function kept in the registry; its ref, or Redis' compile error text. */
  compile(body: Buffer): { ref: number } | { error: string } {
    const compiled = this.load(body, '@user_script');
    if (typeof compiled === 'string') return { error: `ERR Error compiling script (new function): ${compiled}` };
    return { ref: this.api._luaL_ref(this.L, LUA_REGISTRYINDEX) };
  }

  /** Compiles a chunk onto L's stack; the compile error's text (as 5.1 words it) if it does not compile. */
  protected load(body: Buffer, chunkName: string): true | string {
    const api = this.api;
    const L = this.L;
    const rc = api._luaL_loadbufferx(L, this.heap.copyIn(body), body.length, this.heap.name(chunkName), 0);
    if (rc === LUA_OK) return true;
    // Lua 5.1 quotes the end of input as a token ('<eof>'); 5.4 does not.
    const message = this.heap.toBuffer(L, -1).toString('utf8').replace(/ near <eof>$/, " near '<eof>'");
    api._lua_settop(L, 0);
    return message;
  }

  /** Frees a compiled script (SCRIPT FLUSH). */
  release(ref: number): void {
    this.api._luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
  }

  /** Whether a script is running (between its start and its reply). */
  get running(): boolean {
    return this.run !== null;
  }

  /** SCRIPT KILL: the running script raises Redis' error at its next hook. */
  kill(): void {
    if (this.run !== null) this.run.killed = true;
  }

  /** KiB the Lua state uses (INFO used_memory_lua). */
  memoryBytes(): number {
    const api = this.api;
    const L = this.L;
    api._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.globalsRef));
    api._lua_getfield(L, -1, this.heap.name('collectgarbage'));
    this.heap.pushString(L, 'count');
    const rc = api._lua_pcallk(L, 1, 1, 0, 0, 0);
    const kib = rc === LUA_OK ? api._lua_tonumberx(L, -1, 0) : 0;
    api._lua_settop(L, 0);
    return Math.round(kib * 1024);
  }

  /**
   * Runs a compiled script with its KEYS and ARGV and writes its result (or error) to `reply`.
   * Returns a promise only when the script had to wait (a command's read, or the event loop past
   * busy-reply-threshold); it never rejects. `sha` names the script in error replies (a
   * function's name for FCALL).
   */
  execute(ref: number, sha: string, keys: Buffer[], args: Buffer[], reply: ReplyWriter, host: ScriptHost): Promise<void> | undefined {
    return this.start(ref, sha, keys, args, reply, host, false);
  }

  /**
   * Starts a script: an EVAL body (no arguments; KEYS and ARGV set as globals) or, `asFunction`,
   * a function's callback (called with the keys table and the args table, as FCALL does).
   */
  protected start(ref: number, sha: string, keys: Buffer[], args: Buffer[], reply: ReplyWriter, host: ScriptHost, asFunction: boolean): Promise<void> | undefined {
    // The dispatcher runs scripts one at a time (their exclusive lock); a second one here would corrupt the first.
    if (this.run !== null) throw new Error('a script is already running');
    const api = this.api;
    const T = this.thread;
    const heap = this.heap;
    api._lua_settop(T, 0);
    if (!asFunction) {
      api._lua_rawgeti(T, LUA_REGISTRYINDEX, BigInt(this.globalsRef));
      // Raw sets: the real globals table refuses ordinary ones.
      heap.pushString(T, 'KEYS');
      this.pushArray(T, keys);
      api._lua_rawset(T, -3);
      heap.pushString(T, 'ARGV');
      this.pushArray(T, args);
      api._lua_rawset(T, -3);
      api._lua_settop(T, 0);
    }
    api._lua_rawgeti(T, LUA_REGISTRYINDEX, BigInt(ref));
    if (asFunction) {
      this.pushArray(T, keys);
      this.pushArray(T, args);
    }
    this.run = { thread: T, host, sha, startedAt: performance.now(), resp: 2, busy: false, killed: false, pending: null, pendingReply: null };
    return this.resume(asFunction ? 2 : 0, reply);
  }

  // ------------------------------------------------------------------------------------------

  private resume(nargs: number, reply: ReplyWriter): Promise<void> | undefined {
    const run = this.run as Run;
    try {
      return this.resumeOnce(run, nargs, reply);
    } catch (err) {
      // A bug on the JS side (not a Lua error, which resumeOnce answers): never leave the VM
      // marked busy with a half-run coroutine, or every later script would be refused.
      if (this.run === run) {
        this.api._luaL_unref(this.L, LUA_REGISTRYINDEX, this.threadRef);
        [this.thread, this.threadRef] = this.newThread(this.hook);
        this.finish(run);
      }
      throw err;
    }
  }

  private resumeOnce(run: Run, nargs: number, reply: ReplyWriter): Promise<void> | undefined {
    const api = this.api;
    const T = run.thread;
    const rc = api._lua_resume(T, this.L, nargs, this.resultCount);
    if (rc === LUA_YIELD) {
      api._lua_settop(T, 0);
      return this.waitAndResume(run, reply);
    }
    if (rc === LUA_OK) {
      const n = api.HEAP32[this.resultCount >> 2];
      const top = api._lua_gettop(T);
      if (n === 0) reply.nullBulk();
      else writeLuaValue(this.heap, T, top - n + 1, reply, run.resp);
      api._lua_settop(T, 0);
    } else {
      this.replyError(T, run.sha, reply);
      // A coroutine that failed cannot run again: the next script gets a fresh one.
      api._luaL_unref(this.L, LUA_REGISTRYINDEX, this.threadRef);
      [this.thread, this.threadRef] = this.newThread(this.hook);
    }
    this.finish(run);
    return undefined;
  }

  private async waitAndResume(run: Run, reply: ReplyWriter): Promise<void> {
    let nargs = 0;
    if (run.pending !== null) {
      run.pendingReply = await run.pending;
      run.pending = null;
    } else {
      // A hook yield: let the event loop serve other clients (-BUSY, SCRIPT KILL) for a moment.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    nargs = 0;
    const next = this.resume(nargs, reply);
    if (next !== undefined) await next;
  }

  private finish(run: Run): void {
    this.run = null;
    if (run.busy) run.host.busyChanged(false);
  }

  /** Writes the error reply of a failed script (errorText), not counted again if it is a called command's error. */
  protected replyError(T: LuaState, sha: string, reply: ReplyWriter): void {
    const text = this.errorText(T, sha);
    if (this.raisedCountedError(T)) reply.errorCountedElsewhere(text);
    else reply.error(text);
  }

  /** Whether the raised value is an error table of redis.call, counted in errorstats when the command failed. */
  private raisedCountedError(T: LuaState): boolean {
    const api = this.api;
    if (api._lua_type(T, -1) !== LUA_TTABLE) return false;
    api._lua_getfield(T, -1, this.heap.name('ignore_error_stats_update'));
    const counted = api._lua_toboolean(T, -1) !== 0;
    api._lua_settop(T, -2);
    return counted;
  }

  /** Redis 7.0's error reply for a failed script: the message, then where it failed in the user's code. */
  private errorText(T: LuaState, sha: string): string {
    const api = this.api;
    const heap = this.heap;
    let message: string;
    const type = api._lua_type(T, -1);
    if (type === LUA_TTABLE) {
      api._lua_getfield(T, -1, heap.name('err'));
      message = api._lua_type(T, -1) === LUA_TSTRING ? heap.toBuffer(T, -1).toString('utf8') : 'ERR unknown error';
      api._lua_settop(T, -2);
    } else if (type === LUA_TSTRING || type === LUA_TNUMBER) {
      message = `ERR ${as51(heap.toBuffer(T, -1).toString('utf8'))}`;
    } else {
      message = `ERR ${type === 0 ? 'nil' : 'unknown error'}`;
    }
    const where = this.userFrame(T);
    return where === null ? message : `${message} script: ${sha}, on ${where}.`;
  }

  /** `@user_script:<line>` of the innermost frame of the user's code on T's stack, if any. */
  private userFrame(T: LuaState): string | null {
    const api = this.api;
    const ar = this.debugInfo;
    const what = this.heap.name('Sl');
    for (let level = 0; api._lua_getstack(T, level, ar) !== 0; level++) {
      api._lua_getinfo(T, what, ar);
      const source = this.cString(api.HEAPU32[(ar + 16) >> 2]);
      if (source.startsWith('@user_script') || source.startsWith('@user_function')) return `${source}:${api.HEAP32[(ar + 24) >> 2]}`;
    }
    return null;
  }

  private cString(p: Ptr): string {
    const heap = this.api.HEAPU8;
    let end = p;
    while (heap[end] !== 0) end++;
    return Buffer.prototype.latin1Slice.call(heap, p, end);
  }

  // --- the redis library ---------------------------------------------------------------------

  /** redis.call (raise) and redis.pcall. */
  private redisCall(T: LuaState, raise: boolean): number {
    const api = this.api;
    const run = this.run;
    const n = api._lua_gettop(T);
    if (run === null) return this.fail(T, raise, 'ERR redis.call is only available while a script runs');
    if (n === 0) return this.fail(T, raise, 'ERR Please specify at least one argument for this redis lib call');
    const argv: Buffer[] = new Array<Buffer>(n);
    for (let i = 1; i <= n; i++) {
      const type = api._lua_type(T, i);
      if (type === LUA_TSTRING) argv[i - 1] = this.heap.toBuffer(T, i);
      else if (type === LUA_TNUMBER) argv[i - 1] = Buffer.from(numberArgument(api, T, i), 'latin1');
      else return this.fail(T, raise, 'ERR Lua redis lib command arguments must be strings or integers');
    }
    const result = run.host.call(argv, run.resp);
    if (!(result instanceof Promise)) return this.pushCallReply(T, result, raise);
    if (T !== run.thread || api._lua_isyieldable(T) === 0) {
      // Inside a coroutine of the script's own, or under a C function: there is no way to wait here.
      result.catch(() => undefined);
      return this.fail(T, raise, 'ERR this command had to wait for the disk, which a script cannot do inside a coroutine or a metamethod');
    }
    run.pending = result;
    return api._lua_yieldk(T, 0, raise ? 1 : 0, this.continuation);
  }

  /** redis.call resumed after its command's wait. */
  private callContinued(T: LuaState, _status: number, ctx: number): number {
    const run = this.run as Run;
    const reply = run.pendingReply as Buffer;
    run.pendingReply = null;
    return this.pushCallReply(T, reply, ctx === 1);
  }

  private pushCallReply(T: LuaState, reply: Buffer, raise: boolean): number {
    // The command's error, counted in errorstats where it arose: the table raised says so, as the
    // one redis.pcall returns does (convert.ts), and the script's reply does not count it again.
    if (raise && reply[0] === 0x2d) {
      pushReply(this.heap, T, reply, 0);
      return this.api._lua_error(T);
    }
    pushReply(this.heap, T, reply, 0);
    return 1;
  }

  /** An error from a redis library function: raised (redis.call), or returned as {err=...} (redis.pcall). */
  private fail(T: LuaState, raise: boolean, message: string): number {
    if (raise) return this.raise(T, message);
    this.pushErrorTable(T, message);
    return 1;
  }

  private pushErrorTable(T: LuaState, message: string): void {
    this.api._lua_createtable(T, 0, 1);
    this.heap.pushBytes(T, Buffer.from(message, 'utf8'));
    this.heap.setField(T, -2, 'err');
  }

  /** Raises {err=message} in T (a longjmp through this JS frame: nothing after it runs). */
  protected raise(T: LuaState, message: string): number {
    this.pushErrorTable(T, message);
    return this.api._lua_error(T);
  }

  private sha1hex(T: LuaState): number {
    const api = this.api;
    if (api._lua_gettop(T) !== 1) return this.raise(T, 'ERR wrong number of arguments');
    const type = api._lua_type(T, 1);
    const input = type === LUA_TSTRING || type === LUA_TNUMBER ? this.heap.toBuffer(T, 1) : Buffer.alloc(0);
    this.heap.pushString(T, createHash('sha1').update(input).digest('hex'));
    return 1;
  }

  private log(T: LuaState): number {
    const api = this.api;
    const n = api._lua_gettop(T);
    if (n < 2) return this.raise(T, 'ERR redis.log() requires two arguments or more.');
    if (api._lua_type(T, 1) !== LUA_TNUMBER) return this.raise(T, 'ERR First argument must be a number (log level).');
    const level = api._lua_tonumberx(T, 1, 0);
    if (!(level >= 0 && level <= 3)) return this.raise(T, 'ERR Invalid debug level.');
    const parts: string[] = [];
    for (let i = 2; i <= n; i++) {
      const type = api._lua_type(T, i);
      if (type === LUA_TSTRING || type === LUA_TNUMBER) parts.push(this.heap.toBuffer(T, i).toString('utf8'));
    }
    (this.run?.host ?? this.idleHost)?.log(Math.floor(level), parts.join(' '));
    return 0;
  }

  private setresp(T: LuaState): number {
    const api = this.api;
    if (api._lua_gettop(T) !== 1) return this.raise(T, 'ERR redis.setresp() requires one argument.');
    const v = api._lua_type(T, 1) === LUA_TNUMBER ? api._lua_tonumberx(T, 1, 0) : NaN;
    if (v !== 2 && v !== 3) return this.raise(T, 'ERR RESP version must be 2 or 3.');
    if (this.run !== null) this.run.resp = v;
    return 0;
  }

  private aclCheckCmd(T: LuaState): number {
    const api = this.api;
    if (api._lua_gettop(T) < 1) return this.raise(T, 'ERR Please specify at least one argument for this redis lib call');
    if (api._lua_type(T, 1) !== LUA_TSTRING) return this.raise(T, 'ERR Lua redis lib command arguments must be strings or integers');
    const name = this.heap.toBuffer(T, 1);
    if (this.run === null || !this.run.host.commandExists(name)) return this.raise(T, 'ERR Invalid command passed to redis.acl_check_cmd()');
    api._lua_pushboolean(T, 1);
    return 1;
  }

  // --- the clock ------------------------------------------------------------------------------

  private countHook(T: LuaState): void {
    const run = this.run;
    if (run === null) return;
    if (run.killed) {
      this.raise(T, 'ERR Script killed by user with SCRIPT KILL...');
      return;
    }
    if (!run.busy) {
      if (performance.now() - run.startedAt < run.host.busyThreshold()) return;
      run.busy = true;
      run.host.busyChanged(true);
    }
    // Only the script's own coroutine yields to us; elsewhere (a coroutine of the script's, a
    // metamethod called from C) a yield would go to the wrong place: the clock just runs on.
    if (T === run.thread && this.api._lua_isyieldable(T) !== 0) {
      run.pending = null;
      this.api._lua_yieldk(T, 0, 0, 0);
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private newThread(hook: Ptr): [LuaState, number] {
    const api = this.api;
    const T = api._lua_newthread(this.L);
    const ref = api._luaL_ref(this.L, LUA_REGISTRYINDEX);
    api._lua_sethook(T, hook, LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    return [T, ref];
  }

  protected pushArray(L: LuaState, items: readonly Buffer[]): void {
    const api = this.api;
    api._lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      this.heap.pushBytes(L, items[i]);
      api._lua_rawseti(L, -2, BigInt(i + 1));
    }
  }

  protected loadChunk(L: LuaState, source: string, name: string): void {
    const bytes = Buffer.from(source, 'utf8');
    if (this.api._luaL_loadbufferx(L, this.heap.copyIn(bytes), bytes.length, this.heap.name(name), 0) !== LUA_OK) {
      throw new Error(`Lua ${name}: ${this.heap.toBuffer(L, -1).toString('utf8')}`);
    }
  }

  protected callOrThrow(L: LuaState, nargs: number, nresults: number): void {
    if (this.api._lua_pcallk(L, nargs, nresults, 0, 0, 0) !== LUA_OK) {
      throw new Error(`Lua setup: ${this.heap.toBuffer(L, -1).toString('utf8')}`);
    }
  }
}
