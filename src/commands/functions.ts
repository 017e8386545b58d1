/**
 * Redis 7 functions: FCALL, FCALL_RO and FUNCTION LOAD/DELETE/LIST/FLUSH/KILL/STATS/DUMP/RESTORE/HELP.
 *
 * Libraries live in the scripting engine (./scripting.ts: one per server, made on first use) in a
 * Lua state of their own (src/scripting/functions-vm.ts); FCALL runs a function exactly as EVAL
 * runs a script (same atomicity, WAL batch, busy-reply-threshold, MONITOR and SLOWLOG), with the
 * function's flags: `no-writes` makes it read-only, and FCALL_RO refuses a function without it.
 *
 * Every command that changes the libraries writes their records (docs/format.md, "Function
 * library record") as one batch, and replies once the batch is durable per appendfsync, as any
 * write: a library acknowledged by FUNCTION LOAD survives kill -9, and FUNCTION FLUSH stays done.
 * At start, loadStoredFunctions loads the records back before the server listens.
 */
import { argIs, cString, parseIntegerArg } from '../keyspace/numbers.js';
import { globMatch } from '../util/glob.js';
import { durable } from './command-support.js';
import { replyHelp } from './connection.js';
import { engineFor, existingEngine, mayWriteRefusal, type ScriptingEngine } from './scripting.js';
import type { CommandContext, CommandHandlers, ServerContext } from './types.js';
import { FUNCTION_FLAGS, type Library } from '../scripting/function-library.js';
import { LOAD_TIMEOUT_MS } from '../scripting/functions-vm.js';
import { ENGINE_NAME, FUNCTION_RECORD_PREFIX, libraryRecordOps, loadStoredLibraries, type LibrarySet } from '../scripting/functions.js';
import { decodeFunctionsPayload, encodeFunctionsPayload } from '../scripting/dump-payload.js';
import { busyError } from '../scripting/busy.js';

/** Runs `body` with the server's scripting engine, loading the VM first if needed. */
function withEngine(ctx: CommandContext, body: (engine: ScriptingEngine) => void | Promise<void>): void | Promise<void> {
  const engine = engineFor(ctx.server);
  return engine instanceof Promise ? engine.then(body) : body(engine);
}

function logTo(server: ServerContext): { log(level: number, message: string): void } {
  const levels = ['debug', 'verbose', 'notice', 'warning'] as const;
  return { log: (level, message) => server.logger.log(levels[level], message) };
}

function subcommandSyntaxError(ctx: CommandContext, argv: Buffer[]): void {
  ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${cString(argv[1], 128)}'. Try ${argv[0].toString('latin1').toUpperCase()} HELP.`);
}


// --- FCALL ----------------------------------------------------------------------------------------

function fcall(ctx: CommandContext, argv: Buffer[], readOnlyCommand: boolean): void | Promise<void> {
  // Without an engine no library is loaded (the libraries on disk are loaded at start).
  const engine = existingEngine(ctx.server);
  const fn = engine?.functions.find(argv[1].toString('latin1'));
  if (engine === undefined || fn === undefined) return ctx.reply.error('ERR Function not found');
  const numkeys = parseIntegerArg(argv[2]);
  if (numkeys === undefined) return ctx.reply.error('ERR Bad number of keys provided');
  if (numkeys > argv.length - 3) return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return ctx.reply.error("ERR Number of keys can't be negative");
  // scriptPrepareForRun: a function that may write cannot run from FCALL_RO.
  const noWrites = fn.flags.has('no-writes');
  if (!noWrites) {
    const refusal = mayWriteRefusal(ctx, readOnlyCommand);
    if (refusal !== null) return ctx.reply.error(refusal);
  }
  const keys = argv.slice(3, 3 + Number(numkeys));
  const args = argv.slice(3 + Number(numkeys));
  // FUNCTION STATS shows the command while the function runs: a copy, not views of the read buffer.
  return engine.runFunction(ctx, fn, keys, args, noWrites, argv.map((arg) => Buffer.from(arg)));
}

