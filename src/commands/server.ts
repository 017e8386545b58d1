/**
 * Server family: INFO (info.ts), CONFIG, COMMAND, TIME, LASTSAVE, SAVE, BGSAVE, SHUTDOWN, SLOWLOG, LATENCY,
 * MONITOR, DEBUG. Replies and error texts follow Redis 7.0.
 */
import type { Command, CommandContext, CommandHandlers } from './types.js';
import { KEY_SPEC_FLAGS, type KeySpec, type KeySpecFlag } from '../command-table/schema.js';
import { configGet, configSet, rewriteConfigFile } from '../config/config.js';
import { userLines } from '../acl/acl-file.js';
import { globMatch } from '../util/glob.js';
import { parseInteger, replyHelp } from './connection.js';
import { writeDocValue } from '../command-table/docs.js';
import { info } from './info.js';
import { busyError } from '../scripting/busy.js';
import { cString } from '../keyspace/numbers.js';
import { latencyDoctorReport, latencyGraph, type LatencyEventData } from './latency-report.js';

function eqIgnoreCase(buf: Buffer, lower: string): boolean {
  return buf.length === lower.length && buf.toString('latin1').toLowerCase() === lower;
}

// ---------------------------------------------------------------------------- CONFIG

function configGetCmd(ctx: CommandContext, argv: Buffer[]): void {
  const patterns = argv.slice(2).map((a) => a.toString('latin1'));
  const pairs = configGet(ctx.server.config, patterns);
  ctx.reply.mapHeader(pairs.length);
  for (const [k, v] of pairs) {
    ctx.reply.bulk(k);
    ctx.reply.bulkText(v);
  }
}

function configSetCmd(ctx: CommandContext, argv: Buffer[]): void {
  // Redis: an odd number of words after SET (arity already wants at least one pair).
  if (argv.length % 2 !== 0) {
    ctx.reply.error('ERR syntax error');
    return;
  }
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i].toString('latin1'), argv[i + 1].toString('utf8')]);
  const changed: string[] = [];
  const err = configSet(ctx.server.config, pairs, changed);
  if (err !== null) {
    ctx.reply.error(err);
    return;
  }
  ctx.server.control.configChanged(changed);
  ctx.reply.ok();
}

function configRewrite(ctx: CommandContext): void {
  const file = ctx.server.control.configFile;
  if (file === undefined) {
    ctx.reply.error('ERR The server is running without a config file');
    return;
  }
  try {
    // Redis' rewriteConfigUserOption: the users as `user` lines, unless they live in an ACL file.
    const users = ctx.server.config.aclfile === '' ? userLines(ctx.server.acl) : [];
    rewriteConfigFile(ctx.server.config, file, users);
    ctx.server.logger.notice('CONFIG REWRITE executed with success.');
    ctx.reply.ok();
  } catch (err) {
    ctx.reply.error(`ERR Rewriting config file: ${(err as Error).message}`);
  }
}

const CONFIG_HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Print this help.',
];

// ---------------------------------------------------------------------------- COMMAND

/** One COMMAND INFO row (Redis 7.0's ten fields), then its subcommands' rows. */
function replyCommandInfo(ctx: CommandContext, entry: Command): void {
  const r = ctx.reply;
  r.arrayHeader(10);
  r.bulk(entry.fullName);
  r.integer(entry.arity);
  r.setHeader(entry.infoFlags.length);
  for (const f of entry.infoFlags) r.simple(f);
  r.integer(entry.keyRange.first);
  r.integer(entry.keyRange.last);
  r.integer(entry.keyRange.step);
  r.setHeader(entry.aclCategories.length);
  for (const c of entry.aclCategories) r.simple(c);
  r.setHeader(entry.tips.length);
  for (const t of entry.tips) r.bulk(t);
  r.setHeader(entry.keySpecs.length);
  for (const spec of entry.keySpecs) replyKeySpec(ctx, spec);
  // Redis 7.0 answers "no subcommands" with an empty set, subcommands with an array.
  if (entry.subcommands === null) {
    r.setHeader(0);
    return;
  }
  const subs = entry.subcommands.entries();
  r.arrayHeader(subs.length);
  for (const s of subs) replyCommandInfo(ctx, s);
}

