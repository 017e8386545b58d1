/**
 * SAVE and BGSAVE as checkpoints of the data directory (Db.checkpoint): each goes to
 * `dir/checkpoints/<UTC start time>`, one runs at a time (a second gets Redis' "Background save
 * already in progress"), only the newest `checkpoint-keep` are kept, and the outcome feeds
 * LASTSAVE and INFO persistence. Log lines follow Redis' ("Background saving started", "DB saved
 * on disk", "Background saving terminated with success").
 *
 * The server makes one and offers it to the SAVE/BGSAVE/INFO commands as ServerControl.checkpoints;
 * the launcher waits for it at shutdown.
 */
import { readdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointControl, ServerContext } from '../commands/types.js';
import type { CheckpointInfo } from '../engine/db.js';

/** Sub-directory of the data directory holding the checkpoints. */
export const CHECKPOINTS_DIR = 'checkpoints';
/** `20261122T021726.106Z` (the UTC start time, ISO 8601 basic format), `-2`... on a clash: names sort in time order. */
const CHECKPOINT_NAME = /^\d{8}T\d{6}\.\d{3}Z(-\d+)?$/;
const TEMP_SUFFIX = '.tmp';

/** Why a checkpoint cannot start now; the message is Redis' error text (after "ERR "). */
export class SaveInProgressError extends Error {
  constructor() {
    super('Background save already in progress');
    this.name = 'SaveInProgressError';
  }
}

export type SaveKind = 'save' | 'bgsave';

export class Checkpoints implements CheckpointControl {
  /** Checkpoints started by this process (INFO rdb_saves counts SAVE and BGSAVE, as Redis). */
  saves = 0;
  lastStatus: 'ok' | 'err' = 'ok';
  /** Duration of the last checkpoint, whole seconds; -1 before the first (rdb_last_bgsave_time_sec). */
  lastDurationSec = -1;
  /** Absolute path of the newest complete checkpoint; '' when there is none. */
  lastDir = '';
  private running: Promise<CheckpointInfo> | null = null;
  private startedAt = 0;

  constructor(private readonly server: ServerContext) {
    const newest = listCheckpoints(this.root).pop();
    if (newest !== undefined) this.lastDir = path.join(this.root, newest);
  }

  /** `<dir>/checkpoints` (the engine's directory is absolute). */
  get root(): string {
    return path.join(this.server.db.dir, CHECKPOINTS_DIR);
  }

  get inProgress(): boolean {
    return this.running !== null;
  }

  /** Seconds the running checkpoint has taken so far, -1 when none runs (rdb_current_bgsave_time_sec). */
  currentSeconds(): number {
    return this.running === null ? -1 : Math.floor((Date.now() - this.startedAt) / 1000);
  }

  /**
   * Starts a checkpoint of the data as it is now. Throws SaveInProgressError while one runs;
   * otherwise resolves with the checkpoint once it is complete and durable, or rejects.
   */
  start(kind: SaveKind): Promise<CheckpointInfo> {
    if (this.running !== null) throw new SaveInProgressError();
    this.saves++;
    this.startedAt = Date.now();
    const target = this.freshTarget(new Date(this.startedAt));
    // Called in the same synchronous step as the command, so the checkpoint is the data as of
    // the command: Db.checkpoint captures it before its first await.
    const checkpoint = this.server.db.checkpoint(target);
    if (kind === 'bgsave') this.server.logger.notice(`Background saving started: checkpoint ${target}`);
    this.running = this.finish(kind, checkpoint).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Resolves once no checkpoint is running (whatever its outcome). */
  async settled(): Promise<void> {
    if (this.running !== null) await this.running.catch(() => undefined);
  }

  private async finish(kind: SaveKind, checkpoint: Promise<CheckpointInfo>): Promise<CheckpointInfo> {
    const logger = this.server.logger;
    let info: CheckpointInfo;
    try {
      info = await checkpoint;
    } catch (err) {
      this.lastStatus = 'err';
      this.lastDurationSec = Math.round((Date.now() - this.startedAt) / 1000);
      logger.warning(`${kind === 'bgsave' ? 'Background saving error' : 'Error saving DB on disk'}: ${(err as Error).message}`);
      throw err;
    }
    const elapsedMs = Date.now() - this.startedAt;
    this.lastStatus = 'ok';
    this.lastDurationSec = Math.round(elapsedMs / 1000);
    this.lastDir = info.dir;
    this.server.lastSave = Math.floor(Date.now() / 1000);
    logger.notice(
      `DB saved on disk: checkpoint ${info.dir} (${info.tables} tables, ${info.bytes} bytes, ${info.linked} linked, ${info.copied} copied, ` +
        `up to sequence ${info.lastSequence}) in ${elapsedMs} ms`,
    );
    if (kind === 'bgsave') logger.notice('Background saving terminated with success');
    await this.prune().catch((err: Error) => logger.warning(`Could not delete old checkpoints in ${this.root}: ${err.message}`));
    return info;
  }

  /** `<root>/<UTC time>`, with a suffix if a checkpoint of the same millisecond exists. */
  private freshTarget(time: Date): string {
    const base = time.toISOString().replace(/[-:]/g, '');
    const taken = new Set(listCheckpoints(this.root));
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    return path.join(this.root, name);
  }

  /** Keeps the newest `checkpoint-keep` checkpoints; deletes older ones and temp dirs left by crashes. */
  private async prune(): Promise<void> {
    const names = await readdir(this.root);
    const complete = names.filter((n) => CHECKPOINT_NAME.test(n)).sort();
    const doomed = complete.slice(0, Math.max(0, complete.length - this.server.config.checkpointKeep));
    for (const name of names) if (name.endsWith(TEMP_SUFFIX) && CHECKPOINT_NAME.test(name.slice(0, -TEMP_SUFFIX.length))) doomed.push(name);
    for (const name of doomed) {
      this.server.logger.verbose(`Deleting old checkpoint ${path.join(this.root, name)}`);
      await rm(path.join(this.root, name), { recursive: true, force: true });
    }
  }
}

/** Complete checkpoints in `root`, oldest first. */
function listCheckpoints(root: string): string[] {
  try {
    return readdirSync(root).filter((n) => CHECKPOINT_NAME.test(n)).sort();
  } catch {
    return [];
  }
}
