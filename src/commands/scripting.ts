/**
 * Lua scripting: EVAL EVALSHA EVAL_RO EVALSHA_RO, SCRIPT LOAD/EXISTS/FLUSH/KILL/HELP/DEBUG; and the
 * scripting engine FCALL runs functions with (./functions.ts): its second Lua state and libraries,
 * made on first use, share this engine's script client, run machinery and busy handling.
 *
 * One scripting engine per server (made on first use: loading the WebAssembly VM takes a few
 * tens of milliseconds and some 20 MiB, which a server that never runs a script does not pay):
 * the Lua VM (src/scripting/lua-vm.ts), the script cache, and the script's client, through which
 * redis.call runs commands as EXEC runs its queue (ServerControl.runQueued: stats, MONITOR as
 * `[db lua]`, SLOWLOG), with a ReplyWriter of its own whose bytes the VM turns into Lua values.
 *
 * Atomicity, as a writing EXEC: the table marks these commands runsScript, so the dispatcher runs
 * a script that has to wait under its exclusive lock (no other client's command runs between two
 * redis.call's), and a script that may write runs inside one engine atomic section (its writes are
 * one WAL record: a crash keeps all or none; an error after some writes keeps them, as Redis).
 * Past busy-reply-threshold the VM yields to the event loop between instructions and the server
 * is "busy" (ServerControl.scriptBusy): other clients get -BUSY, SCRIPT KILL may stop the script.
 */
import { aclRefusal } from './acl-support.js';
import { ReplyWriter } from '../protocol/reply.js';
import { parseIntegerArg } from '../keyspace/numbers.js';
import { FLAG_MAY_REPLICATE, FLAG_NOSCRIPT, FLAG_WRITE } from '../command-table/registry.js';
import { ClientSession } from './client-session.js';
import { misconfError } from './command-support.js';
import type { ClientState, Command, CommandContext, CommandHandlers, ScriptCaller, ServerContext } from './types.js';
import { LuaVm, type ScriptHost } from '../scripting/lua-vm.js';
import { ScriptCache, sha1hex, type CachedScript } from '../scripting/script-cache.js';
import { parseShebang } from '../scripting/shebang.js';
import { busyError, type ScriptKind } from '../scripting/busy.js';
import { FunctionsVm } from '../scripting/functions-vm.js';
import { LibrarySet } from '../scripting/functions.js';
import type { LibraryFunction } from '../scripting/function-library.js';

const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';
const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;

/** The client scripts run their commands as (Redis' lua client): MONITOR shows it as `lua`. */
class ScriptClient extends ClientSession implements ClientState {
  readonly id = 0;
  resp: 2 | 3 = 2;
  authenticated = true;
  readonly addr = 'lua';
  readonly laddr = '';
  readonly createdAt = Date.now();
  lastInteraction = this.createdAt;
  /** The client whose script is running and its declared keys (CLIENT TRACKING treats the script's reads as its). */
  scriptCaller: ScriptCaller | null = null;
  closeAfterReply(): void {}
}

/** The script being run, as the host sees it. */
export interface ScriptRun {
  readonly kind: ScriptKind;
  readonly readOnly: boolean;
  /** A write command ran: SCRIPT KILL answers -UNKILLABLE. */
  wrote: boolean;
  /** The function's name (FUNCTION STATS), or the script's sha. */
  readonly name: string;
  /** The caller's command (FUNCTION STATS; empty for EVAL, which FUNCTION STATS does not show). */
  readonly argv: readonly Buffer[];
  readonly startedAt: number;
}

export class ScriptingEngine implements ScriptHost {
  readonly cache = new ScriptCache();
  private readonly client = new ScriptClient();
  private readonly capture = new ReplyWriter();
  private readonly ctx: CommandContext;
  private current: ScriptRun | null = null;
  /** The functions VM and the loaded libraries, made on first use (FUNCTION LOAD, or libraries on disk at start). */
  private functionsState: { readonly vm: FunctionsVm; readonly libraries: LibrarySet } | null = null;

  constructor(readonly vm: LuaVm, private readonly server: ServerContext) {
    this.ctx = { client: this.client, server, reply: this.capture };
  }

  /** The loaded function libraries. */
  get functions(): LibrarySet {
    return this.functionsVm().libraries;
  }

  /** The functions VM, if made (INFO). */
  get functionsVmIfMade(): FunctionsVm | null {
    return this.functionsState?.vm ?? null;
  }

  /** An empty set on the functions VM (FUNCTION RESTORE loads a payload into one first). */
  newLibrarySet(): LibrarySet {
    return new LibrarySet(this.functionsVm().vm);
  }

