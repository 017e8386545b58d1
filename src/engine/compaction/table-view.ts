/**
 * What a compaction filter may read besides the entry it judges: point lookups in the tables of
 * the version the compaction was planned on.
 *
 * Why a filter needs it. A layer above may store records whose liveness depends on another
 * record: the keyspace's collection members are alive only while their key's metadata names their
 * version (docs/format.md, "Collections"). Its filter looks that record up here. The engine knows
 * nothing of what the keys mean; it only answers "what is the newest value of this key in these
 * tables".
 *
 * What it does not see: memtables (they live on the serving thread) and tables written after the
 * plan. A filter must therefore only drop what a lookup here proves dead for good, never what it
 * merely fails to find alive (the keyspace's argument for its members is in docs/format.md).
 *
 * Runs inside the compaction worker, reading synchronously. The readers stay open across jobs
 * (a big collection is compacted many times) and are closed once a plan no longer lists their
 * table. Their filters and indexes, and the blocks lookups read, go through a small block cache
 * of the pool's own (partitions, as on the serving thread): readers kept open for every table a
 * lookup touched would otherwise hold all their filters and indexes in the worker, outside any
 * budget (~2-3 bytes per key of the database).
 */
import { BlockCache } from '../cache/block-cache.js';
import type { Env } from '../env/env.js';
import { DEFAULTS } from '../options.js';
import { TableReader } from '../sstable/table-reader.js';
import { EntryKind, type BinaryKey, type FoundEntry, type SequenceNumber } from '../types.js';

/** One table as a view needs it: its number and key range. */
export interface ViewFile {
  fileNumber: number;
  smallest: BinaryKey;
  largest: BinaryKey;
}

/** A version's tables by level: level 0 newest first (they overlap), deeper levels sorted and disjoint. */
export type ViewLevels = readonly (readonly ViewFile[])[];

/** Point lookups for a compaction filter. */
export interface KeyLookup {
  /**
   * The value of `key` as a reader at the compaction's smallest snapshot finds it in the view's
   * tables, or undefined if it is absent or deleted there. Every live reader reads at that
   * snapshot or later, so what is dead here (and stays dead) is dead for all of them.
   */
  get(key: BinaryKey): Buffer | undefined;
}

/** Table readers opened for lookups, shared by the jobs of one worker. */
export class ReaderPool {
  private readonly readers = new Map<number, TableReader>();
  private readonly cache = new BlockCache(DEFAULTS.compactionLookupCacheSize);

  constructor(private readonly env: Env) {}

  /** The reader of a table, opened on first use (synchronous reads, filter and index through the pool's cache). */
  reader(dir: string, fileNumber: number): TableReader {
    let reader = this.readers.get(fileNumber);
    if (reader === undefined) {
      reader = TableReader.open(this.env, dir, fileNumber, this.cache, { syncReads: true, cacheMeta: true });
      this.readers.set(fileNumber, reader);
    }
    return reader;
  }

  /** Closes the readers of tables the newest plan no longer lists (they are being deleted). */
  retainOnly(levels: ViewLevels): void {
    const live = new Set<number>();
    for (const files of levels) for (const f of files) live.add(f.fileNumber);
    for (const [fileNumber, reader] of this.readers) {
      if (live.has(fileNumber)) continue;
      reader.close();
      this.readers.delete(fileNumber);
      this.cache.evictFile(fileNumber);
    }
  }

  closeAll(): void {
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
    this.cache.clear();
  }
}

export class TableView implements KeyLookup {
  constructor(
    private readonly dir: string,
    private readonly levels: ViewLevels,
    private readonly snapshot: SequenceNumber,
    private readonly pool: ReaderPool,
  ) {}

  get(key: BinaryKey): Buffer | undefined {
    const levels = this.levels;
    for (let level = 0; level < levels.length; level++) {
      const files = levels[level];
      if (level === 0) {
        for (const f of files) {
          if (key < f.smallest || key > f.largest) continue;
          const found = this.find(f, key);
          if (found !== undefined) return valueOf(found);
        }
        continue;
      }
      const f = fileCovering(files, key);
      if (f === undefined) continue;
      const found = this.find(f, key);
      if (found !== undefined) return valueOf(found);
    }
    return undefined;
  }

  private find(f: ViewFile, key: BinaryKey): FoundEntry | undefined {
    const found = this.pool.reader(this.dir, f.fileNumber).get(key, this.snapshot);
    // Readers opened with syncReads never answer with a Promise.
    if (found instanceof Promise) throw new Error('a table view read went asynchronous');
    return found;
  }
}

function valueOf(found: FoundEntry): Buffer | undefined {
  return found.kind === EntryKind.Put ? found.value : undefined;
}

/** The table of a sorted, disjoint level whose range holds `key`. */
function fileCovering(files: readonly ViewFile[], key: BinaryKey): ViewFile | undefined {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (files[mid].largest < key) lo = mid + 1;
    else hi = mid;
  }
  const f = files[lo];
  return f !== undefined && f.smallest <= key ? f : undefined;
}