// --- FUNCTION LOAD / DELETE / FLUSH -------------------------------------------------------------------

function functionLoad(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let replace = false;
  let at = 2;
  while (at < argv.length - 1) {
    const option = argv[at++];
    if (argIs(option, 'replace')) {
      replace = true;
      continue;
    }
    return ctx.reply.error(`ERR Unknown option given: ${cString(option)}`);
  }
  const code = argv[at];
  return withEngine(ctx, (engine) => {
    const library = engine.functions.create(code, replace, LOAD_TIMEOUT_MS, logTo(ctx.server));
    if (typeof library === 'string') return ctx.reply.error(`ERR ${library}`);
    ctx.reply.bulk(library.name);
    return durable(ctx.server.db.write(libraryRecordOps([library])));
  });
}

function functionDelete(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const name = argv[2].toString('latin1');
  const deleted = existingEngine(ctx.server)?.functions.delete(name);
  if (deleted === undefined) return ctx.reply.error('ERR Library not found');
  ctx.reply.ok();
  return durable(ctx.server.db.write(libraryRecordOps([], [name])));
}

function functionFlush(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (argv.length > 3) return subcommandSyntaxError(ctx, argv);
  if (argv.length === 3 && !argIs(argv[2], 'sync') && !argIs(argv[2], 'async')) {
    return ctx.reply.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
  }
  const dropped = existingEngine(ctx.server)?.functions.clear() ?? [];
  ctx.reply.ok();
  if (dropped.length === 0) return undefined;
  return durable(ctx.server.db.write(libraryRecordOps([], dropped)));
}

// --- FUNCTION LIST / STATS / KILL / HELP --------------------------------------------------------------

function functionList(ctx: CommandContext, argv: Buffer[]): void {
  let withCode = false;
  let pattern: Buffer | null = null;
  for (let i = 2; i < argv.length; i++) {
    if (!withCode && argIs(argv[i], 'withcode')) {
      withCode = true;
      continue;
    }
    if (pattern === null && argIs(argv[i], 'libraryname')) {
      if (i >= argv.length - 1) return ctx.reply.error('ERR library name argument was not given');
      pattern = argv[++i];
      continue;
    }
    return ctx.reply.error(`ERR Unknown argument ${cString(argv[i])}`);
  }
  const all = existingEngine(ctx.server)?.functions.all() ?? [];
  const libraries: Library[] = [];
  for (const library of all) if (pattern === null || globMatch(pattern, library.name, true)) libraries.push(library);
  const r = ctx.reply;
  r.arrayHeader(libraries.length);
  for (const library of libraries) {
    r.mapHeader(withCode ? 4 : 3);
    r.bulk('library_name');
    r.bulk(library.name);
    r.bulk('engine');
    r.bulk(ENGINE_NAME);
    r.bulk('functions');
    r.arrayHeader(library.functions.length);
    for (const fn of library.functions) {
      r.mapHeader(3);
      r.bulk('name');
      r.bulk(fn.name);
      r.bulk('description');
      if (fn.description === null) r.nullBulk();
      else r.bulk(fn.description);
      r.bulk('flags');
      const flags = FUNCTION_FLAGS.filter((flag) => fn.flags.has(flag));
      r.setHeader(flags.length);
      for (const flag of flags) r.simple(flag);
    }
    if (withCode) {
      r.bulk('library_code');
      r.bulk(library.code);
    }
  }
}

function functionStats(ctx: CommandContext): void {
  const engine = existingEngine(ctx.server);
  const running = engine?.running ?? null;
  // An EVAL script past busy-reply-threshold: FUNCTION STATS is only for functions.
  if (running !== null && running.kind === 'eval') return ctx.reply.error(busyError('eval'));
  const r = ctx.reply;
  r.mapHeader(2);
  r.bulk('running_script');
  if (running === null) {
    r.nullBulk();
  } else {
    r.mapHeader(3);
    r.bulk('name');
    r.bulk(running.name);
    r.bulk('command');
    r.bulkArray(running.argv);
    r.bulk('duration_ms');
    r.integer(Date.now() - running.startedAt);
  }
  r.bulk('engines');
  r.mapHeader(1);
  r.bulk(ENGINE_NAME);
  r.mapHeader(2);
  r.bulk('libraries_count');
  r.integer(engine?.functions.libraryCount ?? 0);
  r.bulk('functions_count');
  r.integer(engine?.functions.functionCount ?? 0);
}

