/**
 * Versions: immutable lists of live tables per level, built by applying version edits.
 *
 * A reader (a pending get, an iterator) pins the Version it started on with ref()/unref(), so the
 * tables it may still read survive a compaction that replaced them. The VersionSet counts, per
 * table file, how many live versions hold it; when that count drops to zero the file is handed to
 * `onObsoleteFile` to be closed and deleted. The manifest on disk is written by the Db; this
 * module only computes.
 */
import type { BinaryKey, SequenceNumber } from '../types.js';
import type { FileMeta, VersionEdit } from './version-edit.js';

export class Version {
  private refs = 0;

  constructor(
    /** L0 newest first (larger largestSeq first, then larger file number; they may overlap); L1+ sorted by smallest key, disjoint. */
    readonly levels: readonly (readonly FileMeta[])[],
    private readonly owner: VersionSet,
  ) {}

  ref(): void {
    this.refs++;
  }

  unref(): void {
    if (--this.refs === 0) this.owner.released(this);
  }

  levelBytes(level: number): number {
    let total = 0;
    for (const f of this.levels[level]) total += f.size;
    return total;
  }

  /** Files of `level` whose key range intersects [smallest, largest]. */
  overlapping(level: number, smallest: BinaryKey, largest: BinaryKey): FileMeta[] {
    return this.levels[level].filter((f) => !(f.largest < smallest || f.smallest > largest));
  }

  /** For L1+: the one file whose range may contain `key`, by binary search over disjoint ranges. */
  fileFor(level: number, key: BinaryKey): FileMeta | undefined {
    const files = this.levels[level];
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

  allFiles(): FileMeta[] {
    return this.levels.flat();
  }
}

/** L0 order: the table holding the newest sequence number first; file number breaks ties. */
function newestFirst(a: FileMeta, b: FileMeta): number {
  return b.largestSeq - a.largestSeq || b.fileNumber - a.fileNumber;
}

export class VersionSet {
  current: Version;
  nextFileNumber = 2;
  lastSequence: SequenceNumber = 0;
  /** WAL segments with numbers below this are fully contained in tables. */
  logNumber = 0;
  private readonly fileRefs = new Map<number, number>();
  /** Called when no live version references a table any more. Set by the Db once it exists. */
  onObsoleteFile: (fileNumber: number) => void = () => {};

  constructor(readonly levelCount: number) {
    this.current = new Version(
      Array.from({ length: levelCount }, () => []),
      this,
    );
    this.current.ref();
  }

  newFileNumber(): number {
    return this.nextFileNumber++;
  }

  /** Applies an edit's counters and returns the new Version (not yet installed). */
  build(edit: VersionEdit): Version {
    if (edit.logNumber !== undefined) this.logNumber = edit.logNumber;
    if (edit.nextFileNumber !== undefined) this.nextFileNumber = Math.max(this.nextFileNumber, edit.nextFileNumber);
    if (edit.lastSequence !== undefined) this.lastSequence = Math.max(this.lastSequence, edit.lastSequence);
    const levels = this.current.levels.map((files) => files.slice());
    for (const { level, fileNumber } of edit.deletedFiles) {
      const files = levels[level];
      const i = files.findIndex((f) => f.fileNumber === fileNumber);
      if (i >= 0) files.splice(i, 1);
    }
    for (const { level, file } of edit.newFiles) {
      levels[level].push(file);
      if (file.fileNumber >= this.nextFileNumber) this.nextFileNumber = file.fileNumber + 1;
    }
    // L0 newest data first. A normal flush covers a higher sequence range than every earlier
    // flush and gets a higher file number, so this is the file-number order; ordering by
    // largestSeq also holds for tables whose numbers no longer say their age, as after --repair
    // (src/engine/repair.ts) puts tables from every level back into L0.
    levels[0].sort(newestFirst);
    for (let l = 1; l < levels.length; l++) levels[l].sort((a, b) => (a.smallest < b.smallest ? -1 : a.smallest > b.smallest ? 1 : 0));
    return new Version(levels, this);
  }

  /** Makes `version` current; the previous one is released once no reader holds it. */
  install(version: Version): void {
    for (const f of version.allFiles()) this.fileRefs.set(f.fileNumber, (this.fileRefs.get(f.fileNumber) ?? 0) + 1);
    const previous = this.current;
    this.current = version;
    version.ref();
    previous.unref();
  }

  /** Called by Version.unref when the last holder lets go. */
  released(version: Version): void {
    for (const f of version.allFiles()) {
      const n = (this.fileRefs.get(f.fileNumber) ?? 1) - 1;
      if (n > 0) this.fileRefs.set(f.fileNumber, n);
      else {
        this.fileRefs.delete(f.fileNumber);
        this.onObsoleteFile(f.fileNumber);
      }
    }
  }

  /** Every table some live version still references (orphan clean-up keeps these). */
  liveFiles(): Set<number> {
    return new Set(this.fileRefs.keys());
  }

  /** The edit that recreates the current state from nothing: the first record of a new manifest. */
  snapshotEdit(): VersionEdit {
    const newFiles: VersionEdit['newFiles'] = [];
    this.current.levels.forEach((files, level) => {
      for (const file of files) newFiles.push({ level, file });
    });
    return {
      logNumber: this.logNumber,
      nextFileNumber: this.nextFileNumber,
      lastSequence: this.lastSequence,
      deletedFiles: [],
      newFiles,
    };
  }
}
