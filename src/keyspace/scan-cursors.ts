/**
 * SCAN cursors. Redis cursors are positions in its hash table; ours are positions in key order,
 * i.e. "resume after this key", and a key does not fit in the 64-bit number clients expect. So a
 * cursor is a number that names a resume key stored as a meta entry (META_CURSOR_PREFIX + id as
 * 8 bytes BE -> resume key). The entry is written in the batch of the SCAN that hands the cursor
 * out, so the cursor survives restarts and crashes like any acknowledged write.
 *
 * Every page gets a fresh id (so a client that repeats a call gets the same page again) and only
 * the newest MAX_CURSORS are kept; the oldest are deleted as new ones are created. An unknown
 * cursor (evicted, or never handed out) restarts the scan from the beginning: that may return
 * keys twice, but never skips any.
 */
import { EntryKind, type BatchOp, type BinaryKey } from '../engine/types.js';
import type { Db } from '../engine/db.js';
import { META_CURSOR_PREFIX, binaryKey, decodeTime, encodeTime, prefixEnd } from './encoding.js';

/** Enough for thousands of concurrent scans; loaded into memory at open (ids and resume keys). */
export const MAX_CURSORS = 10_000;

const UINT64_MAX = (1n << 64n) - 1n;

export class ScanCursorStore {
  /** id (decimal text) -> resume key, oldest first. */
  private readonly cursors = new Map<string, BinaryKey>();
  private nextId: number;

  private constructor(
    loaded: ReadonlyArray<readonly [number, BinaryKey]>,
    private readonly limit: number,
  ) {
    let maxId = 0;
    for (const [id, resume] of loaded) {
      this.cursors.set(String(id), resume);
      if (id > maxId) maxId = id;
    }
    // Starting from the clock (x1000) keeps ids from an earlier run that were evicted since from
    // being handed out again, without persisting a counter on every SCAN.
    this.nextId = Math.max(maxId + 1, Date.now() * 1000);
  }

  static async load(db: Db, limit = MAX_CURSORS): Promise<ScanCursorStore> {
    const loaded: [number, BinaryKey][] = [];
    const it = db.iterator({ start: META_CURSOR_PREFIX, end: prefixEnd(META_CURSOR_PREFIX) });
    try {
      for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
        loaded.push([decodeTime(entry.key, META_CURSOR_PREFIX.length), binaryKey(entry.value)]);
      }
    } finally {
      it.close();
    }
    loaded.sort((a, b) => a[0] - b[0]);
    const store = new ScanCursorStore(loaded, limit);
    return store;
  }

  get size(): number {
    return this.cursors.size;
  }

  /** Resume key of a cursor (canonical decimal text), undefined when unknown. */
  resumeKey(cursor: string): BinaryKey | undefined {
    return this.cursors.get(cursor);
  }

  /** Hands out a new cursor resuming after `resumeKey`; appends the ops that persist it to `ops`. */
  create(resumeKey: BinaryKey, ops: BatchOp[]): string {
    const id = this.nextId++;
    const text = String(id);
    this.cursors.set(text, resumeKey);
    ops.push({ kind: EntryKind.Put, key: META_CURSOR_PREFIX + encodeTime(id), value: Buffer.from(resumeKey, 'latin1') });
    while (this.cursors.size > this.limit) {
      const oldest = this.cursors.keys().next().value as string;
      this.cursors.delete(oldest);
      ops.push({ kind: EntryKind.Delete, key: META_CURSOR_PREFIX + encodeTime(Number(oldest)) });
    }
    return text;
  }
}

/**
 * Parses a cursor argument as Redis does (strtoul, base 10: optional sign, digits, nothing
 * else; "" is 0; a leading '-' wraps modulo 2^64) into canonical decimal text, or undefined when
 * Redis would answer "invalid cursor".
 */
export function parseCursor(arg: Buffer): string | undefined {
  const n = arg.length;
  if (n === 0) return '0';
  let i = 0;
  const sign = arg[0];
  if (sign === 0x2b || sign === 0x2d) i++;
  if (i === n) return undefined;
  // Fast path: short plain numbers (every cursor we hand out) need no BigInt.
  if (i === 0 && n <= 15) {
    let value = 0;
    for (let j = 0; j < n; j++) {
      const c = arg[j] - 0x30;
      if (c < 0 || c > 9) return undefined;
      value = value * 10 + c;
    }
    return String(value);
  }
  let value = 0n;
  for (let j = i; j < n; j++) {
    const c = arg[j] - 0x30;
    if (c < 0 || c > 9) return undefined;
    value = value * 10n + BigInt(c);
    if (value > UINT64_MAX) return undefined;
  }
  if (sign === 0x2d && value !== 0n) value = UINT64_MAX + 1n - value;
  return value.toString();
}
