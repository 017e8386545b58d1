/**
 * liblzf's decompression, as Redis reads LZF-compressed RDB strings (rdbcompression yes, strings
 * over 20 bytes). StrataKV writes strings plain, which every Redis reads.
 */
import { RdbError } from './reader-error.js';

/** lzf_decompress: literal runs and back references; throws RdbError on malformed input. */
export function lzfDecompress(input: Uint8Array, outLength: number): Buffer {
  const out = Buffer.alloc(outLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLength || ip + run > input.length) throw new RdbError();
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= input.length) throw new RdbError();
      len += input[ip++];
    }
    if (ip >= input.length) throw new RdbError();
    let ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
    len += 2;
    if (ref < 0 || op + len > outLength) throw new RdbError();
    // Byte by byte: the reference may overlap what it writes (a repeated pattern).
    while (len-- > 0) out[op++] = out[ref++];
  }
  if (op !== outLength) throw new RdbError();
  return out;
}
