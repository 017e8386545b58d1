/**
 * The engine's only door to the file system. Every read, write, fsync, rename and delete the
 * engine does goes through an Env, so tests can swap in one that fails syncs, tears writes or
 * forgets unsynced data (see fault-env.ts) and prove that recovery copes.
 */

/** A file written strictly at its end. */
export interface WritableFile {
  readonly path: string;
  /** Bytes appended so far, counting appends that have not completed yet. */
  readonly size: number;
  /** Appends at the end; resolves once the OS has the bytes (not durable). Appends apply in call order. */
  append(data: Buffer): Promise<void>;
  /**
   * Appends synchronously: the OS has the bytes when it returns (throws on failure). Used by the WAL
   * for its group write, which is a small copy into the page cache: doing it inline, as Redis does
   * with its AOF buffer, saves a thread-pool round trip on every acknowledged write. Must not be
   * mixed with a pending `append` on the same file.
   */
  appendSync(data: Buffer): void;
  /** fdatasync: everything appended before this call is durable when it resolves. */
  sync(): Promise<void>;
  /** Waits for pending appends, then closes. Does not sync. */
  close(): Promise<void>;
}

/** An immutable file read at arbitrary offsets (tables, whole logs). */
export interface RandomAccessFile {
  readonly path: string;
  readonly size: number;
  /** pread; the result is shorter than `length` only at the end of the file. */
  read(position: number, length: number): Promise<Buffer>;
  readSync(position: number, length: number): Buffer;
  /**
   * pread into `target` (from its start, target.length bytes); returns the bytes read. Optional:
   * it lets a caller time the read alone, without the allocation of its buffer (which may run a
   * step of garbage collection), as the adaptive read policy does.
   */
  readSyncInto?(target: Buffer, position: number): number;
  close(): void;
}

export interface Env {
  /** Creates the file if missing; 'truncate' empties it, 'append' continues at its end. */
  openWritable(path: string, mode: 'truncate' | 'append'): Promise<WritableFile>;
  /** Opens synchronously; throws ENOENT as usual. */
  openRandomAccess(path: string): RandomAccessFile;
  readFileSync(path: string): Buffer;
  exists(path: string): boolean;
  /** Entry names (not paths) of a directory. */
  readdir(dir: string): string[];
  mkdirp(dir: string): void;
  fileSize(path: string): number;
  rename(from: string, to: string): Promise<void>;
  /** A missing file is not an error. */
  unlink(path: string): Promise<void>;
  truncate(path: string, length: number): Promise<void>;
  /** fsyncs the directory so creates, renames and unlinks in it are durable. */
  syncDir(dir: string): Promise<void>;
  /** Hard-links `from` as `to`; fails with the OS's error (EXDEV across file systems, say). */
  link(from: string, to: string): Promise<void>;
  /** Copies `from` to `to` (a reflink where the file system offers one) and fsyncs the copy. */
  copyFileDurably(from: string, to: string): Promise<void>;
  /** Removes a directory and everything in it; a missing one is not an error. */
  removeTree(dir: string): Promise<void>;
  /**
   * How the compaction worker thread builds its own Env to behave like this one (an Env cannot
   * cross threads): undefined for plain files, else a description it can rebuild from (the fault
   * injecting env's faults meant for compactions).
   */
  workerEnvSpec?(): WorkerEnvSpec | undefined;
}

/** What a worker thread needs to rebuild a fault-injecting Env: the faults, as plain data. */
export interface WorkerEnvSpec {
  /** Every append fails with this error code (e.g. ENOSPC) and writes nothing. */
  readonly failWritesWith?: string;
  /** The first append writes only this many bytes and fails with EIO; every later one fails. */
  readonly tearFirstAppendAt?: number;
  /** Every file sync fails with EIO. */
  readonly failSyncs?: boolean;
}
