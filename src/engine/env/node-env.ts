import * as fs from 'node:fs';
import { copyFile, open, rm } from 'node:fs/promises';
import type { Env, RandomAccessFile, WritableFile } from './env.js';

/**
 * Env over node:fs. Uses the callback and sync APIs rather than fs.promises: FileHandle adds a
 * promise and an object per call on the hot read path, and measured slower.
 */
export class NodeEnv implements Env {
  openWritable(path: string, mode: 'truncate' | 'append'): Promise<WritableFile> {
    // No O_APPEND: on Linux pwrite ignores the position under O_APPEND, and we write at explicit
    // positions so that an append's place in the file is fixed the moment it is called.
    const flags =
      fs.constants.O_WRONLY | fs.constants.O_CREAT | (mode === 'truncate' ? fs.constants.O_TRUNC : 0);
    return new Promise((resolve, reject) => {
      fs.open(path, flags, 0o644, (openError, fd) => {
        if (openError) return reject(openError);
        if (mode === 'truncate') return resolve(new NodeWritableFile(path, fd, 0));
        fs.fstat(fd, (statError, stats) => {
          if (statError) {
            fs.close(fd, () => reject(statError));
            return;
          }
          resolve(new NodeWritableFile(path, fd, stats.size));
        });
      });
    });
  }

  openRandomAccess(path: string): RandomAccessFile {
    const fd = fs.openSync(path, 'r');
    try {
      return new NodeRandomAccessFile(path, fd, fs.fstatSync(fd).size);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  readFileSync(path: string): Buffer {
    return fs.readFileSync(path);
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  readdir(dir: string): string[] {
    return fs.readdirSync(dir);
  }

  mkdirp(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
  }

  fileSize(path: string): number {
    return fs.statSync(path).size;
  }

  rename(from: string, to: string): Promise<void> {
    return new Promise((resolve, reject) => fs.rename(from, to, (error) => (error ? reject(error) : resolve())));
  }

  unlink(path: string): Promise<void> {
    return new Promise((resolve, reject) =>
      fs.unlink(path, (error) => (error && error.code !== 'ENOENT' ? reject(error) : resolve())),
    );
  }

  truncate(path: string, length: number): Promise<void> {
    return new Promise((resolve, reject) => fs.truncate(path, length, (error) => (error ? reject(error) : resolve())));
  }

  link(from: string, to: string): Promise<void> {
    return new Promise((resolve, reject) => fs.link(from, to, (error) => (error ? reject(error) : resolve())));
  }

  async copyFileDurably(from: string, to: string): Promise<void> {
    await copyFile(from, to, fs.constants.COPYFILE_FICLONE);
    const handle = await open(to, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  removeTree(dir: string): Promise<void> {
    return rm(dir, { recursive: true, force: true });
  }

  syncDir(dir: string): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.open(dir, fs.constants.O_RDONLY, (openError, fd) => {
        if (openError) return reject(openError);
        fs.fsync(fd, (syncError) => {
          fs.close(fd, (closeError) => {
            const error = syncError ?? closeError;
            if (error) reject(error);
            else resolve();
          });
        });
      });
    });
  }
}

class NodeWritableFile implements WritableFile {
  size: number;
  /**
   * Every append chains onto the previous one, which keeps them in call order and lets sync and
   * close wait for exactly the appends issued before them. A failed append rejects everything
   * chained after it: once a write failed we no longer know what the file holds.
   */
  private lastWrite: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly path: string,
    private readonly fd: number,
    initialSize: number,
  ) {
    this.size = initialSize;
  }

  append(data: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`append to closed file ${this.path}`));
    const position = this.size;
    this.size += data.length;
    this.lastWrite = this.lastWrite.then(() => writeFully(this.fd, data, position));
    return this.lastWrite;
  }

  appendSync(data: Buffer): void {
    if (this.closed) throw new Error(`append to closed file ${this.path}`);
    const position = this.size;
    let done = 0;
    while (done < data.length) {
      const written = fs.writeSync(this.fd, data, done, data.length - done, position + done);
      if (written === 0) throw new Error(`write made no progress at offset ${position + done}`);
      done += written;
    }
    this.size += data.length;
  }

  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`sync of closed file ${this.path}`));
    return this.lastWrite.then(() => fdatasync(this.fd));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    const closeFd = (): Promise<void> =>
      new Promise((resolve, reject) => fs.close(this.fd, (error) => (error ? reject(error) : resolve())));
    // Close the descriptor even after a failed write, then report the write failure.
    return this.lastWrite.then(closeFd, (writeError: unknown) => closeFd().then(() => Promise.reject(writeError)));
  }
}

/** pwrite until every byte is written (a regular file may take a short write, e.g. near ENOSPC). */
function writeFully(fd: number, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const step = (error: NodeJS.ErrnoException | null, written: number): void => {
      if (error) return reject(error);
      done += written;
      if (done >= data.length) return resolve();
      if (written === 0) return reject(new Error(`write made no progress at offset ${position + done}`));
      fs.write(fd, data, done, data.length - done, position + done, step);
    };
    if (data.length === 0) return resolve();
    fs.write(fd, data, 0, data.length, position, step);
  });
}

function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

class NodeRandomAccessFile implements RandomAccessFile {
  constructor(
    readonly path: string,
    private readonly fd: number,
    readonly size: number,
  ) {}

  read(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    return new Promise((resolve, reject) => {
      fs.read(this.fd, buffer, 0, length, position, (error, bytesRead) => {
        if (error) reject(error);
        else resolve(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
      });
    });
  }

  readSync(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    const bytesRead = fs.readSync(this.fd, buffer, 0, length, position);
    return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
  }

  readSyncInto(target: Buffer, position: number): number {
    return fs.readSync(this.fd, target, 0, target.length, position);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
