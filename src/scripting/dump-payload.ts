/**
 * FUNCTION DUMP / FUNCTION RESTORE payloads in Redis 7.0's own format, so that a payload moves
 * between StrataKV and redis-server either way (redis-cli --functions-rdb, client libraries' dump
 * and restore helpers):
 *
 *   for each library:  0xF5 (RDB_OPCODE_FUNCTION2)  library code as an RDB string
 *   then:              RDB version, u16 little-endian (10 for Redis 7.0)
 *                      CRC-64/Jones of everything before it, u64 little-endian
 *
 * The RDB pieces (strings, the footer, CRC-64) are src/rdb's, shared with DUMP and RESTORE.
 * Writing writes library code as a plain length and bytes, which is what redis-server writes with
 * `rdbcompression no` (byte for byte) and what any Redis reads.
 */
import { RdbReader } from '../rdb/reader.js';
import { RdbError } from '../rdb/reader-error.js';
import { RdbWriter } from '../rdb/writer.js';
import { FOOTER_BYTES, sealPayload, verifyPayload } from '../rdb/payload.js';

const RDB_OPCODE_FUNCTION2 = 0xf5;
/** Libraries as Redis 7.0's release candidates wrote them: name, engine, description, body (converted on load). */
const RDB_OPCODE_FUNCTION_PRE_GA = 0xf6;

// --- payloads --------------------------------------------------------------------------------------

/** FUNCTION DUMP: every library's code, in the order given. */
export function encodeFunctionsPayload(codes: readonly Buffer[]): Buffer {
  const w = new RdbWriter();
  // Code is written as length and bytes, never as an integer string (Redis' rdbSaveRawString would, for code like "1": both read either).
  for (const code of codes) w.byte(RDB_OPCODE_FUNCTION2).length(code.length).raw(code);
  return sealPayload(w.bytes());
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
  if (!verifyPayload(payload)) return wrong;
  // Reads may run into the footer, as Redis' rio reads over the whole buffer.
  const reader = new RdbReader(payload, payload.length);
  while (reader.remaining > FOOTER_BYTES) {
    const type = reader.byte();
    if (type !== RDB_OPCODE_FUNCTION2 && type !== RDB_OPCODE_FUNCTION_PRE_GA) return { codes, error: 'given type is not a function' };
    const code = type === RDB_OPCODE_FUNCTION2 ? readOr(() => Buffer.from(reader.string()), 'Failed loading library payload') : readPreGa(reader);
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
    if (err instanceof RdbError) return error;
    throw err;
  }
}

/** rdbFunctionLoad's pre-GA branch: the entry turned into a library's code with its header line. */
function readPreGa(reader: RdbReader): Buffer | string {
  const name = readOr(() => reader.string(), 'Failed loading library name');
  if (typeof name === 'string') return name;
  const engine = readOr(() => reader.string(), 'Failed loading engine name');
  if (typeof engine === 'string') return engine;
  const hasDescription = readOr(() => reader.lengthOrEncoding(), 'Failed loading library description indicator');
  if (typeof hasDescription === 'string') return hasDescription;
  if (hasDescription.value !== 0n) {
    const description = readOr(() => reader.string(), 'Failed loading library description');
    if (typeof description === 'string') return description;
  }
  const body = readOr(() => Buffer.from(reader.string()), 'Failed loading library blob');
  if (typeof body === 'string') return body;
  return Buffer.concat([Buffer.from('#!'), engine, Buffer.from(' name='), name, Buffer.from('\n'), body]);
}
