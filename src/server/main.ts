/**
 * The launcher behind bin/stratakv: `stratakv [CONFIG_FILE] [--directive value ...]`, exactly like
 * redis-server. Loads the config (file, then command-line directives over it), takes the data
 * directory's lock, opens the engine and the keyspace, starts listening, and closes everything
 * cleanly on SIGTERM/SIGINT or SHUTDOWN.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ConfigError, loadConfig, type ServerConfig } from '../config/config.js';
import { Db } from '../engine/db.js';
import { Keyspace, keyspaceDbOptions } from '../keyspace/keyspace.js';
import { allCommands } from '../commands/index.js';
import { STRATAKV_VERSION } from '../commands/version.js';
import { REDIS_COMPAT_VERSION } from '../commands/connection.js';
import { Logger } from '../util/logger.js';
import { CorruptionError } from '../engine/errors.js';
import { WalCorruptionError } from '../engine/wal/wal-replay.js';
import { repairDb, verifyLiveTables } from '../engine/repair.js';
import { restoreCheckpoint } from '../engine/checkpoint.js';
import { applyCommandRenames, Server } from './server.js';
import { LatencyMonitor } from './latency-monitor.js';
import { AdminServer } from '../admin/admin-server.js';
import { LongOperations } from '../util/progress.js';
import { CommandTable } from '../command-table/registry.js';
import { Acl } from '../acl/acl.js';
import { USERS_AND_ACLFILE, checkConfigUser, loadAclFile, loadConfigUsers } from '../acl/acl-file.js';
import { loadStoredFunctions } from '../commands/functions.js';
import type { CommandHandler, CommandSpec, ShutdownMode } from '../commands/types.js';

const LOCK_FILE = 'stratakv.lock';

/** Raised for problems that should end startup with a message and exit code 1. */
class StartupError extends Error {}

/**
 * Takes `dir/stratakv.lock` (created exclusively, holding our pid). A lock left by a process that
 * no longer exists is taken over; one held by a live process refuses the start.
 */
