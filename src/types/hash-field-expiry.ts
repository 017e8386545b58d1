/**
 * Reclaiming expired hash fields (docs/format.md, "Hash field expiration"): deleting the fields
 * whose TTL has passed, with their `e` entries, lowering the hash's count, moving its
 * minFieldExpire on to the next TTL, and deleting the hash when no field is left, in one batch
 * per FIELDS_PER_BATCH fields.
 *
 * Two callers, through Keyspace.fieldExpiry: every lookup of a hash whose minFieldExpire has
 * passed (so no command ever sees an expired field and HLEN is exact), and the active cycle, which
 * walks the keyspace's `f` index of hashes with field TTLs (src/keyspace/active-expiry.ts).
 *
 * The due `e` entries are read at a snapshot, asynchronously; the decision and the write are one
 * synchronous step that first checks the metadata is still the one read (else it starts over), and
 * deletes only a field whose record still carries the indexed time. So a command writing the hash
 * meanwhile (the active cycle holds no key lock) never loses a change.
 */
import type { BinaryKey } from '../engine/types.js';
import type { FieldReclaimer, Keyspace } from '../keyspace/keyspace.js';
import { NO_EXPIRE, decodeTime, encodeTime, expireAt, prefixEnd } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag, decodeMeta, encodeMeta, fieldExpiryOf } from '../keyspace/collection-encoding.js';
import { NOTIFY_GENERIC, NOTIFY_HASH } from '../pubsub/keyspace-events.js';
import { Collection } from './collection.js';
import { fieldExpireAt } from './hash.js';
import { noteRemoved } from './member-random.js';

/** Fields deleted per write batch (bounds a batch and the synchronous step that builds it). */
const FIELDS_PER_BATCH = 1000;
const TIME_BYTES = 8;

export class HashFieldReclaimer implements FieldReclaimer {
  constructor(private readonly ks: Keyspace) {}

  async reclaim(db: number, key: BinaryKey, now: number, maxFields: number, indexKey?: BinaryKey): Promise<boolean> {
    const ks = this.ks;
    const metaKey = ks.dataKey(db, key);
    let reclaimed = 0;
    for (;;) {
      const read = ks.db.get(metaKey);
      const value = read instanceof Promise ? await read : read;
      const min = value === undefined ? NO_EXPIRE : fieldExpiryOf(value);
      if (value === undefined || min === NO_EXPIRE || (expireAt(value) !== NO_EXPIRE && expireAt(value) <= now)) {
        // Nothing to do here (the key's own expiry deletes an expired hash); an `f` entry the
        // active cycle found for no such hash is stale.
        if (indexKey !== undefined) await this.dropStale(indexKey);
        return true;
      }
      if (indexKey !== undefined && indexKey !== ks.fieldExpiryIndexKey(db, min, key)) {
        await this.dropStale(indexKey);
        indexKey = undefined;
      }
      if (min > now) return true;
      const hash = new Collection(ks, db, key, value, decodeMeta(value));
      const limit = Math.min(FIELDS_PER_BATCH, maxFields - reclaimed);
      const { due, next } = await this.dueEntries(hash, now, limit);
      // The decision and the write: one synchronous step over current values.
      const current = ks.db.get(metaKey);
      if (current instanceof Promise) {
        await current;
        continue;
      }
      if (current === undefined || !current.equals(value)) continue;
      const fieldPrefix = hash.prefix(MemberTag.HashField);
      const stored = ks.readMembers(due.map(([, field]) => fieldPrefix + field));
      if (stored instanceof Promise) {
        await stored;
        continue;
      }
      const removed = this.commit(hash, due, stored, next);
      reclaimed += Math.max(removed, due.length);
      if (next === NO_EXPIRE || next > now) return true;
      if (reclaimed >= maxFields) return false;
    }
  }

  /**
   * The first `limit` `e` entries due by `now` (time and field), and the time of the entry after
   * them (NO_EXPIRE: none), read at a snapshot.
   */
  private async dueEntries(hash: Collection, now: number, limit: number): Promise<{ due: Array<readonly [number, BinaryKey]>; next: number }> {
    const prefix = hash.prefix(MemberTag.HashFieldExpiry);
    const it = this.ks.db.iterator({ start: prefix, end: prefixEnd(prefix) });
    const due: Array<readonly [number, BinaryKey]> = [];
    let next = NO_EXPIRE;
    try {
      for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
        const expire = decodeTime(entry.key, prefix.length);
        if (expire > now || due.length === limit) {
          next = expire;
          break;
        }
        due.push([expire, entry.key.slice(prefix.length + TIME_BYTES)]);
      }
    } finally {
      it.close();
    }
    return { due, next };
  }

  /** Deletes the due fields still carrying their indexed time; returns how many. Not awaited: no reply waits for it. */
  private commit(hash: Collection, due: ReadonlyArray<readonly [number, BinaryKey]>, stored: ReadonlyArray<Buffer | null>, next: number): number {
    const ks = this.ks;
    const meta = hash.meta;
    const fieldPrefix = hash.prefix(MemberTag.HashField);
    const expiryPrefix = hash.prefix(MemberTag.HashFieldExpiry);
    const batch = ks.batch();
    let removed = 0;
    const removedFields: BinaryKey[] = [];
    for (let i = 0; i < due.length; i++) {
      const [expire, field] = due[i];
      batch.deleteMember(expiryPrefix + encodeTime(expire) + field);
      const record = stored[i];
      if (record === null || fieldExpireAt(record) !== expire) continue;
      batch.deleteMember(fieldPrefix + field);
      noteRemoved(ks, fieldPrefix, fieldPrefix + field);
      meta.count--;
      removed++;
      removedFields.push(field);
    }
    if (next === NO_EXPIRE) {
      meta.flags &= ~MetaFlag.FieldExpires;
      meta.minFieldExpire = NO_EXPIRE;
    } else {
      meta.minFieldExpire = next;
    }
    if (removed === 0) {
      // Only the metadata's bound moved: not a change of the key a WATCH should see.
      batch.putUnwatched(hash.db, hash.key, encodeMeta(meta), hash.previous);
      batch.commit().catch((err: unknown) => ks.backgroundFailure(err));
      return 0;
    }
    hash.commit(batch).catch((err: unknown) => ks.backgroundFailure(err));
    ks.stats.expiredSubkeys += removed;
    ks.events.notify(NOTIFY_HASH, 'hexpired', hash.key, hash.db);
    if (meta.count === 0) ks.events.notify(NOTIFY_GENERIC, 'del', hash.key, hash.db);
    if (ks.fieldExpiryListener !== null) ks.fieldExpiryListener(hash.db, hash.key, removedFields);
    return removed;
  }

  private dropStale(indexKey: BinaryKey): Promise<unknown> {
    return this.ks.deleteFieldExpiryEntry(indexKey);
  }
}