function functionKill(ctx: CommandContext): void {
  const engine = existingEngine(ctx.server);
  const refusal = engine === undefined ? 'NOTBUSY No scripts in execution right now.' : engine.kill('function');
  if (refusal === null) ctx.reply.ok();
  else ctx.reply.error(refusal);
}

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

// --- FUNCTION DUMP / RESTORE ----------------------------------------------------------------------------

function functionDump(ctx: CommandContext): void {
  const libraries = existingEngine(ctx.server)?.functions.all() ?? [];
  ctx.reply.bulk(encodeFunctionsPayload([...libraries].map((library) => library.code)));
}

type RestorePolicy = 'flush' | 'append' | 'replace';

function functionRestore(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (argv.length > 4) return subcommandSyntaxError(ctx, argv);
  let policy: RestorePolicy = 'append';
  if (argv.length === 4) {
    const word = argv[3].toString('latin1').toLowerCase();
    if (word !== 'flush' && word !== 'append' && word !== 'replace') {
      return ctx.reply.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    }
    policy = word;
  }
  const payload = argv[2];
  return withEngine(ctx, (engine) => restore(ctx, engine, payload, policy));
}

function restore(ctx: CommandContext, engine: ScriptingEngine, payload: Buffer, policy: RestorePolicy): void | Promise<void> {
  const { codes, error } = decodeFunctionsPayload(payload);
  // The payload's libraries load into a set of their own first: a failure anywhere changes nothing.
  const staged: LibrarySet = engine.newLibrarySet();
  const fail = (message: string): void => {
    staged.clear();
    ctx.reply.error(`ERR ${message}`);
  };
  for (const code of codes) {
    const library = staged.create(code, false, 0, logTo(ctx.server));
    if (typeof library === 'string') return fail(library);
  }
  if (error !== null) return fail(error);
  const restored = [...staged.all()];
  const current = engine.functions;
  let dropped: string[] = [];
  if (policy === 'flush') {
    dropped = [...current.all()].map((library) => library.name);
    current.replaceWith(staged);
  } else {
    const refusal = current.join(staged, policy === 'replace');
    if (refusal !== null) return fail(refusal);
  }
  ctx.reply.ok();
  return durable(ctx.server.db.write(libraryRecordOps(restored, dropped)));
}

// --- start ---------------------------------------------------------------------------------------------

/**
 * Loads the libraries stored on disk into the scripting engine (made only if there are any);
 * called once at start, before the server listens. Throws if one does not load.
 */
export async function loadStoredFunctions(server: ServerContext): Promise<number> {
  const it = server.db.iterator({ start: FUNCTION_RECORD_PREFIX });
  let any = false;
  try {
    const first = await it.next();
    any = first !== undefined && first.key.startsWith(FUNCTION_RECORD_PREFIX);
  } finally {
    it.close();
  }
  if (!any) return 0;
  const engine = await engineFor(server);
  return loadStoredLibraries(server.db, engine.functions, logTo(server));
}

/** Handlers by command name; the metadata is in ../command-table/functions.ts. */
export const functionHandlers: CommandHandlers = {
  fcall: (ctx, argv) => fcall(ctx, argv, false),
  fcall_ro: (ctx, argv) => fcall(ctx, argv, true),
  'function|load': functionLoad,
  'function|delete': functionDelete,
  'function|flush': functionFlush,
  'function|list': functionList,
  'function|stats': functionStats,
  'function|kill': functionKill,
  'function|help': (ctx) => replyHelp(ctx, FUNCTION_HELP),
  'function|dump': functionDump,
  'function|restore': functionRestore,
};
