/**
 * Helpers shared by engine tests: temporary data directories removed after the file's suite,
 * and Db options small enough that a few thousand writes make several flushes, L0 compactions
 * and two levels.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DbOptions } from '../../src/engine/db.js';

export interface TempDirs {
  /** A new empty directory under the OS temp dir. */
  make(): string;
  /** Removes every directory made so far (call from test.after). */
  removeAll(): void;
}

export function tempDirs(prefix: string): TempDirs {
  const dirs: string[] = [];
  return {
    make() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function smallDbOptions(dir: string): DbOptions {
  return { dir, memtableSize: 64 * 1024, l0CompactionTrigger: 2, levelBaseBytes: 128 * 1024, targetFileSize: 32 * 1024, blockSize: 1024 };
}
