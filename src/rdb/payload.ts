/**
 * The frame of a DUMP payload (and of FUNCTION DUMP's): the serialized object, then the RDB
 * version as u16 little-endian and the CRC-64/Jones of everything before the checksum as u64
 * little-endian (Redis' createDumpPayload / verifyDumpPayload).
 */
import { crc64 } from './crc64.js';

/** Redis 7.0's RDB_VERSION: payloads carry it; newer ones are refused. */
export const RDB_VERSION = 10;
/**
 * Redis 7.4's RDB_VERSION, which its hash types with field TTLs (RDB_TYPE_HASH_METADATA 24,
 * RDB_TYPE_HASH_LISTPACK_EX 25) need: a payload of one of them carries it (every other payload
 * stays at 10, byte for byte what 7.0 makes), and only such a payload may carry it.
 */
export const RDB_VERSION_FIELD_TTLS = 12;
const TYPE_HASH_METADATA = 24;
const TYPE_HASH_LISTPACK_EX = 25;

function needsVersion12(body: Uint8Array): boolean {
  return body.length > 0 && (body[0] === TYPE_HASH_METADATA || body[0] === TYPE_HASH_LISTPACK_EX);
}
/** Version and checksum at the end of every payload. */
export const FOOTER_BYTES = 10;

/** `body` with the footer appended. */
export function sealPayload(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(body.length + FOOTER_BYTES);
  out.set(body, 0);
  out.writeUInt16LE(needsVersion12(body) ? RDB_VERSION_FIELD_TTLS : RDB_VERSION, body.length);
  out.writeBigUInt64LE(crc64(out.subarray(0, body.length + 2)), body.length + 2);
  return out;
}

/** verifyDumpPayload: long enough, a version this server reads, and the checksum right. */
export function verifyPayload(payload: Buffer): boolean {
  if (payload.length < FOOTER_BYTES) return false;
  const version = payload.readUInt16LE(payload.length - FOOTER_BYTES);
  if (version > (needsVersion12(payload) ? RDB_VERSION_FIELD_TTLS : RDB_VERSION)) return false;
  return crc64(payload.subarray(0, payload.length - 8)) === payload.readBigUInt64LE(payload.length - 8);
}