  private functionsVm(): { readonly vm: FunctionsVm; readonly libraries: LibrarySet } {
    if (this.functionsState === null) {
      const vm = FunctionsVm.alongside(this.vm);
      this.functionsState = { vm, libraries: new LibrarySet(vm) };
    }
    return this.functionsState;
  }

  /** The script running now (FUNCTION STATS), if any. */
  get running(): ScriptRun | null {
    return this.current;
  }

  /** The cached script, compiled and cached if new; or the compile error's text. */
  scriptFor(body: Buffer, sha: string = sha1hex(body)): CachedScript | string {
    const cached = this.cache.get(sha);
    if (cached !== undefined) return cached;
    const shebang = parseShebang(body);
    if (typeof shebang === 'string') return shebang;
    const compiled = this.vm.compile(shebang.source);
    if ('error' in compiled) return compiled.error;
    const script = { sha, ref: compiled.ref, bytes: body.length, declared: shebang.declared, noWrites: shebang.noWrites };
    this.cache.add(script);
    return script;
  }

  flush(): void {
    for (const script of this.cache.clear()) this.vm.release(script.ref);
  }

  /** Runs a script for `ctx`'s client; see the module comment for the atomicity rules. */
  run(ctx: CommandContext, script: CachedScript, keys: Buffer[], args: Buffer[], readOnly: boolean, argv: readonly Buffer[] = []): void | Promise<void> {
    const run = { kind: 'eval' as const, readOnly, wrote: false, name: script.sha, argv, startedAt: Date.now() };
    return this.runAs(ctx, run, keys, () => this.vm.execute(script.ref, script.sha, keys, args, ctx.reply, this));
  }

  /** FCALL / FCALL_RO: as run(), for a function of a loaded library. */
  runFunction(ctx: CommandContext, fn: LibraryFunction, keys: Buffer[], args: Buffer[], readOnly: boolean, argv: readonly Buffer[]): void | Promise<void> {
    const run = { kind: 'function' as const, readOnly, wrote: false, name: fn.name, argv, startedAt: Date.now() };
    return this.runAs(ctx, run, keys, () => this.functionsVm().vm.call(fn, keys, args, ctx.reply, this));
  }

  private runAs(ctx: CommandContext, run: ScriptRun, keys: readonly Buffer[], start: () => Promise<void> | undefined): void | Promise<void> {
    const execute = (): void | Promise<void> => {
      if (this.current !== null) throw new Error('a script is already running');
      this.current = run;
      this.client.db = ctx.client.db;
      this.client.scriptCaller = { client: ctx.client, keys };
      const pending = start();
      if (pending === undefined) {
        this.current = null;
        this.client.scriptCaller = null;
        return undefined;
      }
      return pending.finally(() => {
        this.current = null;
        this.client.scriptCaller = null;
      });
    };
    return run.readOnly ? execute() : ctx.server.db.atomic(execute);
  }

  /** SCRIPT KILL's (`eval`) or FUNCTION KILL's (`function`) refusal, or null once the script is told to stop (Redis' scriptKill). */
  kill(kind: ScriptKind): string | null {
    const current = this.current;
    if (current === null) return 'NOTBUSY No scripts in execution right now.';
    if (current.wrote) {
      return 'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';
    }
    if (current.kind !== kind) return busyError(current.kind);
    if (kind === 'eval') this.vm.kill();
    else this.functionsVm().vm.kill();
    return null;
  }

  // --- ScriptHost ------------------------------------------------------------------------------

  call(argv: Buffer[], resp: 2 | 3): Buffer | Promise<Buffer> {
    const capture = this.capture;
    capture.take();
    capture.recycle();
    capture.resp = resp;
    this.client.resp = resp;
    const commands = this.server.control.commands;
    let entry = commands.lookup(argv[0]);
    if (entry !== undefined && entry.subcommands !== null && argv.length > 1) entry = entry.subcommands.lookup(argv[1]);
    if (entry === undefined) return this.refused(null, 'ERR Unknown Redis command called from script');
    if (!entry.arityOk(argv.length)) return this.refused(entry, 'ERR Wrong number of args calling Redis command from script');
    if ((entry.flagBits & FLAG_NOSCRIPT) !== 0) return this.refused(entry, 'ERR This Redis command is not allowed from script');
    // Redis' scriptVerifyACL: the script's commands run with its caller's permissions.
    const refusal = aclRefusal(this.ctx, entry, argv, 'script');
    if (refusal !== null) return this.refused(entry, refusal);
    const run = this.current;
    // Redis counts may-replicate commands (PUBLISH, PFCOUNT, which may write its cache) as writes
    // in a read-only script, which also keeps such a script, not run atomically here, from writing.
    if (run !== null && run.readOnly && (entry.flagBits & (FLAG_WRITE | FLAG_MAY_REPLICATE)) !== 0) {
      return this.refused(entry, 'ERR Write commands are not allowed from read-only scripts.');
    }
    if ((entry.flagBits & FLAG_WRITE) !== 0) {
      // Redis' scriptVerifyWriteCommandAllow: no write while the disk refuses them (MISCONF).
      const writeFailure = this.server.db.writeFailure;
      if (writeFailure !== null) return this.refused(entry, misconfError(writeFailure));
      if (run !== null) run.wrote = true;
    }
    const before = capture.position;
    const pending = this.server.control.runQueued(this.ctx, { entry, argv });
    if (pending === undefined || capture.completeSince(before)) return capture.take() ?? Buffer.alloc(0);
    return pending.then(() => capture.take() ?? Buffer.alloc(0));
  }