function acquireLock(dir: string): string {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
      throw new StartupError(`Another StrataKV server (pid ${owner}) is using the data directory ${dir} (lock file ${file}). Stop it first, or use another 'dir'.`);
    }
    unlinkSync(file); // stale: its process is gone
  }
  throw new StartupError(`Could not take the lock ${file}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function parseArguments(argv: readonly string[]): { configFile: string | undefined; options: string[]; repair: boolean; restore: string | undefined } {
  const program = new Command();
  program
    .name('stratakv')
    .usage('[CONFIG_FILE] [--directive value ...]')
    .description(
      'A Redis-protocol-compatible server over its own LSM-tree storage engine.\n\n' +
      'Any configuration directive may be given on the command line as --name value and overrides the\n' +
      'config file, as with redis-server. Examples:\n' +
      '  stratakv conf/stratakv.conf\n' +
      '  stratakv --port 7000 --dir ./data --appendfsync always\n' +
      '  stratakv conf/stratakv.conf --loglevel verbose',
    )
    .option('--repair', 'rebuild MANIFEST and CURRENT from the table files that pass their checks, set damaged ones aside in <dir>/lost/ and cut a damaged WAL, then start (README: "Damaged data files")')
    .option('--restore <checkpoint>', 'copy a checkpoint (a directory made by SAVE/BGSAVE in <dir>/checkpoints/) into the data directory, which must hold no data yet, then start on it (README: "Backups and restore")')
    .version(`StrataKV v=${STRATAKV_VERSION} (Redis ${REDIS_COMPAT_VERSION} compatible) node=${process.version}`, '-v, --version')
    .helpOption('-h, --help')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .argument('[CONFIG_FILE]', 'redis.conf-syntax configuration file')
    .exitOverride((err) => process.exit(err.exitCode));
  program.parse([...argv], { from: 'user' });
  let configFile: string | undefined;
  // --repair and --restore are launcher flags, not config directives: they are not kept in the config.
  const repair = argv.includes('--repair');
  let rest = argv.filter((arg) => arg !== '--repair');
  const restoreAt = rest.indexOf('--restore');
  const restore = restoreAt >= 0 ? (program.opts() as { restore?: string }).restore : undefined;
  if (restoreAt >= 0) rest = [...rest.slice(0, restoreAt), ...rest.slice(restoreAt + 2)];
  if (rest.length > 0 && !rest[0].startsWith('--')) {
    configFile = rest[0];
    rest = rest.slice(1);
  }
  return { configFile, options: rest, repair, restore };
}

function commandTable(specs: readonly CommandSpec[]): CommandTable<CommandHandler> {
  const table = new CommandTable<CommandHandler>();
  for (const spec of specs) table.add(spec);
  return table;
}

/** A fresh ACL over the command table, with the config's acl-pubsub-default. */
function scratchAcl(config: ServerConfig): Acl {
  const acl = new Acl(commandTable(allCommands));
  acl.pubsubDefaultAll = config.aclPubsubDefault === 'allchannels';
  return acl;
}

/** `user` lines' mistakes are config errors, reported at their line as Redis reports them while reading the file. */
function checkUserLines(config: ServerConfig): void {
  const acl = scratchAcl(config);
  const seen = new Set<string>();
  for (const line of config.userLines) {
    const error = checkConfigUser(acl, line, seen);
    // The rules may hold passwords: the line is not shown.
    if (error !== null) throw new ConfigError(line.source, line.line, `user ${line.name} (redacted)`, error);
    seen.add(line.name);
  }
}

/** Why the users cannot be loaded (Redis then exits), or null. */
function aclStartupProblem(config: ServerConfig): string | null {
  if (config.aclfile !== '' && config.userLines.length > 0) return USERS_AND_ACLFILE;
  const acl = scratchAcl(config);
  const problem = loadConfigUsers(acl, config.userLines);
  if (problem !== null) return `${problem}\nCritical error while loading ACLs. Exiting.`;
  if (config.aclfile !== '') {
    const loaded = loadAclFile(acl, config.aclfile);
    if ('error' in loaded) return `Aborting Redis startup because of ACL errors: ${loaded.error}`;
  }
  return null;
}

/**
 * What to do about damaged data, appended to the startup failure. WAL errors carry their own
 * advice (wal-truncate-corrupt); the table list and tables are what --repair rebuilds.
 */
function wayOut(err: unknown): string {
  if (!(err instanceof CorruptionError) || err instanceof WalCorruptionError) return '';
  return (
    '. To start anyway, run once with --repair: it rebuilds MANIFEST and CURRENT from the table files that pass their ' +
    'checks and moves damaged tables to <dir>/lost/ (see "Damaged data files" in README.md)'
  );
}

/** Runs the server; resolves once it is listening. Exits the process on fatal errors. */
export async function main(argv: readonly string[]): Promise<void> {
  const { configFile, options, repair, restore } = parseArguments(argv);
  let config: ServerConfig;
  try {
    config = loadConfig(configFile, options);
    // rename-command mistakes are config errors: report them before anything is opened.
    applyCommandRenames(commandTable(allCommands), config.renamedCommands);
    checkUserLines(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (StrataKV ${STRATAKV_VERSION}) ***\n`);
      process.stderr.write(`${err.source}:${err.line}: ${err.detail}\n`);
      if (err.directiveText !== '') process.stderr.write(`>>> '${err.directiveText}'\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = new Logger(config.loglevel, config.logfile);
  const absConfigFile = configFile === undefined ? undefined : path.resolve(configFile);
  const dir = path.resolve(config.dir);
  let lockFile: string | null = null;
  let pidFile: string | null = null;
  let db: Db | null = null;
  let keyspace: Keyspace | null = null;
  let server: Server | null = null;
  let admin: AdminServer | null = null;

  const fail = (message: string): never => {
    logger.warning(message);
    if (config.logfile !== '') process.stderr.write(message + '\n');
    if (lockFile) removeQuietly(lockFile);
    process.exit(1);
  };

  let closing: Promise<void> | null = null;
  const closeAll = (mode: ShutdownMode): Promise<void> => {
    if (closing) return closing;
    closing = (async () => {
      try {
        // The admin port stops taking requests now; those in flight finish while the engine is open.
        const adminClosed = admin ? admin.close() : Promise.resolve();
        if (server) await server.close();
        await adminClosed;
        if (keyspace) await keyspace.close();
        if (server && server.checkpoints.inProgress) {
          logger.notice('Waiting for the checkpoint in progress to complete...');
          await server.checkpoints.settled();
        }
        if (db) {
          logger.notice(mode === 'nosave' ? 'Closing the engine (the write-ahead log keeps every write)...' : 'Flushing and closing the engine...');
          await db.close();
        }
      } catch (err) {
        logger.warning(`Error while shutting down: ${(err as Error).stack ?? String(err)}`);
      } finally {
        if (pidFile) removeQuietly(pidFile);
        if (lockFile) removeQuietly(lockFile);
        logger.warning('StrataKV is now ready to exit, bye bye...');
        process.exit(0);
      }
    })();
    return closing;
  };

  // Redis' ACLLoadUsersAtStartup, tried on a scratch copy before anything is opened.
  const aclProblem = aclStartupProblem(config);
  if (aclProblem !== null) fail(aclProblem);

  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    fail(`Can't create the data directory ${dir}: ${(err as Error).message}`);
  }
  try {
    lockFile = acquireLock(dir);
  } catch (err) {
    fail(err instanceof StartupError ? err.message : `Can't lock the data directory ${dir}: ${(err as Error).message}`);
  }
  if (config.pidfile !== '') {
    pidFile = path.resolve(config.pidfile);
    try {
      writeFileSync(pidFile, `${process.pid}\n`);
    } catch (err) {
      logger.warning(`Failed to write PID file: ${(err as Error).message}`);
      pidFile = null;
    }
  }
  // Redis' banner, at its level (warning, so it shows whatever the loglevel).
  logger.warning('oO0OoO0OoO0Oo StrataKV is starting oO0OoO0OoO0Oo');
  logger.warning(`StrataKV version=${STRATAKV_VERSION}, redis_version=${REDIS_COMPAT_VERSION}, bits=${process.arch.endsWith('64') ? 64 : 32}, node=${process.version}, pid=${process.pid}, just started`);
  logger.warning(configFile === undefined ? 'Warning: no config file specified, using the default config. In order to specify a config file use bin/stratakv /path/to/stratakv.conf' : `Configuration loaded from ${absConfigFile}`);
  // Made before the engine opens, so its events (fsync, flush, compaction, stalls) are sampled from the start.
  const latencyMonitor = new LatencyMonitor(() => config.latencyMonitorThreshold);
  // Long work (this start, full compactions later) logs its progress and shows it on the admin port.
  const work = new LongOperations((message) => logger.notice(message));
  const startup = work.start('startup');
  if (config.adminPort !== 0) {
    // Listening before the data is opened: /readyz tells orchestrators how far a long start is.
    admin = new AdminServer(config, logger, work);
    try {
      await admin.listen(config.adminPort);
    } catch (err) {
      fail((err as Error).message);
    }
  }

  const started = Date.now();
  try {
    if (restore !== undefined) {
      startup.phase('restoring the checkpoint', 0, 'tables');
      const restored = await restoreCheckpoint(restore, dir, (copied, total, tables) => startup.advance(copied, tables, total)).catch((err: Error) =>
        fail(`Can't restore ${path.resolve(restore)} into ${dir}: ${err.message}`),
      );
      logger.notice(`Restored checkpoint ${path.resolve(restore)} into ${dir}: ${restored.tables} tables, ${restored.bytes} bytes, up to sequence ${restored.lastSequence}, in ${restored.millis} ms`);
    }
    if (repair) {
      startup.phase('repairing the data', 0);
      await repairDb({ dir, logger: (level, message) => logger.log(level, message) });
    }
    startup.phase('checking the tables', 0);
    verifyLiveTables({ dir });
    startup.phase('replaying the write-ahead log', 0, 'keys');
    db = await Db.open({
      dir,
      fsync: config.appendfsync,
      memtableSize: config.memtableSize,
      blockCacheSize: config.blockCacheSize,
      compactionRateLimit: config.compactionRateLimit,
      cacheIndexAndFilterBlocks: config.cacheIndexAndFilterBlocks,
      walTruncateCorrupt: config.walTruncateCorrupt || repair,
      // Tests set STRATAKV_BLOCK_READS=async so that every block read the cache misses waits
      // (the adaptive policy reads page-cache-hot blocks synchronously: a test could not tell).
      ...(process.env.STRATAKV_BLOCK_READS === 'async' ? { blockReads: 'async' as const } : {}),
      logger: (level, message) => logger.log(level, message),
      onEvent: (event, durationMs) => latencyMonitor.addIfNeeded(event, durationMs),
      onReplayProgress: (replayed, total, ops) => startup.advance(replayed, ops, total),
      ...keyspaceDbOptions(),
    });
    startup.phase('opening the keyspace', 0);
    keyspace = await Keyspace.open(db, { databases: config.databases, logger: (level, message) => logger.log(level, message) });
  } catch (err) {
    if (db) await db.close().catch(() => {});
    fail(`Failed to open the data in ${dir}: ${(err as Error).message}${wayOut(err)}`);
    return;
  }
  logger.notice(`Data loaded from ${dir} in ${((Date.now() - started) / 1000).toFixed(3)} seconds`);

  server = new Server({ config, db, keyspace, logger, commands: allCommands, configFile: absConfigFile, latencyMonitor, onShutdown: closeAll });
  try {
    startup.phase('loading the function libraries', 0);
    // Function libraries (FUNCTION LOAD) are part of the data: loaded before the first client.
    const libraries = await loadStoredFunctions(server);
    if (libraries > 0) logger.notice(`Done loading ${libraries} function ${libraries === 1 ? 'library' : 'libraries'}`);
  } catch (err) {
    await keyspace.close().catch(() => {});
    await db.close().catch(() => {});
    fail(`Failed to load the function libraries in ${dir}: ${(err as Error).message}`);
    return;
  }
  try {
    await server.listen();
  } catch (err) {
    await keyspace.close().catch(() => {});
    await db.close().catch(() => {});
    fail((err as Error).message);
    return;
  }
  admin?.attach(server);
  startup.finish();
  keyspace.startActiveExpiry();

  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warning(`Received ${signal} again, exiting now`);
      process.exit(1);
    }
    logger.warning(`Received ${signal} scheduling shutdown...`);
    void closeAll('default');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', (reason) => {
    logger.warning(`Unhandled promise rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  });
  logger.notice(`Running mode=standalone, port=${server.tcpPort}${server.tlsPort !== 0 ? `, tls-port=${server.tlsPort}` : ''}, dir=${dir}, appendfsync=${config.appendfsync}, memtable-size=${config.memtableSize}, block-cache-size=${config.blockCacheSize}.`);
  if (server.tcpPort !== 0) logger.notice(`Ready to accept connections tcp on ${config.bind.join(' ')} port ${server.tcpPort}`);
  if (server.tlsPort !== 0) logger.notice(`Ready to accept connections tls on ${config.bind.join(' ')} port ${server.tlsPort}`);
  if (admin !== null) logger.notice(`Admin HTTP port ready on ${config.bind.join(' ')} port ${admin.port} (/metrics /healthz /readyz /v1/kv /dashboard/)`);
}