/** A key spec as Redis 7.0 prints it: notes, flags in Redis' order, begin_search, find_keys. */
function replyKeySpec(ctx: CommandContext, spec: KeySpec): void {
  const r = ctx.reply;
  r.mapHeader(spec.notes === undefined ? 3 : 4);
  if (spec.notes !== undefined) {
    r.bulk('notes');
    r.bulk(spec.notes);
  }
  r.bulk('flags');
  const flags = KEY_SPEC_FLAGS.filter((f) => spec.flags.includes(f));
  r.setHeader(flags.length);
  for (const f of flags) r.simple(f);
  r.bulk('begin_search');
  r.mapHeader(2);
  r.bulk('type');
  const begin = spec.begin;
  if ('unknown' in begin) {
    r.bulk('unknown');
    r.bulk('spec');
    r.mapHeader(0);
  } else if ('index' in begin) {
    r.bulk('index');
    r.bulk('spec');
    r.mapHeader(1);
    r.bulk('index');
    r.integer(begin.index);
  } else {
    r.bulk('keyword');
    r.bulk('spec');
    r.mapHeader(2);
    r.bulk('keyword');
    r.bulk(begin.keyword);
    r.bulk('startfrom');
    r.integer(begin.startFrom);
  }
  r.bulk('find_keys');
  r.mapHeader(2);
  r.bulk('type');
  const find = spec.find;
  if ('unknown' in find) {
    r.bulk('unknown');
    r.bulk('spec');
    r.mapHeader(0);
  } else if ('lastKey' in find) {
    r.bulk('range');
    r.bulk('spec');
    r.mapHeader(3);
    r.bulk('lastkey');
    r.integer(find.lastKey);
    r.bulk('keystep');
    r.integer(find.step);
    r.bulk('limit');
    r.integer(find.limit);
  } else {
    r.bulk('keynum');
    r.bulk('spec');
    r.mapHeader(3);
    r.bulk('keynumidx');
    r.integer(find.keyNumIndex);
    r.bulk('firstkey');
    r.integer(find.firstKey);
    r.bulk('keystep');
    r.integer(find.step);
  }
}

function lookupByName(ctx: CommandContext, name: Buffer): Command | undefined {
  const text = name.toString('latin1');
  const bar = text.indexOf('|');
  const table = ctx.server.control.commands;
  if (bar < 0) return table.lookup(name);
  const parent = table.lookupString(text.slice(0, bar));
  return parent?.subcommands?.lookupString(text.slice(bar + 1));
}

function command(ctx: CommandContext): void {
  const entries = ctx.server.control.commands.entries();
  ctx.reply.arrayHeader(entries.length);
  for (const e of entries) replyCommandInfo(ctx, e);
}

function commandInfo(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length === 2) {
    command(ctx);
    return;
  }
  ctx.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const e = lookupByName(ctx, argv[i]);
    if (e) replyCommandInfo(ctx, e);
    else ctx.reply.nullBulk();
  }
}

function commandCount(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.control.commands.size);
}

function commandList(ctx: CommandContext, argv: Buffer[]): void {
  const names: string[] = [];
  const all: Command[] = [];
  for (const e of ctx.server.control.commands.entries()) {
    all.push(e);
    if (e.subcommands) all.push(...e.subcommands.entries());
  }
  if (argv.length === 2) {
    for (const e of all) names.push(e.fullName);
  } else if (argv.length === 5 && eqIgnoreCase(argv[2], 'filterby')) {
    const kind = argv[3].toString('latin1').toLowerCase();
    const value = argv[4].toString('latin1');
    for (const e of all) {
      if (kind === 'pattern' && globMatch(value, e.fullName, true)) names.push(e.fullName);
      else if (kind === 'aclcat' && e.aclCategories.includes('@' + value.toLowerCase())) names.push(e.fullName);
      else if (kind !== 'pattern' && kind !== 'aclcat' && kind !== 'module') {
        ctx.reply.error('ERR syntax error');
        return;
      }
    }
  } else {
    ctx.reply.error('ERR syntax error');
    return;
  }
  ctx.reply.bulkArray(names);
}

/**
 * The flags of a key spec marked variable_flags, decided by the arguments as Redis' getkeys
 * procs decide them: SET writes over the key unless GET also reads it; BITFIELD only reads it
 * unless a SET or INCRBY writes it.
 */
function variableKeyFlags(command: string, args: readonly Buffer[]): readonly KeySpecFlag[] {
  if (command === 'set') {
    // Any GET after the key and value makes SET read the old value too.
    return args.slice(3).some((a) => eqIgnoreCase(a, 'get')) ? ['RW', 'access', 'update'] : ['OW', 'update'];
  }
  if (command === 'bitfield') {
    // Read-only only when every operation is a complete GET or OVERFLOW (a syntax error counts as a write).
    for (let i = 2; i < args.length; i++) {
      const rest = args.length - i - 1;
      if (eqIgnoreCase(args[i], 'get') && rest >= 2) i += 2;
      else if (eqIgnoreCase(args[i], 'overflow') && rest >= 1) i += 1;
      else return ['RW', 'access', 'update'];
    }
    return ['RO', 'access'];
  }
  return [];
}