  log(level: number, message: string): void {
    this.server.logger.log(LOG_LEVELS[level], message);
  }

  commandExists(name: Buffer): boolean {
    return this.server.control.commands.lookup(name) !== undefined;
  }

  busyThreshold(): number {
    return this.server.config.busyReplyThreshold;
  }

  busyChanged(busy: boolean): void {
    const kind = this.current?.kind ?? 'eval';
    this.server.control.scriptBusy = busy ? kind : false;
    if (busy) {
      this.server.logger.warning(`Slow script detected: still in execution after ${this.server.config.busyReplyThreshold} milliseconds. You can try killing the script using the ${kind === 'eval' ? 'SCRIPT' : 'FUNCTION'} KILL command.`);
    }
  }

  private errorReply(message: string): Buffer {
    return Buffer.from(`-${message}\r\n`, 'utf8');
  }

  /**
   * A command the script may not run, refused before it runs: counted where it arose, as Redis'
   * scriptCall does (errorstats, and the command's rejected_calls); the script that passes the
   * error on does not count it again (the error table says so).
   */
  private refused(entry: Command | null, message: string): Buffer {
    const server = this.server;
    server.stats.totalErrorReplies++;
    const code = message.slice(0, message.indexOf(' '));
    server.control.errorStats.set(code, (server.control.errorStats.get(code) ?? 0) + 1);
    if (entry !== null) entry.rejectedCalls++;
    return this.errorReply(message);
  }
}

/** The server's engine, or the promise of it while the VM loads. */
const engines = new WeakMap<ServerContext, ScriptingEngine | Promise<ScriptingEngine>>();

export function engineFor(server: ServerContext): ScriptingEngine | Promise<ScriptingEngine> {
  let engine = engines.get(server);
  if (engine === undefined) {
    const loading = LuaVm.create().then((vm) => {
      const ready = new ScriptingEngine(vm, server);
      engines.set(server, ready);
      return ready;
    });
    engines.set(server, loading);
    engine = loading;
  }
  return engine;
}

/** The engine if it exists already (INFO, SCRIPT EXISTS/FLUSH/KILL do not make one). */
export function existingEngine(server: ServerContext): ScriptingEngine | undefined {
  const engine = engines.get(server);
  return engine instanceof Promise ? undefined : engine;
}

/** INFO memory's scripting fields, as Redis 7.0 names them. */
export function scriptingMemoryInfo(server: ServerContext): {
  lua: number; scripts: number; evalScripts: number; cached: number; functionsVm: number; functions: number; functionCount: number;
} {
  const engine = existingEngine(server);
  if (engine === undefined) return { lua: 0, scripts: 0, evalScripts: 0, cached: 0, functionsVm: 0, functions: 0, functionCount: 0 };
  const functionsVm = engine.functionsVmIfMade;
  const functions = functionsVm === null ? 0 : engine.functions.bytes;
  return {
    lua: engine.vm.memoryBytes(),
    scripts: engine.cache.bytes + functions,
    evalScripts: engine.cache.bytes,
    cached: engine.cache.size,
    functionsVm: functionsVm === null ? 0 : functionsVm.memoryBytes(),
    functions,
    functionCount: functionsVm === null ? 0 : engine.functions.functionCount,
  };
}

// --- EVAL and friends ---------------------------------------------------------------------------

