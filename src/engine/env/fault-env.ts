/**
 * An Env for tests that wraps a real one and misbehaves on request: failing fsyncs, failing
 * writes (ENOSPC), tearing an append in half as a crash would, and simulating power loss by
 * cutting every file back to what was last fsynced. Recovery code is only trustworthy once it
 * has been run against these.
 *
 * Durability model (deliberately simple): a file's durable length is its size at the start of
 * its last successful sync(), or its size when first opened in 'append' mode (pre-existing data
 * counts as durable). Directory syncs are counted but not modelled: a created file survives
 * power loss, emptied if it was never synced.
 */
import type { Env, RandomAccessFile, WorkerEnvSpec, WritableFile } from './env.js';

/** An Error shaped like the ones node:fs produces, with `code` set. */
export function injectedError(code: string, what: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: injected failure, ${what}`);
  error.code = code;
  return error;
}

/** What the fault env knows about one path, shared by every handle open on it. */
interface FileState {
  size: number;
  durable: number;
}

export class FaultInjectingEnv implements Env {
  /** Every sync() call on a WritableFile, failed ones included. */
  syncCount = 0;
  /** Every append() call on a WritableFile, failed ones included. */
  writeCount = 0;
  /** Every syncDir() call. */
  dirSyncCount = 0;

  private readonly files = new Map<string, FileState>();
  private readonly openFiles = new Set<FaultWritableFile>();
  private nextSyncFailure: { pathPart: string | undefined; error: Error } | null = null;
  private allSyncsFail = false;
  private writeError: Error | null = null;
  private tearKeepBytes: number | null = null;
  private crashError: Error | null = null;
  private linkError: Error | null = null;
  private compactionFaults: WorkerEnvSpec | undefined;

  constructor(readonly inner: Env) {}

  /**
   * The env a compaction worker builds from the faults it was sent (see workerEnvSpec): its
   * writes fail or tear as described, on the worker's own files.
   */
  static forWorker(inner: Env, spec: WorkerEnvSpec): FaultInjectingEnv {
    const env = new FaultInjectingEnv(inner);
    if (spec.failWritesWith !== undefined) env.failWrites(injectedError(spec.failWritesWith, 'write in the compaction worker'));
    if (spec.tearFirstAppendAt !== undefined) env.tearNextAppend(spec.tearFirstAppendAt);
    if (spec.failSyncs === true) env.failSyncs(true);
    return env;
  }

  /** Compactions started from now on run their I/O with these faults (undefined: none). */
  failCompactions(spec: WorkerEnvSpec | undefined): void {
    this.compactionFaults = spec;
  }

  workerEnvSpec(): WorkerEnvSpec | undefined {
    return this.compactionFaults;
  }

  /** While set, hard links fail with `error` (EXDEV: the copy fallback runs); null turns it off. */
  failLinks(error: Error | null): void {
    this.linkError = error;
  }

  /** The next file sync (on a path containing `pathPart`, if given) fails with `error` (default EIO). */
  failNextSync(pathPart?: string, error?: Error): void {
    this.nextSyncFailure = { pathPart, error: error ?? injectedError('EIO', `fsync${pathPart ? ` of *${pathPart}*` : ''}`) };
  }

  /** While on, every file and directory sync fails with EIO. */
  failSyncs(on: boolean): void {
    this.allSyncsFail = on;
  }

  /** While set, every append fails with `error` (e.g. an ENOSPC error) and writes nothing; null turns it off. */
  failWrites(error: Error | null): void {
    this.writeError = error;
  }

  /**
   * The next append writes only its first `keepBytes` bytes and fails with EIO; from then on
   * every append and sync (on any file) fails, as if the process had died mid-write. Cleared
   * by dropUnsyncedData() (the "reboot") or reset().
   */
  tearNextAppend(keepBytes: number): void {
    this.tearKeepBytes = keepBytes;
  }

  /** Whether a torn append has "crashed" this env. */
  get crashed(): boolean {
    return this.crashError !== null;
  }

  /** Turns every injected fault off. */
  reset(): void {
    this.nextSyncFailure = null;
    this.allSyncsFail = false;
    this.writeError = null;
    this.tearKeepBytes = null;
    this.crashError = null;
    this.linkError = null;
    this.compactionFaults = undefined;
  }

  /** The durable length tracked for `path`, or undefined if this env never opened it for writing. */
  durableLength(path: string): number | undefined {
    return this.files.get(path)?.durable;
  }

  /**
   * Power loss: closes every open writable file (later use of those handles fails), then cuts
   * every tracked file back to its durable length (files never synced become empty). Clears a
   * crash left by tearNextAppend, as a reboot would; other injected faults stay as they were.
   */
  async dropUnsyncedData(): Promise<void> {
    const open = [...this.openFiles];
    this.openFiles.clear();
    for (const file of open) await file.loseHandle();
    for (const [path, state] of this.files) {
      if (!this.inner.exists(path)) continue;
      if (this.inner.fileSize(path) > state.durable) await this.inner.truncate(path, state.durable);
      state.size = state.durable;
    }
    this.crashError = null;
    this.tearKeepBytes = null;
  }

  // ---- Env ----

  async openWritable(path: string, mode: 'truncate' | 'append'): Promise<WritableFile> {
    const innerFile = await this.inner.openWritable(path, mode);
    let state = this.files.get(path);
    if (state === undefined) {
      state = { size: innerFile.size, durable: mode === 'append' ? innerFile.size : 0 };
      this.files.set(path, state);
    } else if (mode === 'truncate') {
      state.size = 0;
      state.durable = 0;
    }
    const file = new FaultWritableFile(this, innerFile, state);
    this.openFiles.add(file);
    return file;
  }

  openRandomAccess(path: string): RandomAccessFile {
    return this.inner.openRandomAccess(path);
  }

  readFileSync(path: string): Buffer {
    return this.inner.readFileSync(path);
  }

  exists(path: string): boolean {
    return this.inner.exists(path);
  }

  readdir(dir: string): string[] {
    return this.inner.readdir(dir);
  }

  mkdirp(dir: string): void {
    this.inner.mkdirp(dir);
  }

  fileSize(path: string): number {
    return this.inner.fileSize(path);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.inner.rename(from, to);
    const state = this.files.get(from);
    this.files.delete(from);
    if (state !== undefined) this.files.set(to, state);
    else this.files.delete(to);
  }

  async unlink(path: string): Promise<void> {
    await this.inner.unlink(path);
    this.files.delete(path);
  }

  async truncate(path: string, length: number): Promise<void> {
    await this.inner.truncate(path, length);
    const state = this.files.get(path);
    if (state !== undefined) {
      state.size = length;
      state.durable = Math.min(state.durable, length);
    }
  }

  async syncDir(dir: string): Promise<void> {
    this.dirSyncCount++;
    if (this.allSyncsFail) throw injectedError('EIO', `fsync of directory ${dir}`);
    await this.inner.syncDir(dir);
  }

  async link(from: string, to: string): Promise<void> {
    if (this.linkError !== null) throw this.linkError;
    await this.inner.link(from, to);
  }

  /**
   * A copy is writes and a sync: a write fault leaves an empty `to` behind and fails, as a full
   * disk does to a copy that got its file created; a sync fault fails after the copy.
   */
  async copyFileDurably(from: string, to: string): Promise<void> {
    const fault = this.beforeAppend(to, this.inner.fileSize(from));
    if (fault !== null) {
      const file = await this.inner.openWritable(to, 'truncate');
      await file.close();
      throw fault.error;
    }
    const syncError = this.beforeSync(to);
    await this.inner.copyFileDurably(from, to);
    if (syncError !== null) throw syncError;
  }

  async removeTree(dir: string): Promise<void> {
    await this.inner.removeTree(dir);
    for (const path of [...this.files.keys()]) if (path.startsWith(dir + '/')) this.files.delete(path);
  }

  // ---- hooks for FaultWritableFile ----

  /** Decides the fate of an append: null to pass it through, else how many bytes to keep and the error to fail with. */
  beforeAppend(path: string, length: number): { keep: number; error: Error } | null {
    this.writeCount++;
    if (this.crashError !== null) return { keep: 0, error: this.crashError };
    if (this.writeError !== null) return { keep: 0, error: this.writeError };
    if (this.tearKeepBytes !== null) {
      const keep = Math.min(this.tearKeepBytes, length);
      this.tearKeepBytes = null;
      this.crashError = injectedError('EIO', `torn append to ${path} (process "crashed" after ${keep} of ${length} bytes)`);
      return { keep, error: this.crashError };
    }
    return null;
  }

  /** The error a sync of `path` must fail with, or null to let it through. */
  beforeSync(path: string): Error | null {
    this.syncCount++;
    if (this.crashError !== null) return this.crashError;
    if (this.allSyncsFail) return injectedError('EIO', `fsync of ${path}`);
    const next = this.nextSyncFailure;
    if (next !== null && (next.pathPart === undefined || path.includes(next.pathPart))) {
      this.nextSyncFailure = null;
      return next.error;
    }
    return null;
  }

  forget(file: FaultWritableFile): void {
    this.openFiles.delete(file);
  }
}

class FaultWritableFile implements WritableFile {
  private lostError: Error | null = null;

  constructor(
    private readonly env: FaultInjectingEnv,
    private readonly inner: WritableFile,
    private readonly state: FileState,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  get size(): number {
    return this.state.size;
  }

  append(data: Buffer): Promise<void> {
    if (this.lostError !== null) return Promise.reject(this.lostError);
    const fault = this.env.beforeAppend(this.path, data.length);
    if (fault === null) {
      this.state.size += data.length;
      return this.inner.append(data);
    }
    if (fault.keep === 0) return Promise.reject(fault.error);
    this.state.size += fault.keep;
    return this.inner.append(data.subarray(0, fault.keep)).then(() => Promise.reject(fault.error));
  }

  appendSync(data: Buffer): void {
    if (this.lostError !== null) throw this.lostError;
    const fault = this.env.beforeAppend(this.path, data.length);
    if (fault === null) {
      this.inner.appendSync(data);
      this.state.size += data.length;
      return;
    }
    if (fault.keep > 0) {
      this.inner.appendSync(data.subarray(0, fault.keep));
      this.state.size += fault.keep;
    }
    throw fault.error;
  }

  async sync(): Promise<void> {
    if (this.lostError !== null) throw this.lostError;
    const error = this.env.beforeSync(this.path);
    if (error !== null) throw error;
    const target = this.state.size;
    await this.inner.sync();
    if (target > this.state.durable) this.state.durable = target;
  }

  async close(): Promise<void> {
    this.env.forget(this);
    if (this.lostError !== null) return;
    await this.inner.close();
  }

  /** Power loss: the handle is gone; pending writes finish first so they cannot land after the truncation. */
  async loseHandle(): Promise<void> {
    if (this.lostError !== null) return;
    this.lostError = injectedError('EIO', `handle of ${this.path} lost in a simulated power loss`);
    await this.inner.close().catch(() => undefined);
  }
}
