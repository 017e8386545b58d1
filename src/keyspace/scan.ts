/**
 * Walks over the keys of a database in key order: SCAN pages, KEYS, RANDOMKEY.
 *
 * SCAN's promise (every key present for the whole scan is returned at least once) follows from
 * the order: a page ends at some key K and the next page starts just after K, so a key that was
 * there all along is either at or before K (returned already) or after it (still to come). Keys
 * added or removed meanwhile may or may not show up, as in Redis. A MATCH pattern with a literal
 * prefix ("user:*") narrows the walk to that prefix's range, which cannot skip a matching key.
 */
import type { BinaryKey } from '../engine/types.js';
import type { BatchOp } from '../engine/types.js';
import { globLiteralPrefix, globMatch, globMatchesAll } from '../util/glob.js';
import { TimeSlice } from '../util/time-slice.js';
import { TYPE_NAMES, expireAt, prefixEnd, valueType } from './encoding.js';
import type { Keyspace } from './keyspace.js';

export interface ScanRequest {
  /** Keys to examine (Redis' COUNT hint), at least 1. */
  count: number;
  /** MATCH pattern as a binary string, or null. */
  pattern: BinaryKey | null;
  /** TYPE filter (any case), or null. */
  type: string | null;
}

export interface ScanPage {
  /** '0' when the scan is complete. */
  cursor: string;
  keys: BinaryKey[];
  /** Durability of the cursor's record, when a new cursor was handed out. */
  durable?: Promise<unknown>;
}

interface Range {
  start: BinaryKey;
  end: BinaryKey | undefined;
  /** Length of the engine-key prefix in front of the user key. */
  skip: number;
}

/** The engine-key range holding the database's keys that may match `pattern`, starting after `resumeAfter`. */
function keyRange(ks: Keyspace, db: number, pattern: BinaryKey | null, resumeAfter: BinaryKey | undefined): Range {
  const prefix = ks.dataPrefix(db);
  const literal = pattern === null ? '' : globLiteralPrefix(pattern);
  let start = prefix + literal;
  if (resumeAfter !== undefined) {
    const after = prefix + resumeAfter + '\0';
    if (after > start) start = after;
  }
  return { start, end: prefixEnd(prefix + literal), skip: prefix.length };
}

export async function scanPage(ks: Keyspace, db: number, cursor: string, request: ScanRequest): Promise<ScanPage> {
  const resume = cursor === '0' ? undefined : ks.cursors.resumeKey(cursor);
  const pattern = request.pattern !== null && !globMatchesAll(request.pattern) ? request.pattern : null;
  const type = request.type === null ? null : request.type.toLowerCase();
  const range = keyRange(ks, db, pattern, resume);
  const keys: BinaryKey[] = [];
  const it = ks.db.iterator({ start: range.start, end: range.end });
  const now = Date.now();
  let examined = 0;
  let last: BinaryKey | undefined;
  let more = false;
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      if (examined === request.count) {
        more = true;
        break;
      }
      examined++;
      const key = entry.key.slice(range.skip);
      last = key;
      const value = entry.value;
      if (type !== null && TYPE_NAMES[valueType(value)] !== type) continue;
      if (pattern !== null && !globMatch(pattern, key)) continue;
      const expire = expireAt(value);
      if (expire !== -1 && expire <= now) {
        ks.lookupWrite(db, key); // deletes it if it is still there and still expired
        continue;
      }
      keys.push(key);
    }
  } finally {
    it.close();
  }
  if (!more || last === undefined) return { cursor: '0', keys };
  const ops: BatchOp[] = [];
  const next = ks.cursors.create(last, ops);
  return { cursor: next, keys, durable: ks.db.write(ops) };
}

/** KEYS: every live key matching `pattern`. */
export async function matchingKeys(ks: Keyspace, db: number, pattern: BinaryKey): Promise<BinaryKey[]> {
  const all = globMatchesAll(pattern);
  const range = keyRange(ks, db, all ? null : pattern, undefined);
  const keys: BinaryKey[] = [];
  // The iterator reads at one snapshot, and the time of expiry is fixed here: the reply is one
  // moment's view however long the walk takes, so other clients may run between its slices.
  const it = ks.db.iterator({ start: range.start, end: range.end });
  const now = Date.now();
  const slice = new TimeSlice();
  try {
    for (;;) {
      const entries = await it.nextBatch(KEYS_BATCH);
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        const key = entry.key.slice(range.skip);
        if (!all && !globMatch(pattern, key)) continue;
        const expire = expireAt(entry.value);
        if (expire !== -1 && expire <= now) continue;
        keys.push(key);
      }
      if (entries.length < KEYS_BATCH) break;
      if (slice.due) await slice.yieldTurn();
    }
  } finally {
    it.close();
  }
  return keys;
}

