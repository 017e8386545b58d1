/**
 * classic-level (LevelDB) at its best: db.batch() of WRITE_BATCH operations for writes,
 * getMany(READ_BATCH) for random reads, nextv() for scans and a reused iterator with seek() for
 * seeks. Its single mode is the plain awaited put/get/next. No sync writes: like StrataKV under
 * everysec, each write reaches the OS log without an fsync of its own.
 *
 * It gets the same memory budget as StrataKV (write buffer = memtable size, block cache = block
 * cache size); everything else is LevelDB's default, including Snappy compression.
 */
import { ClassicLevel, type BatchOperation, type Iterator } from 'classic-level';
import { READ_BATCH, WRITE_BATCH, type EngineConfig, type Mode, type Target } from './target.js';
import type { KeySet, Workload } from './workload.js';

const MIB = 1024 * 1024;

type Level = ClassicLevel<string, Buffer>;
type PutOp = BatchOperation<Level, string, Buffer>;
type LevelIterator = Iterator<Level, string, Buffer>;

/** nextv() page size for scans: large enough to amortize the native call, small enough to stay in cache. */
const SCAN_PAGE = 1000;

export class ClassicLevelTarget implements Target {
  readonly impl = 'classic-level';
  readonly description: string;
  private db: Level | null = null;

  constructor(
    private readonly workload: Workload,
    private readonly config: EngineConfig,
  ) {
    this.description = `no sync writes (default), writeBufferSize ${config.memtableBytes / MIB} MiB, cacheSize ${config.cacheBytes / MIB} MiB, snappy on (default)`;
  }

  private live(): Level {
    if (this.db === null) throw new Error('classic-level: database not open');
    return this.db;
  }

  async open(dir: string): Promise<void> {
    const db = new ClassicLevel<string, Buffer>(dir, {
      valueEncoding: 'buffer',
      writeBufferSize: this.config.memtableBytes,
      cacheSize: this.config.cacheBytes,
    });
    await db.open();
    this.db = db;
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (db !== null) await db.close();
  }

  async write(order: Int32Array, generation: number, mode: Mode): Promise<void> {
    const db = this.live();
    const { present, values } = this.workload;
    if (mode === 'single') {
      for (let j = 0; j < order.length; j++) {
        const index = order[j];
        await db.put(present.key(index), values.valueFor(index, generation));
      }
      return;
    }
    for (let start = 0; start < order.length; start += WRITE_BATCH) {
      const end = Math.min(start + WRITE_BATCH, order.length);
      const ops: PutOp[] = new Array<PutOp>(end - start);
      for (let j = start; j < end; j++) {
        const index = order[j];
        ops[j - start] = { type: 'put', key: present.key(index), value: values.valueFor(index, generation) };
      }
      await db.batch(ops);
    }
  }

  async read(keys: KeySet, order: Int32Array, mode: Mode): Promise<number> {
    const db = this.live();
    let found = 0;
    if (mode === 'single') {
      for (let j = 0; j < order.length; j++) {
        if ((await db.get(keys.key(order[j]))) !== undefined) found++;
      }
      return found;
    }
    for (let start = 0; start < order.length; start += READ_BATCH) {
      const end = Math.min(start + READ_BATCH, order.length);
      const batch: string[] = new Array<string>(end - start);
      for (let j = start; j < end; j++) batch[j - start] = keys.key(order[j]);
      const got = await db.getMany(batch);
      for (let i = 0; i < got.length; i++) if (got[i] !== undefined) found++;
    }
    return found;
  }

  /**
   * getSync: LevelDB's lookup run on the calling thread. Not part of the comparison, since it blocks
   * the event loop for the whole disk read on a cache miss (StrataKV's sync path never touches
   * disk), but printed for reference so nobody has to wonder.
   */
  readSync(keys: KeySet, order: Int32Array): number {
    const db = this.live();
    let found = 0;
    for (let j = 0; j < order.length; j++) if (db.getSync(keys.key(order[j])) !== undefined) found++;
    return found;
  }

  async scan(mode: Mode): Promise<number> {
    const it = this.live().iterator();
    let count = 0;
    try {
      if (mode === 'single') {
        while ((await it.next()) !== undefined) count++;
      } else {
        for (;;) {
          const page = await it.nextv(SCAN_PAGE);
          if (page.length === 0) break;
          count += page.length;
        }
      }
    } finally {
      await it.close();
    }
    return count;
  }

  /** Seeking a live iterator is LevelDB's cheapest seek; batch mode keeps READ_BATCH of them busy at once. */
  async seek(keys: KeySet, order: Int32Array, mode: Mode): Promise<number> {
    const db = this.live();
    const width = mode === 'single' ? 1 : READ_BATCH;
    const iterators: LevelIterator[] = [];
    for (let i = 0; i < width; i++) iterators.push(db.iterator());
    let exact = 0;
    try {
      if (mode === 'single') {
        const it = iterators[0];
        for (let j = 0; j < order.length; j++) {
          const key = keys.key(order[j]);
          it.seek(key);
          const entry = await it.next();
          if (entry !== undefined && entry[0] === key) exact++;
        }
        return exact;
      }
      for (let start = 0; start < order.length; start += width) {
        const end = Math.min(start + width, order.length);
        const seeks: Promise<boolean>[] = new Array<Promise<boolean>>(end - start);
        for (let j = start; j < end; j++) seeks[j - start] = seekOnce(iterators[j - start], keys.key(order[j]));
        const landed = await Promise.all(seeks);
        for (let i = 0; i < landed.length; i++) if (landed[i]) exact++;
      }
      return exact;
    } finally {
      await Promise.all(iterators.map((it) => it.close()));
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    return await this.live().get(key);
  }

  describeState(): string {
    const db = this.live();
    const files: string[] = [];
    for (let level = 0; level < 7; level++) {
      const n = Number(db.getProperty(`leveldb.num-files-at-level${level}`));
      if (n > 0) files.push(`L${level}: ${n} files`);
    }
    return `levels [${files.join(', ')}]`;
  }
}

async function seekOnce(it: LevelIterator, key: string): Promise<boolean> {
  it.seek(key);
  const entry = await it.next();
  return entry !== undefined && entry[0] === key;
}
