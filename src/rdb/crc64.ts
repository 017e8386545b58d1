/**
 * CRC-64/Jones as Redis computes it (crc64.c): reflected, polynomial 0xad93d23594c935a9, initial
 * value 0, no final xor; DUMP payloads and RDB files end with it. Table-driven over two 32-bit
 * halves, so no BigInt is made per byte (BigInt only at the end, for the caller's comparison).
 */

/** The table's entries for each byte value: high and low 32 bits. */
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
(() => {
  // 0xad93d23594c935a9 bit-reversed: 0x95ac9329ac4bc9b5
  const polyHi = 0x95ac9329;
  const polyLo = 0xac4bc9b5;
  for (let i = 0; i < 256; i++) {
    let hi = 0;
    let lo = i;
    for (let bit = 0; bit < 8; bit++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry !== 0) {
        hi = (hi ^ polyHi) >>> 0;
        lo = (lo ^ polyLo) >>> 0;
      }
    }
    TABLE_HI[i] = hi;
    TABLE_LO[i] = lo;
  }
})();

/** The CRC-64/Jones of `bytes` (continuing from `crc`, 0 to start). */
export function crc64(bytes: Uint8Array, crc = 0n): bigint {
  const [hi, lo] = update(bytes, Number(crc >> 32n) | 0, Number(crc & 0xffff_ffffn) | 0);
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** The byte loop on the two halves as int32 (signed is fine: only `& 0xff` and shifts read them). */
function update(bytes: Uint8Array, hi: number, lo: number): [number, number] {
  const tableHi = TABLE_HI;
  const tableLo = TABLE_LO;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const index = (lo ^ bytes[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ tableLo[index];
    hi = (hi >>> 8) ^ tableHi[index];
  }
  return [hi, lo];
}
