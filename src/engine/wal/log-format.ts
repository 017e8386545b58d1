/**
 * Record framing shared by the WAL and the MANIFEST (docs/format.md, "Log records"):
 * u32 checksum of the payload, u32 payload length, payload. No blocks, no padding.
 *
 * The reader's job on recovery is to tell a torn tail (a crash mid-append: safe to cut off,
 * nothing in it was acknowledged) from corruption (good bytes went bad: never silently skip).
 */
import { checksum } from '../../util/checksum.js';

export const RECORD_HEADER_SIZE = 8;

/**
 * Largest payload a record may carry. Far beyond any sane write batch, yet small enough that
 * a length field with flipped high bits is recognised as damage rather than a tear.
 */
export const MAX_RECORD_PAYLOAD = 1 << 30;

export interface LogReadResult {
  /** Payloads of all good records, in order (views into the input buffer). */
  records: Buffer[];
  /** Byte length of the good prefix: where the first damaged record starts, or the input length. */
  goodLength: number;
  damage: null | { kind: 'torn-tail' | 'corrupt'; offset: number; detail: string };
}

/** Header and payload in one new buffer. */
export function encodeRecord(payload: Buffer): Buffer {
  const record = Buffer.allocUnsafe(RECORD_HEADER_SIZE + payload.length);
  encodeRecordInto(record, 0, payload);
  return record;
}

/** Writes header and payload at `offset` of `target` (which must have room); returns the offset past it. */
export function encodeRecordInto(target: Buffer, offset: number, payload: Buffer): number {
  if (payload.length > MAX_RECORD_PAYLOAD) {
    throw new RangeError(`log record payload of ${payload.length} bytes exceeds the ${MAX_RECORD_PAYLOAD} byte limit`);
  }
  target.writeUInt32LE(checksum(payload), offset);
  target.writeUInt32LE(payload.length, offset + 4);
  payload.copy(target, offset + RECORD_HEADER_SIZE);
  return offset + RECORD_HEADER_SIZE + payload.length;
}

/**
 * Writes the header for a payload already placed at `offset + RECORD_HEADER_SIZE` of `target`,
 * `payloadLength` bytes long. Lets writers encode a payload in place and frame it afterwards,
 * without a temporary buffer.
 */
export function writeRecordHeader(target: Buffer, offset: number, payloadLength: number): void {
  if (payloadLength > MAX_RECORD_PAYLOAD) {
    throw new RangeError(`log record payload of ${payloadLength} bytes exceeds the ${MAX_RECORD_PAYLOAD} byte limit`);
  }
  const start = offset + RECORD_HEADER_SIZE;
  target.writeUInt32LE(checksum(target.subarray(start, start + payloadLength)), offset);
  target.writeUInt32LE(payloadLength, offset + 4);
}

/** Splits a whole log file into its good records and classifies whatever stops the walk. */
export function readLogRecords(data: Buffer): LogReadResult {
  const records: Buffer[] = [];
  const reader = new LogRecordReader(data);
  for (let payload = reader.next(); payload !== null; payload = reader.next()) records.push(payload);
  return { records, goodLength: reader.offset, damage: reader.damage };
}

/**
 * The records of a log one at a time, so that a long replay can pause between two of them (and
 * let the event loop serve) without checking the whole file first. After next() returns null,
 * `damage` says why (null: the end was reached cleanly) and `offset` is the good prefix's length.
 */
export class LogRecordReader {
  /** Where the next record starts; once done, the length of the good prefix. */
  offset = 0;
  damage: LogReadResult['damage'] = null;
  private done = false;

  constructor(private readonly data: Buffer) {}

  /** The next good record's payload (a view into the input), or null at the end or the damage. */
  next(): Buffer | null {
    if (this.done) return null;
    const data = this.data;
    const end = data.length;
    const offset = this.offset;
    if (offset >= end) return this.stop(null);
    const remaining = end - offset;
    if (remaining < RECORD_HEADER_SIZE) {
      return this.stop('torn-tail', `record header cut short (${remaining} of ${RECORD_HEADER_SIZE} bytes)`);
    }
    const storedChecksum = data.readUInt32LE(offset);
    const length = data.readUInt32LE(offset + 4);
    const payloadStart = offset + RECORD_HEADER_SIZE;
    const payloadEnd = payloadStart + length;
    if (payloadEnd <= end) {
      const payload = data.subarray(payloadStart, payloadEnd);
      if (checksum(payload) === storedChecksum) {
        this.offset = payloadEnd;
        return payload;
      }
    }
    // From here on the record at `offset` is bad; decide whether a crash could explain it.
    if (isAllZero(data, offset, end)) return this.stop('torn-tail', `zero-filled tail of ${remaining} bytes`);
    if (length > MAX_RECORD_PAYLOAD) return this.stop('corrupt', `impossible record length ${length}`);
    if (payloadEnd > end) {
      return this.stop('torn-tail', `record of ${length} bytes runs ${payloadEnd - end} bytes past the end of the file`);
    }
    if (payloadEnd === end) return this.stop('torn-tail', `checksum mismatch in the last record (${length} bytes)`);
    return this.stop('corrupt', `checksum mismatch in a ${length} byte record followed by ${end - payloadEnd} more bytes`);
  }

  private stop(kind: 'torn-tail' | 'corrupt' | null, detail = ''): null {
    this.done = true;
    if (kind !== null) this.damage = { kind, offset: this.offset, detail };
    return null;
  }
}

function isAllZero(data: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (data[i] !== 0) return false;
  return true;
}
