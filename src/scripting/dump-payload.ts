/**
 * FUNCTION DUMP / FUNCTION RESTORE payloads in Redis 7.0's own format, so that a payload moves
 * between StrataKV and redis-server either way (redis-cli --functions-rdb, client libraries' dump
 * and restore helpers):
 *
 *   for each library:  0xF5 (RDB_OPCODE_FUNCTION2)  library code as an RDB string
 *   then:              RDB version, u16 little-endian (10 for Redis 7.0)
 *                      CRC-64/Jones of everything before it, u64 little-endian
 *
 * An RDB string is a length then the bytes; Redis may also write it as an integer (short decimal
 * strings) or LZF-compressed (strings over 20 bytes, rdbcompression yes, the default). Reading
 * accepts all three; writing always writes the plain form, which is what redis-server writes with
 * `rdbcompression no` (byte for byte) and what any Redis reads.
 */

/** Redis 7.0's RDB_VERSION: DUMP payloads carry it; newer ones are refused. */
export const RDB_VERSION = 10;
const RDB_OPCODE_FUNCTION2 = 0xf5;
/** Libraries as Redis 7.0's release candidates wrote them: name, engine, description, body (converted on load). */
const RDB_OPCODE_FUNCTION_PRE_GA = 0xf6;
/** Version and checksum at the end of every payload. */
const FOOTER_BYTES = 10;

// --- CRC-64/Jones, reflected (Redis' crc64.c): poly 0xad93d23594c935a9, init 0, no final xor ---

const CRC64_TABLE: readonly bigint[] = (() => {
  const poly = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 bit-reversed
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let bit = 0; bit < 8; bit++) crc = (crc & 1n) === 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    table.push(crc);
  }
  return table;
})();

export function crc64(bytes: Uint8Array): bigint {
  let crc = 0n;
  for (let i = 0; i < bytes.length; i++) crc = CRC64_TABLE[Number((crc ^ BigInt(bytes[i])) & 0xffn)] ^ (crc >> 8n);
  return crc;
}

// --- RDB strings ---------------------------------------------------------------------------------

/** rdbSaveLen */
function encodeLength(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n <= 0xffffffff) {
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

/** Reads RDB values from a buffer; every read past the end throws PayloadError. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer, private readonly end: number) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  byte(): number {
    if (this.pos >= this.end) throw new PayloadError();
    return this.buf[this.pos++];
  }

  bytes(n: number): Buffer {
    if (n > this.end - this.pos) throw new PayloadError();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbLoadLenByRef: the length, or the encoding number of an encoded string. */
  length(): { encoded: boolean; value: number } {
    const first = this.byte();
    const type = first >> 6;
    if (type === 0) return { encoded: false, value: first & 0x3f };
    if (type === 1) return { encoded: false, value: ((first & 0x3f) << 8) | this.byte() };
    if (type === 3) return { encoded: true, value: first & 0x3f };
    if (first === 0x80) return { encoded: false, value: this.bytes(4).readUInt32BE(0) };
    // A length beyond what any payload holds stays beyond it (a string that long fails to read).
    if (first === 0x81) return { encoded: false, value: Number(this.bytes(8).readBigUInt64BE(0)) };
    throw new PayloadError();
  }

  /** rdbGenericLoadStringObject */
  string(): Buffer {
    const { encoded, value } = this.length();
    if (!encoded) return Buffer.from(this.bytes(value));
    switch (value) {
      case 0: return Buffer.from(String(this.bytes(1).readInt8(0)), 'latin1');
      case 1: return Buffer.from(String(this.bytes(2).readInt16LE(0)), 'latin1');
      case 2: return Buffer.from(String(this.bytes(4).readInt32LE(0)), 'latin1');
      case 3: {
        const compressed = this.length();
        const plain = this.length();
        if (compressed.encoded || plain.encoded) throw new PayloadError();
        return lzfDecompress(this.bytes(compressed.value), plain.value);
      }
      default: throw new PayloadError();
    }
  }
}

class PayloadError extends Error {
  constructor() {
    super('truncated or malformed RDB data');
  }
}

