import { crc32 } from 'node:zlib';

/**
 * Checksum for every record and block on disk: CRC-32 from Node's zlib (native, Node >= 20.15),
 * masked as LevelDB does so that a checksum of data that itself contains checksums stays robust.
 */
export function checksum(data: Uint8Array, initial = 0): number {
  const crc = crc32(data, initial);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