/**
 * COMMAND GETKEYS and GETKEYSANDFLAGS: the keys of a full command, as the table's key specs (or
 * SORT's key finder) find them, with Redis' errors; with flags, each key with its spec's flags.
 */
function commandKeys(ctx: CommandContext, argv: Buffer[], withFlags: boolean): void {
  const args = argv.slice(2);
  const table = ctx.server.control.commands;
  let entry = table.lookup(args[0]);
  if (entry?.subcommands && args.length > 1) entry = entry.subcommands.lookup(args[1]) ?? entry;
  if (entry === undefined) {
    ctx.reply.error('ERR Invalid command specified');
    return;
  }
  if (!entry.arityOk(args.length)) {
    ctx.reply.error('ERR Invalid number of arguments specified for command');
    return;
  }
  if (entry.keySpecs.length === 0 && entry.def.keyFinder === undefined) {
    ctx.reply.error('ERR The command has no key arguments');
    return;
  }
  const specs: KeySpec[] = [];
  const indexes = entry.keysOutOfRange(args) ? [] : entry.keyIndexes(args, specs);
  if (indexes.length === 0) {
    // Redis: no keys found is an answer for commands whose keys are optional (EVAL with 0 keys).
    if (entry.infoFlags.includes('no_mandatory_keys')) ctx.reply.arrayHeader(0);
    else ctx.reply.error('ERR Invalid arguments specified for command');
    return;
  }
  const r = ctx.reply;
  r.arrayHeader(indexes.length);
  indexes.forEach((index, i) => {
    if (!withFlags) {
      r.bulk(args[index]);
      return;
    }
    r.arrayHeader(2);
    r.bulk(args[index]);
    const specFlags = specs[i].flags.includes('variable_flags') ? variableKeyFlags(entry.fullName, args) : specs[i].flags;
    const flags = KEY_SPEC_FLAGS.filter((f) => specFlags.includes(f));
    r.setHeader(flags.length);
    for (const f of flags) r.simple(f);
  });
}

function commandDocsCmd(ctx: CommandContext, argv: Buffer[]): void {
  const table = ctx.server.control.commands;
  const entries: Command[] = [];
  if (argv.length === 2) entries.push(...table.entries());
  else {
    for (let i = 2; i < argv.length; i++) {
      const e = lookupByName(ctx, argv[i]);
      if (e) entries.push(e);
    }
  }
  ctx.reply.mapHeader(entries.length);
  for (const e of entries) {
    ctx.reply.bulk(e.fullName);
    writeDocValue(ctx.reply, e.docs);
  }
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

// ---------------------------------------------------------------------------- the rest

function time(ctx: CommandContext): void {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk(String(Math.floor(us / 1e6)));
  ctx.reply.bulk(String(us % 1e6));
}

function lastsave(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.lastSave);
}

/** SAVE: a checkpoint (ServerControl.checkpoints), replied to once it is complete; other clients go on meanwhile. */
async function save(ctx: CommandContext): Promise<void> {
  try {
    await ctx.server.control.checkpoints.start('save');
    ctx.reply.ok();
  } catch (err) {
    ctx.reply.error(`ERR ${(err as Error).message}`);
  }
}

/**
 * BGSAVE [SCHEDULE]: starts a checkpoint and replies at once. Redis' SCHEDULE waits for another
 * background job (an AOF rewrite) to end; StrataKV has no such job, so it starts at once too, and
 * a checkpoint already running is an error with or without it, as in Redis.
 */
function bgsave(ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length > 2 || (argv.length === 2 && !eqIgnoreCase(argv[1], 'schedule'))) {
    ctx.reply.error('ERR syntax error');
    return;
  }
  try {
    // The outcome is logged and shown by INFO persistence; nobody waits for it here.
    ctx.server.control.checkpoints.start('bgsave').catch(() => undefined);
  } catch (err) {
    ctx.reply.error(`ERR ${(err as Error).message}`);
    return;
  }
  ctx.reply.simple('Background saving started');
}