function evalGeneric(ctx: CommandContext, argv: Buffer[], bySha: boolean, readOnly: boolean): void | Promise<void> {
  const numkeys = parseIntegerArg(argv[2]);
  if (numkeys === undefined) return ctx.reply.error('ERR value is not an integer or out of range');
  if (numkeys > argv.length - 3) return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return ctx.reply.error("ERR Number of keys can't be negative");
  const engine = engineFor(ctx.server);
  if (engine instanceof Promise) return engine.then((ready) => runEval(ready, ctx, argv, Number(numkeys), bySha, readOnly));
  return runEval(engine, ctx, argv, Number(numkeys), bySha, readOnly);
}

function runEval(engine: ScriptingEngine, ctx: CommandContext, argv: Buffer[], numkeys: number, bySha: boolean, readOnly: boolean): void | Promise<void> {
  let script: CachedScript | string | undefined;
  if (bySha) {
    script = argv[1].length === 40 ? engine.cache.get(argv[1].toString('latin1').toLowerCase()) : undefined;
    if (script === undefined) return ctx.reply.error(NOSCRIPT);
  } else {
    script = engine.scriptFor(argv[1]);
    if (typeof script === 'string') return ctx.reply.error(script);
  }
  // A script with declared flags that may write is checked before it runs, as a function is.
  if (script.declared && !script.noWrites) {
    const refusal = mayWriteRefusal(ctx, readOnly);
    if (refusal !== null) return ctx.reply.error(refusal);
  }
  const keys = argv.slice(3, 3 + numkeys);
  const args = argv.slice(3 + numkeys);
  return engine.run(ctx, script, keys, args, readOnly || script.noWrites);
}

/**
 * Redis 7.0's scriptPrepareForRun for a script or function that declares it may write: refused
 * from a read-only command, and while writes are refused (MISCONF).
 */
export function mayWriteRefusal(ctx: CommandContext, readOnlyCommand: boolean): string | null {
  if (readOnlyCommand) return 'ERR Can not execute a script with write flag using *_ro command.';
  const failure = ctx.server.db.writeFailure;
  return failure === null ? null : misconfError(failure);
}

// --- SCRIPT ---------------------------------------------------------------------------------------

function scriptLoad(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const engine = engineFor(ctx.server);
  const load = (ready: ScriptingEngine): void => {
    const script = ready.scriptFor(Buffer.from(argv[2]));
    if (typeof script === 'string') ctx.reply.error(script);
    else ctx.reply.bulk(script.sha);
  };
  if (engine instanceof Promise) return engine.then(load);
  return load(engine);
}

function scriptExists(ctx: CommandContext, argv: Buffer[]): void {
  const engine = existingEngine(ctx.server);
  ctx.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const found = engine !== undefined && argv[i].length === 40 && engine.cache.get(argv[i].toString('latin1').toLowerCase()) !== undefined;
    ctx.reply.integer(found ? 1 : 0);
  }
}

function scriptFlush(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length > 3) return ctx.reply.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  if (argv.length === 3) {
    const mode = argv[2].toString('latin1').toLowerCase();
    if (mode !== 'sync' && mode !== 'async') return ctx.reply.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  }
  existingEngine(ctx.server)?.flush();
  ctx.reply.ok();
}

function scriptKill(ctx: CommandContext): void {
  const engine = existingEngine(ctx.server);
  const refusal = engine === undefined ? 'NOTBUSY No scripts in execution right now.' : engine.kill('eval');
  if (refusal === null) ctx.reply.ok();
  else ctx.reply.error(refusal);
}

function scriptDebug(ctx: CommandContext, argv: Buffer[]): void {
  const mode = argv[2].toString('latin1').toLowerCase();
  if (mode === 'no') return ctx.reply.ok();
  if (mode === 'yes' || mode === 'sync') return ctx.reply.error('ERR SCRIPT DEBUG is not supported by this server');
  ctx.reply.error('ERR Use SCRIPT DEBUG YES/SYNC/NO');
}

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

function scriptHelp(ctx: CommandContext): void {
  ctx.reply.arrayHeader(SCRIPT_HELP.length);
  for (const line of SCRIPT_HELP) ctx.reply.simple(line);
}

/** Handlers by command name; the metadata is in ../command-table/scripting.ts. */
export const scriptingHandlers: CommandHandlers = {
  eval: (ctx, argv) => evalGeneric(ctx, argv, false, false),
  evalsha: (ctx, argv) => evalGeneric(ctx, argv, true, false),
  eval_ro: (ctx, argv) => evalGeneric(ctx, argv, false, true),
  evalsha_ro: (ctx, argv) => evalGeneric(ctx, argv, true, true),
  'script|load': scriptLoad,
  'script|exists': scriptExists,
  'script|flush': scriptFlush,
  'script|kill': scriptKill,
  'script|debug': scriptDebug,
  'script|help': scriptHelp,
};
