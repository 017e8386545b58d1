/**
 * Small pieces every data command family shares: re-running a command after a disk read, answering
 * a value that may come later, refusing a random-pick count no reply could hold, the string-type check, storing a value whose expire time may already have passed, and expire-time
 * arguments with Redis' checks and error texts. (In commands/, not keyspace/: it speaks in
 * handlers and command contexts, which the keyspace below knows nothing of.)
 */
import type { BinaryKey, SequenceNumber } from '../engine/types.js';
import type { CommandContext, CommandHandler } from './types.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { NO_EXPIRE, ValueType, expireAt, valueType } from '../keyspace/encoding.js';
import { ERR_NOT_INTEGER, INT64_MAX, parseInt64, type Int64 } from '../keyspace/numbers.js';

/**
 * A lookup needed the disk: once the read has warmed the cache, run the whole command again
 * (nothing was replied yet). Allocates a closure only on this slow path.
 */
export function retryAfter(pending: Promise<unknown>, handler: CommandHandler, ctx: CommandContext, argv: Buffer[]): Promise<void> {
  return pending.then(() => handler(ctx, argv));
}

/** `then` on a value now, or once its Promise settles (random picks answer either way). */
export function whenReady<T>(value: T | Promise<T>, then: (v: T) => void | Promise<void>): void | Promise<void> {
  return value instanceof Promise ? value.then(then) : then(value);
}

/** The smallest reply bytes per element (an empty bulk string), to see a hopeless count before building its reply. */
const MIN_ELEMENT_BYTES = 6;

/**
 * A count of random picks (SRANDMEMBER, ZRANDMEMBER with repeats) whose reply could not fit the
 * client's output buffer (client-output-buffer-limit's hard limit, or what a JavaScript array can
 * hold): Redis would start building it and drop the client once over the limit (or run out of
 * memory); we drop the client at once, with Redis' log line.
 */
export function replyTooBig(ctx: CommandContext, elements: Int64): boolean {
  const hard = ctx.server.config.clientOutputBufferLimit.normal.hardBytes;
  const n = Number(elements);
  if (n <= 0xffff_ffff && (hard === 0 || n * MIN_ELEMENT_BYTES <= hard)) return false;
  const c = ctx.client;
  ctx.server.logger.warning(`Client id=${c.id} addr=${c.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`);
  c.closeAfterReply();
  return true;
}

export function isString(value: Buffer): boolean {
  return valueType(value) === ValueType.String;
}

/**
 * Stores `value` unless its expire time has already passed, in which case the key is deleted
 * instead (as Redis 7 does for EXAT/PXAT in the past): the index never gets an entry the active
 * cycle's watermark is already beyond.
 */
export function storeValue(ks: Keyspace, db: number, key: BinaryKey, value: Buffer, previous: Buffer | null): Promise<SequenceNumber> | undefined {
  const expire = expireAt(value);
  if (expire !== NO_EXPIRE && expire <= Date.now()) {
    return previous === null ? undefined : ks.remove(db, key, previous);
  }
  return ks.store(db, key, value, previous);
}

/**
 * A durability promise as a handler's return value. The dispatcher only waits for it and never
 * reads its value, so the sequence number it resolves to is passed through as is rather than
 * paying for a `.then()` per write.
 */
export function durable(write: Promise<unknown>): Promise<void>;
export function durable(write: Promise<unknown> | undefined): Promise<void> | undefined;
export function durable(write: Promise<unknown> | undefined): Promise<void> | undefined {
  return write as Promise<void> | undefined;
}

export const enum ExpireUnit {
  Seconds,
  Milliseconds,
}

/**
 * Redis' getExpireMillisecondsOrReply (SET EX/PX/EXAT/PXAT, SETEX, PSETEX, GETEX): the absolute
 * expire time in ms, or the error text. `relative` adds the current time (EX/PX).
 */
export function parseExpireTime(arg: Buffer, unit: ExpireUnit, relative: boolean, commandName: string): number | string {
  const parsed = parseInt64(arg, 0, arg.length);
  if (parsed === undefined) return ERR_NOT_INTEGER;
  let ms = typeof parsed === 'bigint' ? parsed : BigInt(parsed);
  const invalid = `ERR invalid expire time in '${commandName}' command`;
  if (ms <= 0n || (unit === ExpireUnit.Seconds && ms > INT64_MAX / 1000n)) return invalid;
  if (unit === ExpireUnit.Seconds) ms *= 1000n;
  if (relative) ms += BigInt(Date.now());
  // C's signed overflow wraps to a negative time, which Redis then refuses.
  if (ms > INT64_MAX) return invalid;
  return Number(ms);
}