function shutdown(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let mode: 'default' | 'save' | 'nosave' = 'default';
  for (let i = 1; i < argv.length; i++) {
    if (eqIgnoreCase(argv[i], 'nosave')) mode = 'nosave';
    else if (eqIgnoreCase(argv[i], 'save')) mode = 'save';
    else if (eqIgnoreCase(argv[i], 'now') || eqIgnoreCase(argv[i], 'force')) continue;
    else if (eqIgnoreCase(argv[i], 'abort')) {
      ctx.reply.error('ERR No shutdown in progress.');
      return;
    } else {
      ctx.reply.error('ERR syntax error');
      return;
    }
  }
  // While a script is busy only SHUTDOWN NOSAVE may stop the server (Redis' shutdownCommand).
  const busy = ctx.server.control.scriptBusy;
  if (busy !== false && mode !== 'nosave') {
    ctx.reply.error(busyError(busy));
    return;
  }
  // No reply on success: the connection closes as the server exits, as with Redis.
  return ctx.server.control.shutdown(mode).catch((err: Error) => {
    ctx.reply.error(`ERR Errors trying to SHUTDOWN. Check logs. (${err.message})`);
  });
}

function slowlogGet(ctx: CommandContext, argv: Buffer[]): void {
  let count = 10;
  if (argv.length === 3) {
    const n = parseInteger(argv[2]);
    if (n === null || n < -1) {
      ctx.reply.error('ERR count should be greater than or equal to -1');
      return;
    }
    count = n;
  }
  const entries = ctx.server.control.slowlog.get(count);
  const r = ctx.reply;
  r.arrayHeader(entries.length);
  for (const e of entries) {
    r.arrayHeader(6);
    r.integer(e.id);
    r.integer(e.time);
    r.integer(e.durationUsec);
    r.bulkArray(e.argv as Buffer[]);
    r.bulk(e.addr);
    r.bulk(e.name);
  }
}

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Print this help.',
];

// ---------------------------------------------------------------------------- LATENCY

function latencyLatest(ctx: CommandContext): void {
  const r = ctx.reply;
  const latest = ctx.server.control.latencyMonitor.latest();
  r.arrayHeader(latest.length);
  for (const e of latest) {
    r.arrayHeader(4);
    r.bulk(e.event);
    r.integer(e.time);
    r.integer(e.latency);
    r.integer(e.max);
  }
}

function latencyHistory(ctx: CommandContext, argv: Buffer[]): void {
  const r = ctx.reply;
  const samples = ctx.server.control.latencyMonitor.history(argv[2].toString('latin1'));
  r.arrayHeader(samples.length);
  for (const s of samples) {
    r.arrayHeader(2);
    r.integer(s.time);
    r.integer(s.latency);
  }
}

function latencyReset(ctx: CommandContext, argv: Buffer[]): void {
  ctx.reply.integer(ctx.server.control.latencyMonitor.reset(argv.slice(2).map((a) => a.toString('latin1'))));
}

/** LATENCY HISTOGRAM [command ...]: as Redis, unknown names are skipped and a container lists its subcommands. */
function latencyHistogram(ctx: CommandContext, argv: Buffer[]): void {
  const tracker = ctx.server.control.commandLatency;
  const names: string[] = [];
  if (argv.length === 2) {
    names.push(...tracker.commands());
  } else {
    for (let i = 2; i < argv.length; i++) {
      const entry = lookupByName(ctx, argv[i]);
      if (entry === undefined) continue;
      names.push(entry.fullName);
      if (entry.subcommands !== null) for (const sub of entry.subcommands.entries()) names.push(sub.fullName);
    }
  }
  const histograms = names.flatMap((name) => {
    const h = tracker.cumulative(name);
    return h === undefined ? [] : [{ name, h }];
  });
  const r = ctx.reply;
  r.mapHeader(histograms.length);
  for (const { name, h } of histograms) {
    r.bulk(name);
    r.mapHeader(2);
    r.bulk('calls');
    r.integer(h.calls);
    r.bulk('histogram_usec');
    r.mapHeader(h.buckets.length);
    for (const [usec, count] of h.buckets) {
      r.integer(usec);
      r.integer(count);
    }
  }
}

/** Every event the monitor holds, with its samples and all-time high, in the order LATENCY LATEST lists them. */
function latencyEvents(ctx: CommandContext): LatencyEventData[] {
  const monitor = ctx.server.control.latencyMonitor;
  return monitor.latest().map((e) => ({ event: e.event, samples: monitor.history(e.event), max: e.max }));
}

