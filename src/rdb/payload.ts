/**
 * The frame of a DUMP payload (and of FUNCTION DUMP's): the serialized object, then the RDB
 * version as u16 little-endian and the CRC-64/Jones of everything before the checksum as u64
 * little-endian (Redis' createDumpPayload / verifyDumpPayload).
 */
import { crc64 } from './crc64.js';

/** Redis 7.0's RDB_VERSION: payloads carry it; newer ones are refused. */
export const RDB_VERSION = 10;
/** Version and checksum at the end of every payload. */
export const FOOTER_BYTES = 10;

/** `body` with the footer appended. */
export function sealPayload(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(body.length + FOOTER_BYTES);
  out.set(body, 0);
  out.writeUInt16LE(RDB_VERSION, body.length);
  out.writeBigUInt64LE(crc64(out.subarray(0, body.length + 2)), body.length + 2);
  return out;
}

/** verifyDumpPayload: long enough, a version this server reads, and the checksum right. */
export function verifyPayload(payload: Buffer): boolean {
  if (payload.length < FOOTER_BYTES) return false;
  if (payload.readUInt16LE(payload.length - FOOTER_BYTES) > RDB_VERSION) return false;
  return crc64(payload.subarray(0, payload.length - 8)) === payload.readBigUInt64LE(payload.length - 8);
}