/** Entries KEYS takes from the iterator at a time: one promise per batch rather than per key. */
const KEYS_BATCH = 1024;

/** First key in [from, end), or undefined. */
async function firstKey(ks: Keyspace, from: BinaryKey, end: BinaryKey | undefined): Promise<{ key: BinaryKey; value: Buffer } | undefined> {
  const it = ks.db.iterator({ start: from, end });
  try {
    return await it.next();
  } finally {
    it.close();
  }
}

/** Small databases are sampled exactly by position; larger ones by a random walk down the key trie. */
const EXACT_SAMPLE_LIMIT = 256;
/** Redis gives up after this many expired picks too. */
const RANDOM_ATTEMPTS = 100;

/**
 * RANDOMKEY. Up to EXACT_SAMPLE_LIMIT keys: uniform. Beyond: at each byte position, choose a
 * uniformly random byte between the smallest and largest next byte present, and take the first
 * key at or after it. Not exactly uniform (keys after wide gaps are favoured), but it reaches
 * every key and costs O(key length × log 256) seeks instead of a scan.
 */
export async function randomKey(ks: Keyspace, db: number): Promise<BinaryKey | null> {
  for (let attempt = 0; attempt < RANDOM_ATTEMPTS; attempt++) {
    const size = ks.dbsize(db);
    if (size === 0) return null;
    const picked = size <= EXACT_SAMPLE_LIMIT ? await pickByPosition(ks, db, size) : await pickByWalk(ks, db);
    if (picked === undefined) return null;
    const expire = expireAt(picked.value);
    if (expire === -1 || expire > Date.now()) return picked.key;
    ks.lookupWrite(db, picked.key); // lazily deletes it
    if (attempt === RANDOM_ATTEMPTS - 1) return picked.key;
  }
  return null;
}

async function pickByPosition(ks: Keyspace, db: number, size: number): Promise<{ key: BinaryKey; value: Buffer } | undefined> {
  const prefix = ks.dataPrefix(db);
  const target = Math.floor(Math.random() * size);
  const it = ks.db.iterator({ start: prefix, end: prefixEnd(prefix) });
  let first: { key: BinaryKey; value: Buffer } | undefined;
  try {
    let i = 0;
    for (let entry = await it.next(); entry !== undefined; entry = await it.next(), i++) {
      first ??= entry;
      if (i === target) return { key: entry.key.slice(prefix.length), value: entry.value };
    }
  } finally {
    it.close();
  }
  return first === undefined ? undefined : { key: first.key.slice(prefix.length), value: first.value };
}

async function pickByWalk(ks: Keyspace, db: number): Promise<{ key: BinaryKey; value: Buffer } | undefined> {
  const prefix = ks.dataPrefix(db);
  const end = prefixEnd(prefix);
  let path = '';
  for (;;) {
    const base = prefix + path;
    const first = await firstKey(ks, base, end);
    if (first === undefined || !first.key.startsWith(base)) return undefined;
    const isKey = first.key.length === base.length;
    const firstChild = isKey ? await firstKey(ks, base + '\0', end) : first;
    if (firstChild === undefined || !firstChild.key.startsWith(base)) {
      return { key: path, value: first.value };
    }
    const low = firstChild.key.charCodeAt(base.length);
    // Largest next byte present: binary search on "some key starts with base + byte".
    let lo = low;
    let hi = 0xff;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const probe = await firstKey(ks, base + String.fromCharCode(mid), end);
      if (probe !== undefined && probe.key.startsWith(base)) lo = mid;
      else hi = mid - 1;
    }
    const high = lo;
    if (isKey && Math.random() * (high - low + 2) < 1) return { key: path, value: first.value };
    const byte = low + Math.floor(Math.random() * (high - low + 1));
    const chosen = await firstKey(ks, base + String.fromCharCode(byte), end);
    if (chosen === undefined || !chosen.key.startsWith(base)) return { key: firstChild.key.slice(prefix.length), value: firstChild.value };
    path += chosen.key[base.length];
  }
}
