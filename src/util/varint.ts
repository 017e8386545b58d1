/**
 * LEB128-style unsigned varints (7 bits per byte, low bits first), as LevelDB uses them for
 * lengths in blocks and log records. Values up to 2^53 are supported (JS safe integers).
 */

/** Bytes needed to encode `value` as a varint. */
export function varintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes `value` at `offset`; returns the offset just past it. */
export function writeVarint(buf: Buffer, offset: number, value: number): number {
  while (value >= 0x80) {
    buf[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[offset++] = value;
  return offset;
}

/** Result slot for readVarint, reused to avoid allocating a tuple per call. */
export interface VarintCursor {
  value: number;
  offset: number;
}

/**
 * Reads a varint at `cursor.offset` from `buf` (not past `end`), storing the value and the offset
 * past it back into `cursor`. Throws RangeError on a truncated or over-long varint.
 */
export function readVarint(buf: Uint8Array, cursor: VarintCursor, end: number = buf.length): void {
  let offset = cursor.offset;
  let result = 0;
  let multiplier = 1;
  for (let i = 0; i < 8; i++) {
    if (offset >= end) throw new RangeError('truncated varint');
    const byte = buf[offset++];
    result += (byte & 0x7f) * multiplier;
    if (byte < 0x80) {
      cursor.value = result;
      cursor.offset = offset;
      return;
    }
    multiplier *= 128;
  }
  throw new RangeError('varint too long');
}
