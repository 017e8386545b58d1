/**
 * MANIFEST files and the CURRENT pointer (docs/format.md, "Manifest and CURRENT").
 *
 * A manifest is a log of version edits whose first record is a full snapshot. The database
 * switches manifests by writing the new one completely and durably first and only then
 * atomically renaming CURRENT to point at it, so a crash at any instant leaves CURRENT naming a
 * complete manifest: the old version or the new one, never a mix.
 */
import { join } from 'node:path';
import type { Env, WritableFile } from '../env/env.js';
import { CorruptionError } from '../errors.js';
import type { EngineLogger } from '../types.js';
import { RECORD_HEADER_SIZE, encodeRecord, readLogRecords } from '../wal/log-format.js';
import { decodeVersionEdit, encodeVersionEdit, type VersionEdit } from './version-edit.js';

const CURRENT = 'CURRENT';
const CURRENT_TEMP = 'CURRENT.tmp';
const CURRENT_CONTENT = /^(MANIFEST-(\d+))\n?$/;

/** 'MANIFEST-000005' */
export function manifestFileName(manifestNumber: number): string {
  return `MANIFEST-${String(manifestNumber).padStart(6, '0')}`;
}

export class ManifestWriter {
  /**
   * Writes MANIFEST-n holding `snapshot` (the full state), makes it durable, then switches
   * CURRENT to it (CURRENT.tmp + fsync + rename + directory fsync).
   */
  static async create(env: Env, dir: string, manifestNumber: number, snapshot: VersionEdit): Promise<ManifestWriter> {
    const name = manifestFileName(manifestNumber);
    const file = await env.openWritable(join(dir, name), 'truncate');
    try {
      await file.append(encodeRecord(encodeVersionEdit(snapshot)));
      await file.sync();
      // The new manifest's directory entry must be durable before CURRENT can point at it.
      await env.syncDir(dir);
      await writeCurrent(env, dir, name);
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
    return new ManifestWriter(file);
  }

  /** Resolves when the previous append has finished; never rejects (failures live in `failure`). */
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  private constructor(private readonly file: WritableFile) {}

  /** True once an append failed: the owner must start a fresh manifest from its in-memory state. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Bytes in the manifest, counting edits still being written; roll to a new manifest when it grows too big. */
  get size(): number {
    return this.file.size;
  }

  /**
   * Appends one edit and fsyncs it. Edits are written one at a time in call order. After a
   * failure every later append rejects with it: the in-memory version and the manifest may have
   * diverged, and only writing a fresh manifest from the in-memory state repairs that.
   */
  append(edit: VersionEdit): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const record = encodeRecord(encodeVersionEdit(edit));
    const done = this.tail.then(() => {
      if (this.failure !== null) throw this.failure;
      return this.file.append(record).then(() => this.file.sync());
    });
    this.tail = done.then(
      () => undefined,
      (error: unknown) => {
        if (this.failure === null) this.failure = error;
      },
    );
    return done;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.file.close();
  }
}

async function writeCurrent(env: Env, dir: string, manifestName: string): Promise<void> {
  const tempPath = join(dir, CURRENT_TEMP);
  const temp = await env.openWritable(tempPath, 'truncate');
  try {
    await temp.append(Buffer.from(`${manifestName}\n`, 'latin1'));
    await temp.sync();
  } finally {
    await temp.close();
  }
  await env.rename(tempPath, join(dir, CURRENT));
  await env.syncDir(dir);
}

/**
 * Reads the manifest CURRENT names: its number and all its edits, snapshot first. Null when
 * there is no CURRENT (a new database). A torn last record is an edit that was never
 * acknowledged and is ignored (with a log line); any other damage is a CorruptionError.
 */
export function readCurrentManifest(
  env: Env,
  dir: string,
  logger?: EngineLogger,
): { manifestNumber: number; edits: VersionEdit[] } | null {
  const currentPath = join(dir, CURRENT);
  if (!env.exists(currentPath)) return null;
  const content = env.readFileSync(currentPath).toString('latin1');
  const match = CURRENT_CONTENT.exec(content);
  if (match === null) {
    throw new CorruptionError(currentPath, 0, `expected "MANIFEST-<number>\\n", found ${JSON.stringify(content.slice(0, 80))}`);
  }
  const manifestName = match[1];
  const manifestNumber = Number(match[2]);
  const manifestPath = join(dir, manifestName);
  if (!env.exists(manifestPath)) {
    throw new CorruptionError(currentPath, 0, `CURRENT names ${manifestName}, which does not exist`);
  }

  const { records, damage } = readLogRecords(env.readFileSync(manifestPath));
  if (damage !== null) {
    if (damage.kind === 'corrupt') throw new CorruptionError(manifestPath, damage.offset, damage.detail);
    logger?.(
      'warning',
      `manifest ${manifestPath}: ignoring a torn tail at offset ${damage.offset} (${damage.detail}); ` +
        `the edit being written there was never acknowledged`,
    );
  }
  if (records.length === 0) {
    throw new CorruptionError(manifestPath, 0, 'the manifest holds no complete snapshot record');
  }
  const edits: VersionEdit[] = [];
  let offset = 0;
  for (const payload of records) {
    edits.push(decodeVersionEdit(payload, manifestPath, offset));
    offset += RECORD_HEADER_SIZE + payload.length;
  }
  return { manifestNumber, edits };
}
