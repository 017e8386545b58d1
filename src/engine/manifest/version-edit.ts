/**
 * A version edit: one change to the set of live tables (plus the counters that must survive a
 * restart), as stored in a MANIFEST record. Byte layout in docs/format.md, "Manifest and CURRENT".
 */
import { CorruptionError } from '../errors.js';
import type { TableProperties } from '../sstable/format.js';
import type { BinaryKey, SequenceNumber } from '../types.js';
import { readVarint, varintLength, writeVarint, type VarintCursor } from '../../util/varint.js';

/** A live table as the manifest records it: exactly the properties its builder reported. */
export type FileMeta = TableProperties;

export interface VersionEdit {
  /** WAL segments below this number are fully covered by tables. */
  logNumber?: number;
  nextFileNumber?: number;
  lastSequence?: SequenceNumber;
  deletedFiles: Array<{ level: number; fileNumber: number }>;
  newFiles: Array<{ level: number; file: FileMeta }>;
}

const enum Tag {
  LogNumber = 1,
  NextFileNumber = 2,
  LastSequence = 3,
  DeletedFile = 4,
  NewFile = 5,
}

/** Levels are small; a larger number in a manifest can only be damage. */
const MAX_LEVEL = 63;

export function encodeVersionEdit(edit: VersionEdit): Buffer {
  let size = 0;
  if (edit.logNumber !== undefined) size += 1 + varintLength(edit.logNumber);
  if (edit.nextFileNumber !== undefined) size += 1 + varintLength(edit.nextFileNumber);
  if (edit.lastSequence !== undefined) size += 1 + varintLength(edit.lastSequence);
  for (const { level, fileNumber } of edit.deletedFiles) size += 1 + varintLength(level) + varintLength(fileNumber);
  for (const { level, file } of edit.newFiles) {
    size +=
      1 +
      varintLength(level) +
      varintLength(file.fileNumber) +
      varintLength(file.size) +
      varintLength(file.entries) +
      varintLength(file.smallest.length) +
      file.smallest.length +
      varintLength(file.largest.length) +
      file.largest.length +
      varintLength(file.smallestSeq) +
      varintLength(file.largestSeq);
  }

  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  if (edit.logNumber !== undefined) offset = writeVarint(out, writeVarint(out, offset, Tag.LogNumber), edit.logNumber);
  if (edit.nextFileNumber !== undefined) {
    offset = writeVarint(out, writeVarint(out, offset, Tag.NextFileNumber), edit.nextFileNumber);
  }
  if (edit.lastSequence !== undefined) offset = writeVarint(out, writeVarint(out, offset, Tag.LastSequence), edit.lastSequence);
  for (const { level, fileNumber } of edit.deletedFiles) {
    offset = writeVarint(out, offset, Tag.DeletedFile);
    offset = writeVarint(out, offset, checkLevel(level));
    offset = writeVarint(out, offset, fileNumber);
  }
  for (const { level, file } of edit.newFiles) {
    offset = writeVarint(out, offset, Tag.NewFile);
    offset = writeVarint(out, offset, checkLevel(level));
    offset = writeVarint(out, offset, file.fileNumber);
    offset = writeVarint(out, offset, file.size);
    offset = writeVarint(out, offset, file.entries);
    offset = writeKey(out, offset, file.smallest);
    offset = writeKey(out, offset, file.largest);
    offset = writeVarint(out, offset, file.smallestSeq);
    offset = writeVarint(out, offset, file.largestSeq);
  }
  return out;
}

/** Parses one edit; `file` and `offset` (of the record) only name it in a CorruptionError. */
export function decodeVersionEdit(payload: Buffer, file: string, offset: number): VersionEdit {
  const edit: VersionEdit = { deletedFiles: [], newFiles: [] };
  const cursor: VarintCursor = { value: 0, offset: 0 };
  const end = payload.length;
  const next = (): number => {
    readVarint(payload, cursor, end);
    return cursor.value;
  };
  const nextLevel = (): number => {
    const level = next();
    if (level > MAX_LEVEL) throw new RangeError(`level ${level} out of range`);
    return level;
  };
  const nextKey = (): BinaryKey => {
    const length = next();
    const keyEnd = cursor.offset + length;
    if (keyEnd > end) throw new RangeError('key runs past the edit');
    const key = payload.toString('latin1', cursor.offset, keyEnd);
    cursor.offset = keyEnd;
    return key;
  };
  try {
    while (cursor.offset < end) {
      const tag = next();
      switch (tag) {
        case Tag.LogNumber:
          edit.logNumber = next();
          break;
        case Tag.NextFileNumber:
          edit.nextFileNumber = next();
          break;
        case Tag.LastSequence:
          edit.lastSequence = next();
          break;
        case Tag.DeletedFile: {
          const level = nextLevel();
          edit.deletedFiles.push({ level, fileNumber: next() });
          break;
        }
        case Tag.NewFile: {
          const level = nextLevel();
          const fileNumber = next();
          const size = next();
          const entries = next();
          const smallest = nextKey();
          const largest = nextKey();
          const smallestSeq = next();
          const largestSeq = next();
          edit.newFiles.push({ level, file: { fileNumber, size, entries, smallest, largest, smallestSeq, largestSeq } });
          break;
        }
        default:
          throw new RangeError(`unknown field tag ${tag}`);
      }
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new CorruptionError(file, offset, `malformed version edit: ${error.message} (payload byte ${cursor.offset})`);
  }
  return edit;
}

function checkLevel(level: number): number {
  if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) throw new RangeError(`level ${level} out of range`);
  return level;
}

function writeKey(out: Buffer, offset: number, key: BinaryKey): number {
  offset = writeVarint(out, offset, key.length);
  return offset + out.write(key, offset, key.length, 'latin1');
}
