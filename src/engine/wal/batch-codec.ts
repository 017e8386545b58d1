/**
 * The WAL payload of one write batch (docs/format.md, "WAL batch payload"). Encoding writes
 * straight into the caller's buffer so the group-commit writer never builds intermediate ones.
 */
import { CorruptionError } from '../errors.js';
import { EntryKind, type BatchOp, type SequenceNumber } from '../types.js';
import { readVarint, varintLength, writeVarint, type VarintCursor } from '../../util/varint.js';

/** firstSeq (u64) + op count (u32). */
const BATCH_HEADER_SIZE = 12;
const TWO_POW_32 = 0x1_0000_0000;

/**
 * Buffer's per-encoding fast paths: present at runtime on every Node Buffer but not declared by
 * @types/node. They skip the argument juggling of write(str, offset, 'latin1') / toString().
 */
interface Latin1FastPaths {
  latin1Write(text: string, offset: number, length: number): number;
  latin1Slice(start: number, end: number): string;
}

export function encodedBatchSize(ops: readonly BatchOp[]): number {
  let size = BATCH_HEADER_SIZE;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const keyLength = op.key.length;
    size += 1 + varintLength(keyLength) + keyLength;
    if (op.kind === EntryKind.Put) size += varintLength(op.value.length) + op.value.length;
  }
  return size;
}

/** Writes the payload at `offset` (room for encodedBatchSize(ops) bytes required); returns the offset past it. */
export function encodeBatchInto(target: Buffer, offset: number, firstSeq: SequenceNumber, ops: readonly BatchOp[]): number {
  const fast = target as Buffer & Latin1FastPaths;
  target.writeUInt32LE(firstSeq % TWO_POW_32, offset);
  target.writeUInt32LE(Math.floor(firstSeq / TWO_POW_32), offset + 4);
  target.writeUInt32LE(ops.length, offset + 8);
  offset += BATCH_HEADER_SIZE;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    target[offset++] = op.kind;
    const key = op.key;
    offset = writeVarint(target, offset, key.length);
    offset += fast.latin1Write(key, offset, key.length);
    if (op.kind === EntryKind.Put) {
      const value = op.value;
      offset = writeVarint(target, offset, value.length);
      offset += value.copy(target, offset);
    }
  }
  return offset;
}

/**
 * Parses one batch payload. Values are views into `payload` (no copies); `file` and
 * `fileOffset` only name the record in a CorruptionError.
 */
export function decodeBatch(
  payload: Buffer,
  file: string,
  fileOffset: number,
): { firstSeq: SequenceNumber; ops: BatchOp[] } {
  const end = payload.length;
  if (end < BATCH_HEADER_SIZE) {
    throw new CorruptionError(file, fileOffset, `batch payload of ${end} bytes is shorter than its ${BATCH_HEADER_SIZE} byte header`);
  }
  const fast = payload as Buffer & Latin1FastPaths;
  const firstSeq = payload.readUInt32LE(0) + payload.readUInt32LE(4) * TWO_POW_32;
  const count = payload.readUInt32LE(8);
  // Each op takes at least 2 bytes (kind + key length), so a larger count cannot be genuine.
  if (count > (end - BATCH_HEADER_SIZE) / 2) {
    throw new CorruptionError(file, fileOffset, `batch claims ${count} ops in ${end} bytes`);
  }
  const ops: BatchOp[] = new Array<BatchOp>(count);
  const cursor: VarintCursor = { value: 0, offset: BATCH_HEADER_SIZE };
  try {
    for (let i = 0; i < count; i++) {
      if (cursor.offset >= end) throw new RangeError('op cut short');
      const kind = payload[cursor.offset++];
      readVarint(payload, cursor, end);
      const keyStart = cursor.offset;
      const keyEnd = keyStart + cursor.value;
      if (keyEnd > end) throw new RangeError('key runs past the payload');
      const key = fast.latin1Slice(keyStart, keyEnd);
      cursor.offset = keyEnd;
      if (kind === EntryKind.Put) {
        readVarint(payload, cursor, end);
        const valueEnd = cursor.offset + cursor.value;
        if (valueEnd > end) throw new RangeError('value runs past the payload');
        ops[i] = { kind: EntryKind.Put, key, value: payload.subarray(cursor.offset, valueEnd) };
        cursor.offset = valueEnd;
      } else if (kind === EntryKind.Delete) {
        ops[i] = { kind: EntryKind.Delete, key };
      } else {
        throw new RangeError(`unknown op kind ${kind}`);
      }
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new CorruptionError(file, fileOffset, `malformed write batch: ${error.message} (payload byte ${cursor.offset})`);
  }
  if (cursor.offset !== end) {
    throw new CorruptionError(file, fileOffset, `${end - cursor.offset} stray bytes after the last op of a write batch`);
  }
  return { firstSeq, ops };
}