function latencyDoctor(ctx: CommandContext): void {
  const c = ctx.server.config;
  const settings = {
    latencyMonitorThreshold: c.latencyMonitorThreshold,
    slowlogLogSlowerThan: c.slowlogLogSlowerThan,
    appendfsyncAlways: c.appendfsync === 'always',
    hz: c.hz,
  };
  ctx.reply.verbatim(latencyDoctorReport(latencyEvents(ctx), settings, Math.floor(Date.now() / 1000)));
}

function latencyGraphCmd(ctx: CommandContext, argv: Buffer[]): void {
  // Redis looks the event up as a C string (its dict compares with strcmp) and prints it with %s.
  const name = cString(argv[2]);
  const data = latencyEvents(ctx).find((e) => e.event === name);
  if (data === undefined) {
    ctx.reply.error(`ERR No samples available for event '${name}'`);
    return;
  }
  ctx.reply.verbatim(latencyGraph(data, Math.floor(Date.now() / 1000)));
}

const LATENCY_HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
  'HELP',
  '    Prints this help.',
];

function monitor(ctx: CommandContext): void {
  // Inside EXEC (where nothing may block) a client expects one reply per queued command, and a
  // monitor gets a stream instead: Redis refuses it there with this text.
  if (!ctx.server.blocking.mayBlock(ctx.client)) {
    ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  ctx.server.control.addMonitor(ctx.client);
  ctx.reply.ok();
}

function debug(ctx: CommandContext, argv: Buffer[]): void {
  if (eqIgnoreCase(argv[1], 'sleep') && argv.length === 3) {
    const seconds = Number(argv[2].toString('latin1'));
    if (!Number.isFinite(seconds) || seconds < 0) {
      ctx.reply.error('ERR value is not a valid float');
      return;
    }
    // Redis' DEBUG SLEEP blocks the whole server; tests use it for exactly that.
    if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
    ctx.reply.ok();
    return;
  }
  if (eqIgnoreCase(argv[1], 'set-active-expire') && argv.length === 3) {
    // Redis' switch for tests of lazy expiry: here it stops or starts the whole background cycle
    // (active key and hash-field expiry, and the sweeps that run with it).
    if (argv[2].toString('latin1') === '0') void ctx.server.keyspace.stopActiveExpiry();
    else ctx.server.keyspace.startActiveExpiry();
    ctx.reply.ok();
    return;
  }
  if (eqIgnoreCase(argv[1], 'help')) {
    replyHelp(ctx, [
      'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'SET-ACTIVE-EXPIRE <0|1>',
      '    Setting it to 0 disables expiring keys (and hash fields) in background when they are not accessed.',
      'SLEEP <seconds>',
      '    Stop the server for <seconds>. Decimals allowed.',
      'HELP',
      '    Print this help.',
    ]);
    return;
  }
  ctx.reply.error(`ERR unknown subcommand '${cString(argv[1])}'. Try DEBUG HELP.`);
}

/** Handlers by command name; the metadata is in ../command-table/server.ts. */
export const serverHandlers: CommandHandlers = {
  info,
  'config|get': configGetCmd,
  'config|set': configSetCmd,
  'config|resetstat': (ctx) => {
    ctx.server.control.resetStats();
    ctx.reply.ok();
  },
  'config|rewrite': configRewrite,
  'config|help': (ctx) => replyHelp(ctx, CONFIG_HELP),
  command,
  'command|count': commandCount,
  'command|docs': commandDocsCmd,
  'command|getkeys': (ctx, argv) => commandKeys(ctx, argv, false),
  'command|getkeysandflags': (ctx, argv) => commandKeys(ctx, argv, true),
  'command|info': commandInfo,
  'command|list': commandList,
  'command|help': (ctx) => replyHelp(ctx, COMMAND_HELP),
  time,
  lastsave,
  save,
  bgsave,
  shutdown,
  'slowlog|get': slowlogGet,
  'slowlog|len': (ctx) => ctx.reply.integer(ctx.server.control.slowlog.length),
  'slowlog|reset': (ctx) => {
    ctx.server.control.slowlog.reset();
    ctx.reply.ok();
  },
  'slowlog|help': (ctx) => replyHelp(ctx, SLOWLOG_HELP),
  'latency|latest': latencyLatest,
  'latency|history': latencyHistory,
  'latency|reset': latencyReset,
  'latency|histogram': latencyHistogram,
  'latency|doctor': latencyDoctor,
  'latency|graph': latencyGraphCmd,
  'latency|help': (ctx) => replyHelp(ctx, LATENCY_HELP),
  monitor,
  debug,
};
