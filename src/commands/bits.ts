/**
 * Bit operations on strings: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
 *
 * Bits are numbered as Redis numbers them: bit 0 is the most significant bit of byte 0. Reading
 * past the end of a string reads zeros; writing past it grows the string with zero bytes. Ranges
 * (BITCOUNT/BITPOS start end [BYTE|BIT]) are clamped exactly as Redis clamps them.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import {
  NO_EXPIRE,
  StringEncodingHint,
  ValueType,
  allocateValue,
  binaryKey,
  encodingHint,
  expireAt,
  payloadLength,
  payloadOffset,
} from '../keyspace/encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, argIs, parseInt64, parseIntegerArg } from '../keyspace/numbers.js';
import { durable, isString, notify, notifyStore, retryAfter } from './command-support.js';
import { NOTIFY_STRING } from '../pubsub/keyspace-events.js';

const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
const ERR_BIT_VALUE = 'ERR bit is not an integer or out of range';
const ERR_BITFIELD_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** Set bits per byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >>> 1];

/**
 * Redis' getBitOffsetFromArgument: a non-negative bit offset below proto-max-bulk-len bytes;
 * with `bits` (BITFIELD), "#n" means n × bits. Undefined when invalid.
 */
function parseBitOffset(ctx: CommandContext, arg: Buffer, bits: number): number | undefined {
  const hashed = bits > 0 && arg.length > 1 && arg[0] === 0x23;
  const parsed = parseInt64(arg, hashed ? 1 : 0, arg.length);
  if (parsed === undefined) return undefined;
  let offset = typeof parsed === 'bigint' ? Number(parsed) : parsed;
  if (hashed) offset *= bits;
  if (offset < 0 || Math.floor(offset / 8) >= ctx.server.config.protoMaxBulkLen) return undefined;
  return offset;
}

/** The payload of a string value, copied into a buffer at least `minBytes` long (zero-padded), with its header. */
function growForWrite(previous: Buffer | null, minBytes: number): { value: Buffer; offset: number } {
  const oldLength = previous === null ? 0 : payloadLength(previous);
  const length = Math.max(oldLength, minBytes);
  const expire = previous === null ? NO_EXPIRE : expireAt(previous);
  const out = allocateValue(ValueType.String, StringEncodingHint.Raw, expire, length);
  if (previous !== null) previous.copy(out.value, out.offset, payloadOffset(previous));
  out.value.fill(0, out.offset + oldLength);
  return out;
}

// ---------------------------------------------------------------- SETBIT / GETBIT

function setbitCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const bitOffset = parseBitOffset(ctx, argv[2], 0);
  if (bitOffset === undefined) return ctx.reply.error(ERR_BIT_OFFSET);
  const on = parseIntegerArg(argv[3]);
  if (on === undefined || (on !== 0 && on !== 1)) return ctx.reply.error(ERR_BIT_VALUE);
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, setbitCommand, ctx, argv);
  if (previous !== null && !isString(previous)) return ctx.reply.error(ERR_WRONGTYPE);
  const byte = bitOffset >>> 3;
  const mask = 1 << (7 - (bitOffset & 7));
  let old = 0;
  if (previous !== null && byte < payloadLength(previous)) old = previous[payloadOffset(previous) + byte] & mask;
  // Redis turns the value into a raw string even when the bit does not change.
  const grows = previous === null || byte >= payloadLength(previous);
  if (!grows && (old !== 0) === (on === 1) && encodingHint(previous) === StringEncodingHint.Raw) {
    return ctx.reply.integer(old !== 0 ? 1 : 0);
  }
  const { value, offset } = growForWrite(previous, byte + 1);
  if (on === 1) value[offset + byte] |= mask;
  else value[offset + byte] &= ~mask;
  const write = ks.store(db, key, value, previous);
  // As Redis: only a new or longer string, or a bit that changed.
  if (grows || (old !== 0) !== (on === 1)) notify(ctx, NOTIFY_STRING, 'setbit', key);
  ctx.reply.integer(old !== 0 ? 1 : 0);
  return durable(write);
}

function getbitCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const bitOffset = parseBitOffset(ctx, argv[2], 0);
  if (bitOffset === undefined) return ctx.reply.error(ERR_BIT_OFFSET);
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value === null) return ctx.reply.integer(0);
  if (value instanceof Promise) return retryAfter(value, getbitCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  const byte = bitOffset >>> 3;
  if (byte >= payloadLength(value)) return ctx.reply.integer(0);
  ctx.reply.integer((value[payloadOffset(value) + byte] >>> (7 - (bitOffset & 7))) & 1);
}

// ---------------------------------------------------------------- BITCOUNT / BITPOS

/** Bit range [first, last] of a string of `length` bytes from start/end arguments, as Redis clamps them; undefined when empty. */
function clampBitRange(start: number, end: number, length: number, inBits: boolean): [number, number] | undefined {
  const total = inBits ? length * 8 : length;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return undefined;
  return inBits ? [start, end] : [start * 8, end * 8 + 7];
}

function countBits(bytes: Buffer, base: number, first: number, last: number): number {
  let count = 0;
  let bit = first;
  while (bit <= last && (bit & 7) !== 0) {
    count += (bytes[base + (bit >>> 3)] >>> (7 - (bit & 7))) & 1;
    bit++;
  }
  while (bit + 7 <= last) {
    count += POPCOUNT[bytes[base + (bit >>> 3)]];
    bit += 8;
  }
  while (bit <= last) {
    count += (bytes[base + (bit >>> 3)] >>> (7 - (bit & 7))) & 1;
    bit++;
  }
  return count;
}

/** Position of the first bit equal to `wanted` in [first, last], or -1. */
function findBit(bytes: Buffer, base: number, first: number, last: number, wanted: number): number {
  const skip = wanted === 1 ? 0x00 : 0xff;
  let bit = first;
  while (bit <= last) {
    if ((bit & 7) === 0 && bit + 7 <= last && bytes[base + (bit >>> 3)] === skip) {
      bit += 8;
      continue;
    }
    if (((bytes[base + (bit >>> 3)] >>> (7 - (bit & 7))) & 1) === wanted) return bit;
    bit++;
  }
  return -1;
}

function bitcountCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  // Redis looks the key up before it reads the range arguments.
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value === null) return ctx.reply.integer(0);
  if (value instanceof Promise) return retryAfter(value, bitcountCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  const length = payloadLength(value);
  const base = payloadOffset(value);
  if (argv.length === 2) return ctx.reply.integer(length === 0 ? 0 : countBits(value, base, 0, length * 8 - 1));
  if (argv.length !== 4 && argv.length !== 5) return ctx.reply.error(ERR_SYNTAX);
  const start = parseIntegerArg(argv[2]);
  if (start === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const end = parseIntegerArg(argv[3]);
  if (end === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  if (start < 0 && end < 0 && start > end) return ctx.reply.integer(0);
  let inBits = false;
  if (argv.length === 5) {
    if (argIs(argv[4], 'bit')) inBits = true;
    else if (!argIs(argv[4], 'byte')) return ctx.reply.error(ERR_SYNTAX);
  }
  const range = clampBitRange(Number(start), Number(end), length, inBits);
  ctx.reply.integer(range === undefined ? 0 : countBits(value, base, range[0], range[1]));
}

function bitposCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const wanted = parseIntegerArg(argv[2]);
  if (wanted === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  if (wanted !== 0 && wanted !== 1) return ctx.reply.error('ERR The bit argument must be 1 or 0.');
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value === null) return ctx.reply.integer(wanted === 1 ? -1 : 0);
  if (value instanceof Promise) return retryAfter(value, bitposCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  const length = payloadLength(value);
  const base = payloadOffset(value);
  let inBits = false;
  let endGiven = false;
  let first = 0;
  let last = length * 8 - 1;
  if (argv.length >= 4 && argv.length <= 6) {
    const start = parseIntegerArg(argv[3]);
    if (start === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
    if (argv.length === 6) {
      if (argIs(argv[5], 'bit')) inBits = true;
      else if (!argIs(argv[5], 'byte')) return ctx.reply.error(ERR_SYNTAX);
    }
    let end: number;
    if (argv.length >= 5) {
      const parsed = parseIntegerArg(argv[4]);
      if (parsed === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      end = Number(parsed);
      endGiven = true;
    } else {
      end = length - 1;
    }
    const range = clampBitRange(Number(start), end, length, inBits);
    if (range === undefined) return ctx.reply.integer(-1);
    [first, last] = range;
  } else if (argv.length !== 3) {
    return ctx.reply.error(ERR_SYNTAX);
  }
  if (first > last) return ctx.reply.integer(-1);
  const found = findBit(value, base, first, last, wanted);
  if (found >= 0) return ctx.reply.integer(found);
  // No clear bit in range: without an explicit end the string counts as zero-padded on the right.
  ctx.reply.integer(wanted === 0 && !endGiven ? last + 1 : -1);
}

// ---------------------------------------------------------------- BITOP

function bitopCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const op = argv[1];
  const kind = argIs(op, 'and') ? 0 : argIs(op, 'or') ? 1 : argIs(op, 'xor') ? 2 : argIs(op, 'not') ? 3 : -1;
  if (kind < 0) return ctx.reply.error(ERR_SYNTAX);
  if (kind === 3 && argv.length !== 4) return ctx.reply.error('ERR BITOP NOT must be called with a single source key.');
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const sourceKeys: BinaryKey[] = [];
  for (let i = 3; i < argv.length; i++) sourceKeys.push(binaryKey(argv[i]));
  const sources = ks.lookupMany(db, sourceKeys, true);
  if (sources instanceof Promise) return retryAfter(sources, bitopCommand, ctx, argv);
  const target = binaryKey(argv[2]);
  const previous = ks.lookupWrite(db, target);
  if (previous instanceof Promise) return retryAfter(previous, bitopCommand, ctx, argv);
  let maxLength = 0;
  for (const source of sources) {
    if (source === null) continue;
    if (!isString(source)) return ctx.reply.error(ERR_WRONGTYPE);
    maxLength = Math.max(maxLength, payloadLength(source));
  }
  if (maxLength === 0) {
    const write = previous === null ? undefined : ks.remove(db, target, previous);
    notifyStore(ctx, NOTIFY_STRING, 'set', target, false, previous);
    ctx.reply.integer(0);
    return durable(write);
  }
  const { value, offset } = allocateValue(ValueType.String, StringEncodingHint.Raw, NO_EXPIRE, maxLength);
  const first = sources[0];
  const firstLength = first === null ? 0 : payloadLength(first);
  const firstBase = first === null ? 0 : payloadOffset(first);
  for (let j = 0; j < maxLength; j++) value[offset + j] = j < firstLength ? (first as Buffer)[firstBase + j] : 0;
  if (kind === 3) {
    for (let j = 0; j < maxLength; j++) value[offset + j] = ~value[offset + j];
  }
  for (let s = 1; s < sources.length; s++) {
    const source = sources[s];
    const length = source === null ? 0 : payloadLength(source);
    const base = source === null ? 0 : payloadOffset(source);
    for (let j = 0; j < maxLength; j++) {
      const byte = j < length ? (source as Buffer)[base + j] : 0;
      if (kind === 0) value[offset + j] &= byte;
      else if (kind === 1) value[offset + j] |= byte;
      else value[offset + j] ^= byte;
    }
  }
  const write = ks.store(db, target, value, previous);
  notify(ctx, NOTIFY_STRING, 'set', target);
  ctx.reply.integer(maxLength);
  return durable(write);
}

// ---------------------------------------------------------------- BITFIELD

const enum FieldOp {
  Get,
  Set,
  IncrBy,
}

const enum Overflow {
  Wrap,
  Sat,
  Fail,
}

interface FieldOperation {
  op: FieldOp;
  signed: boolean;
  bits: number;
  offset: number;
  argument: bigint;
  overflow: Overflow;
}

/** "i1".."i64" or "u1".."u63" (lower-case letter only, as Redis). */
function parseFieldType(arg: Buffer): { signed: boolean; bits: number } | undefined {
  if (arg.length < 2 || (arg[0] !== 0x69 && arg[0] !== 0x75)) return undefined;
  const signed = arg[0] === 0x69;
  const bits = parseInt64(arg, 1, arg.length);
  if (typeof bits !== 'number' || bits < 1 || bits > (signed ? 64 : 63)) return undefined;
  return { signed, bits };
}

function readField(bytes: Buffer, base: number, length: number, offset: number, bits: number, signed: boolean): bigint {
  let value = 0n;
  for (let i = 0; i < bits; i++) {
    const bit = offset + i;
    const byte = bit >>> 3;
    const set = byte < length ? (bytes[base + byte] >>> (7 - (bit & 7))) & 1 : 0;
    value = (value << 1n) | BigInt(set);
  }
  return signed ? BigInt.asIntN(bits, value) : value;
}

function writeField(bytes: Buffer, base: number, offset: number, bits: number, value: bigint): void {
  const raw = BigInt.asUintN(bits, value);
  for (let i = 0; i < bits; i++) {
    const bit = offset + i;
    const mask = 1 << (7 - (bit & 7));
    const set = (raw >> BigInt(bits - 1 - i)) & 1n;
    if (set === 1n) bytes[base + (bit >>> 3)] |= mask;
    else bytes[base + (bit >>> 3)] &= ~mask;
  }
}

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const I64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/**
 * Redis' checkSignedBitfieldOverflow, including its 64-bit wrap-around in the limits (so e.g.
 * SET i8 with -2^63 under SAT saturates to +127, as Redis answers). Returns the value to store
 * (value + increment, or the wrapped/saturated limit) or undefined for OVERFLOW FAIL.
 */
function signedField(value: bigint, increment: bigint, bits: number, overflow: Overflow): bigint | undefined {
  const max = bits === 64 ? 0x7fff_ffff_ffff_ffffn : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncrement = I64(U64(max) - U64(value));
  const minIncrement = I64(min - value);
  let high: boolean;
  if (value > max || (bits !== 64 && increment > maxIncrement) || (value >= 0n && increment > 0n && increment > maxIncrement)) high = true;
  else if (value < min || (bits !== 64 && increment < minIncrement) || (value < 0n && increment < 0n && increment < minIncrement)) high = false;
  else return value + increment;
  if (overflow === Overflow.Fail) return undefined;
  if (overflow === Overflow.Sat) return high ? max : min;
  return BigInt.asIntN(bits, U64(value + increment));
}

/** Redis' checkUnsignedBitfieldOverflow (value is the field, or a SET argument cast to uint64). */
function unsignedField(value: bigint, increment: bigint, bits: number, overflow: Overflow): bigint | undefined {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncrement = I64(max - value);
  const minIncrement = I64(-value);
  let high: boolean;
  if (value > max || (increment > 0n && increment > maxIncrement)) high = true;
  else if (increment < 0n && increment < minIncrement) high = false;
  else return value + increment;
  if (overflow === Overflow.Fail) return undefined;
  if (overflow === Overflow.Sat) return high ? max : 0n;
  return BigInt.asUintN(bits, value + increment);
}

function bitfieldGeneric(ctx: CommandContext, argv: Buffer[], readOnlyCommand: boolean, self: (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>): void | Promise<void> {
  const operations: FieldOperation[] = [];
  let overflow = Overflow.Wrap;
  let writes = false;
  let highestBit = 0;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const word = argv[j];
    let op: FieldOp;
    if (argIs(word, 'get') && remaining >= 2) op = FieldOp.Get;
    else if (argIs(word, 'set') && remaining >= 3) op = FieldOp.Set;
    else if (argIs(word, 'incrby') && remaining >= 3) op = FieldOp.IncrBy;
    else if (argIs(word, 'overflow') && remaining >= 1) {
      const name = argv[++j];
      if (argIs(name, 'wrap')) overflow = Overflow.Wrap;
      else if (argIs(name, 'sat')) overflow = Overflow.Sat;
      else if (argIs(name, 'fail')) overflow = Overflow.Fail;
      else return ctx.reply.error('ERR Invalid OVERFLOW type specified');
      continue;
    } else return ctx.reply.error(ERR_SYNTAX);
    const type = parseFieldType(argv[j + 1]);
    if (type === undefined) return ctx.reply.error(ERR_BITFIELD_TYPE);
    const offset = parseBitOffset(ctx, argv[j + 2], type.bits);
    if (offset === undefined) return ctx.reply.error(ERR_BIT_OFFSET);
    let argument = 0n;
    if (op !== FieldOp.Get) {
      writes = true;
      highestBit = Math.max(highestBit, offset + type.bits - 1);
      const parsed = parseIntegerArg(argv[j + 3]);
      if (parsed === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      argument = BigInt(parsed);
    }
    operations.push({ op, signed: type.signed, bits: type.bits, offset, argument, overflow });
    j += op === FieldOp.Get ? 2 : 3;
  }
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const reply = ctx.reply;
  if (!writes) {
    const value = ks.lookupRead(db, key);
    if (value instanceof Promise) return retryAfter(value, self, ctx, argv);
    if (value !== null && !isString(value)) return reply.error(ERR_WRONGTYPE);
    const base = value === null ? 0 : payloadOffset(value);
    const length = value === null ? 0 : payloadLength(value);
    reply.arrayHeader(operations.length);
    for (const f of operations) reply.integer(readField(value ?? EMPTY, base, length, f.offset, f.bits, f.signed));
    return;
  }
  if (readOnlyCommand) return reply.error('ERR BITFIELD_RO only supports the GET subcommand');
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, self, ctx, argv);
  if (previous !== null && !isString(previous)) return reply.error(ERR_WRONGTYPE);
  const { value, offset: base } = growForWrite(previous, (highestBit >>> 3) + 1);
  const length = value.length - base;
  reply.arrayHeader(operations.length);
  // Redis' 'setbit' event: the string was created or grown, or some field changed value.
  const needed = (highestBit >>> 3) + 1;
  const grown = previous === null || payloadLength(previous) < needed;
  let changes = 0;
  for (const f of operations) {
    const old = readField(value, base, length, f.offset, f.bits, f.signed);
    if (f.op === FieldOp.Get) {
      reply.integer(old);
      continue;
    }
    // SET checks its argument as if it were an increment of 0 (unsigned: after C's uint64 cast).
    const stored =
      f.op === FieldOp.IncrBy
        ? (f.signed ? signedField : unsignedField)(old, f.argument, f.bits, f.overflow)
        : f.signed
          ? signedField(f.argument, 0n, f.bits, f.overflow)
          : unsignedField(U64(f.argument), 0n, f.bits, f.overflow);
    if (stored === undefined) {
      reply.nullBulk();
      continue;
    }
    writeField(value, base, f.offset, f.bits, stored);
    if (grown || stored !== old) changes++;
    reply.integer(f.op === FieldOp.IncrBy ? stored : old);
  }
  const write = ks.store(db, key, value, previous);
  if (changes > 0) notify(ctx, NOTIFY_STRING, 'setbit', key);
  return durable(write);
}

const EMPTY = Buffer.alloc(0);

function bitfieldCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return bitfieldGeneric(ctx, argv, false, bitfieldCommand);
}

function bitfieldRoCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return bitfieldGeneric(ctx, argv, true, bitfieldRoCommand);
}

/** Handlers by command name; the metadata is in ../command-table/bits.ts. */
export const bitHandlers: CommandHandlers = {
  setbit: setbitCommand,
  getbit: getbitCommand,
  bitcount: bitcountCommand,
  bitpos: bitposCommand,
  bitop: bitopCommand,
  bitfield: bitfieldCommand,
  bitfield_ro: bitfieldRoCommand,
};
