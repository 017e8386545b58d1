/**
 * The SSTable byte format's constants and the small encoders shared by the builder and the reader.
 * docs/format.md (section "SSTable") is the source of truth; this file follows it.
 */
import { CorruptionError } from '../errors.js';
import type { BinaryKey, EntryKind, SequenceNumber } from '../types.js';
import { checksum } from '../../util/checksum.js';

/** Knobs of the table format, all optional. */
export interface TableOptions {
  /** Target encoded size of a data block; a block is cut once it reaches this. */
  blockSize?: number;
  /** Entries between restart points (full keys) in a data block. */
  restartInterval?: number;
  /** Bloom filter bits per distinct user key. */
  bloomBitsPerKey?: number;
}

export const DEFAULT_TABLE_OPTIONS = {
  /** LevelDB's value: one page-sized read per lookup, small enough that the cache stays fine-grained. */
  blockSize: 4096,
  /** LevelDB's value: bounds a seek's linear scan while keeping full-key overhead to ~1/16 of entries. */
  restartInterval: 16,
  /** ~0.8% false positives, 1.25 bytes per key. */
  bloomBitsPerKey: 10,
} as const;

/** What a finished table holds; returned by the builder and read back by the reader. */
export interface TableProperties {
  fileNumber: number;
  /** Size of the whole file in bytes. */
  size: number;
  /** Number of entries, every version and tombstone counted. */
  entries: number;
  smallest: BinaryKey;
  largest: BinaryKey;
  smallestSeq: SequenceNumber;
  largestSeq: SequenceNumber;
}

/** `000123.sst`: zero-padded so that a directory listing sorts by age. */
export function tableFileName(fileNumber: number): string {
  return `${String(fileNumber).padStart(6, '0')}.sst`;
}

export const FORMAT_VERSION = 1;
/** Bytes after the user key in an internal key: seq * 256 + kind as a u64. */
export const KEY_TRAILER_BYTES = 8;
/** Bytes after every block: compression type + checksum. */
export const BLOCK_TRAILER_BYTES = 5;
export const FOOTER_BYTES = 64;
/** Largest sequence number; sorts before every real version of a user key. */
export const MAX_SEQUENCE: SequenceNumber = Number.MAX_SAFE_INTEGER;
export const COMPRESSION_NONE = 0;
export const TABLE_MAGIC = Buffer.from('STRATAST', 'latin1');

/**
 * Buffer's latin1 fast path: present at runtime on every Node Buffer but not declared by
 * @types/node; it skips toString()'s argument handling when keys are decoded per entry.
 */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

/** The binary key held in `buf[start, end)`. */
export function latin1Slice(buf: Buffer, start: number, end: number): BinaryKey {
  return (buf as Buffer & Latin1Slicer).latin1Slice(start, end);
}

const TWO_POW_24 = 0x1000000;
const TWO_POW_32 = 0x100000000;

/** Where a block lives in the file; `size` excludes the block trailer. */
export interface BlockHandle {
  offset: number;
  size: number;
}

/**
 * Writes the internal-key trailer. Split in two u32 because seq * 256 needs 61 bits, more than a JS
 * number holds exactly.
 */
export function writeKeyTrailer(buf: Buffer, offset: number, seq: SequenceNumber, kind: EntryKind): void {
  buf.writeUInt32LE((((seq % TWO_POW_24) << 8) | kind) >>> 0, offset);
  buf.writeUInt32LE(Math.floor(seq / TWO_POW_24), offset + 4);
}

export function readTrailerSeq(buf: Uint8Array, offset: number): SequenceNumber {
  const low = (buf[offset] | (buf[offset + 1] << 8) | (buf[offset + 2] << 16) | (buf[offset + 3] << 24)) >>> 0;
  const high = (buf[offset + 4] | (buf[offset + 5] << 8) | (buf[offset + 6] << 16) | (buf[offset + 7] << 24)) >>> 0;
  return high * TWO_POW_24 + (low >>> 8);
}

export function readTrailerKind(buf: Uint8Array, offset: number): EntryKind {
  return buf[offset] as EntryKind;
}

export function writeU64(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value % TWO_POW_32, offset);
  buf.writeUInt32LE(Math.floor(value / TWO_POW_32), offset + 4);
}

export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset + 4) * TWO_POW_32 + buf.readUInt32LE(offset);
}

/**
 * Writes the trailer of the block occupying `buf[start, end)` at `end`: type byte + checksum of the
 * block and the type byte. Returns the offset past the trailer.
 */
