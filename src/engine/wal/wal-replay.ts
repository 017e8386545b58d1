/**
 * Recovery: replays WAL segments into the caller's memtable, in order, and decides what to do
 * with damage. A torn tail of the newest segment is the normal leftover of a crash and is cut
 * off; anything else means acknowledged data may be gone, so we stop unless the operator asked
 * for the lossy repair.
 */
import { join } from 'node:path';
import type { Env } from '../env/env.js';
import { CorruptionError } from '../errors.js';
import type { BatchOp, EngineLogger, SequenceNumber } from '../types.js';
import { decodeBatch } from './batch-codec.js';
import { LogRecordReader } from './log-format.js';
import { TimeSlice } from '../../util/time-slice.js';
import { walFileName } from './wal-writer.js';

export interface ReplayOptions {
  env: Env;
  dir: string;
  /** Segment numbers to replay, ascending. */
  segments: number[];
  /** Repair mode (`wal-truncate-corrupt` / --repair): cut at the damage and drop later segments. */
  truncateCorrupt: boolean;
  logger?: EngineLogger;
  /**
   * Told how far the replay is (bytes of the segments replayed, of all; ops applied) every
   * REPLAY_SLICE_MS or so and at the end. Replay gives the event loop a turn at those points, so
   * that a process replaying a big log still answers its health and readiness probes.
   */
  onProgress?: (replayedBytes: number, totalBytes: number, ops: number) => void;
}

/** The longest replay runs without letting the event loop serve anything else. */
const REPLAY_SLICE_MS = 50;

export interface ReplayResult {
  batches: number;
  /** Sequence number of the last op replayed; 0 if nothing was replayed. */
  lastSequence: SequenceNumber;
  /** Whether any segment was truncated or deleted. */
  truncated: boolean;
}

/** Damage in the WAL that recovery will not silently skip. */
export class WalCorruptionError extends CorruptionError {
  constructor(file: string, offset: number, detail: string) {
    super(
      file,
      offset,
      `${detail}. Records after this point cannot be trusted; to start anyway and discard them ` +
        `(this file from this offset on and every later WAL segment), set the ` +
        `\`wal-truncate-corrupt yes\` option or start with --repair`,
    );
    this.name = 'WalCorruptionError';
  }
}

export async function replayWal(
  options: ReplayOptions,
  apply: (firstSeq: SequenceNumber, ops: BatchOp[]) => void,
): Promise<ReplayResult> {
  const { env, dir, segments, logger } = options;
  const paths = segments.map((n) => join(dir, walFileName(n)));
  // A torn tail is expected only in the newest segment that holds anything; empty segments
  // after it (created by a rotation just before the crash) do not make it "older".
  let lastNonEmpty = paths.length - 1;
  while (lastNonEmpty > 0 && env.fileSize(paths[lastNonEmpty]) === 0) lastNonEmpty--;

  let batches = 0;
  let ops = 0;
  let lastSequence: SequenceNumber = 0;
  const totalBytes = paths.reduce((sum, p) => sum + env.fileSize(p), 0);
  let bytesBefore = 0;
  const slice = new TimeSlice(REPLAY_SLICE_MS);
  for (let index = 0; index < paths.length; index++) {
    const path = paths[index];
    const data = env.readFileSync(path);
    const reader = new LogRecordReader(data);
    let damage: LogRecordReader['damage'] = null;
    for (let offset = reader.offset, payload = reader.next(); payload !== null; offset = reader.offset, payload = reader.next()) {
      let batch: { firstSeq: SequenceNumber; ops: BatchOp[] };
      try {
        batch = decodeBatch(payload, path, offset);
      } catch (error) {
        if (!(error instanceof CorruptionError)) throw error;
        // A record with a good checksum but a malformed batch: treat it like corruption there.
        const prefix = `corruption in ${path} at offset ${offset}: `;
        const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
        damage = { kind: 'corrupt', offset, detail: `record with a valid checksum holds ${detail}` };
        break;
      }
      apply(batch.firstSeq, batch.ops);
      batches++;
      ops += batch.ops.length;
      if (batch.ops.length > 0) lastSequence = Math.max(lastSequence, batch.firstSeq + batch.ops.length - 1);
      if (options.onProgress !== undefined && (batches & 31) === 0 && slice.due) {
        options.onProgress(bytesBefore + reader.offset, totalBytes, ops);
        await slice.yieldTurn();
      }
    }
    damage ??= reader.damage;
    bytesBefore += data.length;
    options.onProgress?.(bytesBefore, totalBytes, ops);
    if (damage === null) continue;

    const droppedHere = data.length - damage.offset;
    if (damage.kind === 'torn-tail' && index >= lastNonEmpty) {
      logger?.(
        'warning',
        `WAL ${path}: torn tail at offset ${damage.offset} (${damage.detail}); truncating ${droppedHere} bytes of an unfinished write`,
      );
      await truncateDurably(env, path, damage.offset);
      return { batches, lastSequence, truncated: true };
    }
    const detail = damage.kind === 'torn-tail' ? `torn record in a WAL segment that is not the newest (${damage.detail})` : damage.detail;
    if (!options.truncateCorrupt) throw new WalCorruptionError(path, damage.offset, detail);

    let droppedBytes = droppedHere;
    const later = paths.slice(index + 1);
    for (const laterPath of later) droppedBytes += env.fileSize(laterPath);
    logger?.(
      'warning',
      `WAL ${path}: ${detail} at offset ${damage.offset}; wal-truncate-corrupt is set, so dropping ${droppedBytes} bytes: ` +
        `${droppedHere} from this segment and ${later.length} later segment(s)`,
    );
    await truncateDurably(env, path, damage.offset);
    for (const laterPath of later) await env.unlink(laterPath);
    await env.syncDir(dir);
    return { batches, lastSequence, truncated: true };
  }
  return { batches, lastSequence, truncated: false };
}

/**
 * Truncation must be durable before new segments are written: if it were lost in a crash, the
 * old torn tail would reappear in a segment that is no longer the newest and block the next open.
 */
async function truncateDurably(env: Env, path: string, length: number): Promise<void> {
  await env.truncate(path, length);
  const file = await env.openWritable(path, 'append');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}