/** liblzf's lzf_decompress: literal runs and back references; throws on malformed input. */
export function lzfDecompress(input: Uint8Array, outLength: number): Buffer {
  const out = Buffer.alloc(outLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLength || ip + run > input.length) throw new PayloadError();
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= input.length) throw new PayloadError();
      len += input[ip++];
    }
    if (ip >= input.length) throw new PayloadError();
    let ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
    len += 2;
    if (ref < 0 || op + len > outLength) throw new PayloadError();
    // Byte by byte: the reference may overlap what it writes (a repeated pattern).
    while (len-- > 0) out[op++] = out[ref++];
  }
  if (op !== outLength) throw new PayloadError();
  return out;
}

// --- payloads --------------------------------------------------------------------------------------

/** FUNCTION DUMP: every library's code, in the order given. */
export function encodeFunctionsPayload(codes: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const code of codes) parts.push(Buffer.from([RDB_OPCODE_FUNCTION2]), encodeLength(code.length), code);
  const footer = Buffer.alloc(FOOTER_BYTES);
  footer.writeUInt16LE(RDB_VERSION, 0);
  const body = Buffer.concat([...parts, footer.subarray(0, 2)]);
  footer.writeBigUInt64LE(crc64(body), 2);
  return Buffer.concat([body, footer.subarray(2)]);
}

/**
 * FUNCTION RESTORE's reading of a payload: the library codes read before the first error, and
 * that error as Redis words it (without "ERR "), or null. Redis creates each library as it reads
 * it, so a library that fails to load is reported before a malformed entry after it: the caller
 * loads `codes` in order first, then reports `error`.
 */
export function decodeFunctionsPayload(payload: Buffer): { codes: Buffer[]; error: string | null } {
  const codes: Buffer[] = [];
  // verifyDumpPayload
  const wrong = { codes, error: 'DUMP payload version or checksum are wrong' };
  if (payload.length < FOOTER_BYTES) return wrong;
  if (payload.readUInt16LE(payload.length - FOOTER_BYTES) > RDB_VERSION) return wrong;
  if (crc64(payload.subarray(0, payload.length - 8)) !== payload.readBigUInt64LE(payload.length - 8)) return wrong;
  // Reads may run into the footer, as Redis' rio reads over the whole buffer.
  const reader = new Reader(payload, payload.length);
  while (reader.remaining > FOOTER_BYTES) {
    const type = reader.byte();
    if (type !== RDB_OPCODE_FUNCTION2 && type !== RDB_OPCODE_FUNCTION_PRE_GA) return { codes, error: 'given type is not a function' };
    const code = type === RDB_OPCODE_FUNCTION2 ? readOr(() => reader.string(), 'Failed loading library payload') : readPreGa(reader);
    if (typeof code === 'string') return { codes, error: code };
    codes.push(code);
  }
  return { codes, error: null };
}

/** The value `read` reads, or `error` if the data ends or is malformed. */
function readOr<T>(read: () => T, error: string): T | string {
  try {
    return read();
  } catch (err) {
    if (err instanceof PayloadError) return error;
    throw err;
  }
}

/** rdbFunctionLoad's pre-GA branch: the entry turned into a library's code with its header line. */
function readPreGa(reader: Reader): Buffer | string {
  const name = readOr(() => reader.string(), 'Failed loading library name');
  if (typeof name === 'string') return name;
  const engine = readOr(() => reader.string(), 'Failed loading engine name');
  if (typeof engine === 'string') return engine;
  const hasDescription = readOr(() => reader.length(), 'Failed loading library description indicator');
  if (typeof hasDescription === 'string') return hasDescription;
  if (hasDescription.value !== 0) {
    const description = readOr(() => reader.string(), 'Failed loading library description');
    if (typeof description === 'string') return description;
  }
  const body = readOr(() => reader.string(), 'Failed loading library blob');
  if (typeof body === 'string') return body;
  return Buffer.concat([Buffer.from('#!'), engine, Buffer.from(' name='), name, Buffer.from('\n'), body]);
}