export function writeBlockTrailer(buf: Buffer, start: number, end: number): number {
  buf[end] = COMPRESSION_NONE;
  buf.writeUInt32LE(checksum(buf.subarray(start, end + 1)), end + 1);
  return end + BLOCK_TRAILER_BYTES;
}

/**
 * Checks the trailer of a block read as `raw` (block bytes + trailer) from `file` at `offset`, and
 * returns the block bytes. Throws CorruptionError naming the block's offset.
 */
export function verifyBlock(raw: Buffer, handle: BlockHandle, file: string): Buffer {
  const size = handle.size;
  if (raw.length < size + BLOCK_TRAILER_BYTES) {
    throw new CorruptionError(file, handle.offset, `block truncated: read ${raw.length} of ${size + BLOCK_TRAILER_BYTES} bytes`);
  }
  const expected = raw.readUInt32LE(size + 1);
  const actual = checksum(raw.subarray(0, size + 1));
  if (expected !== actual) {
    throw new CorruptionError(file, handle.offset, `block checksum mismatch (stored ${expected}, computed ${actual})`);
  }
  if (raw[size] !== COMPRESSION_NONE) {
    throw new CorruptionError(file, handle.offset, `unknown block compression type ${raw[size]}`);
  }
  return raw.subarray(0, size);
}

/** The decoded footer: where the three meta blocks are. */
export interface Footer {
  filter: BlockHandle;
  properties: BlockHandle;
  index: BlockHandle;
}

export function encodeFooter(footer: Footer, buf: Buffer, offset: number): void {
  writeU64(buf, offset, footer.filter.offset);
  writeU64(buf, offset + 8, footer.filter.size);
  writeU64(buf, offset + 16, footer.properties.offset);
  writeU64(buf, offset + 24, footer.properties.size);
  writeU64(buf, offset + 32, footer.index.offset);
  writeU64(buf, offset + 40, footer.index.size);
  buf.writeUInt32LE(FORMAT_VERSION, offset + 48);
  buf.writeUInt32LE(checksum(buf.subarray(offset, offset + 52)), offset + 52);
  TABLE_MAGIC.copy(buf, offset + 56);
}

/** Decodes and validates the footer read from the last FOOTER_BYTES of a file of `fileSize` bytes. */
export function decodeFooter(buf: Buffer, file: string, fileSize: number): Footer {
  const at = fileSize - FOOTER_BYTES;
  if (fileSize < FOOTER_BYTES || buf.length < FOOTER_BYTES) {
    throw new CorruptionError(file, 0, `file too short for a table (${fileSize} bytes)`);
  }
  if (!buf.subarray(56, 64).equals(TABLE_MAGIC)) {
    throw new CorruptionError(file, at + 56, 'bad table magic number (not an SSTable, or a torn write)');
  }
  const stored = buf.readUInt32LE(52);
  const computed = checksum(buf.subarray(0, 52));
  if (stored !== computed) {
    throw new CorruptionError(file, at, `footer checksum mismatch (stored ${stored}, computed ${computed})`);
  }
  const version = buf.readUInt32LE(48);
  if (version !== FORMAT_VERSION) {
    throw new CorruptionError(file, at + 48, `unsupported table format version ${version}`);
  }
  const footer: Footer = {
    filter: { offset: readU64(buf, 0), size: readU64(buf, 8) },
    properties: { offset: readU64(buf, 16), size: readU64(buf, 24) },
    index: { offset: readU64(buf, 32), size: readU64(buf, 40) },
  };
  for (const handle of [footer.filter, footer.properties, footer.index]) {
    if (handle.offset + handle.size + BLOCK_TRAILER_BYTES > at) {
      throw new CorruptionError(file, at, `footer points outside the file (block at ${handle.offset}, ${handle.size} bytes)`);
    }
  }
  return footer;
}

/**
 * A user key `s` with `a < s < b` that is as short as possible, or null when there is none shorter
 * than `a` itself worth using (LevelDB's FindShortestSeparator). Keeps the resident index small.
 */
export function shortestSeparator(a: BinaryKey, b: BinaryKey): BinaryKey | null {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i >= a.length) return null; // a is a prefix of b (or equal): nothing between them is shorter
  const c = a.charCodeAt(i);
  if (c < 0xff && c + 1 < b.charCodeAt(i)) return a.slice(0, i) + String.fromCharCode(c + 1);
  return null;
}

/** A short user key `s > a`, or null if `a` is all 0xff bytes (LevelDB's FindShortSuccessor). */
export function shortSuccessor(a: BinaryKey): BinaryKey | null {
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c !== 0xff) return a.slice(0, i) + String.fromCharCode(c + 1);
  }
  return null;
}
