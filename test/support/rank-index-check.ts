/**
 * The offline check of sorted-set rank indexes the rank tests share: opens a stopped server's data
 * directory as the server does (the log replayed) and compares every bucket count of the named
 * sorted sets with the members actually in the bucket (checkRankIndex).
 */
import { Db } from '../../src/engine/db.js';
import { Keyspace, keyspaceDbOptions } from '../../src/keyspace/keyspace.js';
import { ValueType, prefixEnd } from '../../src/keyspace/encoding.js';
import { MemberTag } from '../../src/keyspace/collection-encoding.js';
import { openCollection } from '../../src/types/collection.js';
import { checkRankIndex, hasRankIndex } from '../../src/types/zset-rank.js';

export interface RankIndexCheck {
  /** Every disagreement found, prefixed by its key. */
  readonly problems: string[];
  /** Keys whose set carries a rank index. */
  readonly indexed: number;
  /** Bucket records over all the keys. */
  readonly buckets: number;
}

export async function checkRankIndexesOffline(dir: string, keys: readonly string[]): Promise<RankIndexCheck> {
  const db = await Db.open({ dir, ...keyspaceDbOptions() });
  const ks = await Keyspace.open(db, { databases: 16 });
  const problems: string[] = [];
  let indexed = 0;
  let buckets = 0;
  try {
    for (const key of keys) {
      let z = openCollection(ks, 0, key, ValueType.ZSet, false);
      while (z instanceof Promise) {
        await z;
        z = openCollection(ks, 0, key, ValueType.ZSet, false);
      }
      if (z === null || typeof z === 'symbol') continue;
      if (hasRankIndex(z)) indexed++;
      for (const p of await checkRankIndex(z)) problems.push(`${key}: ${p}`);
      const prefix = z.prefix(MemberTag.ZSetRank);
      const it = db.iterator({ start: prefix, end: prefixEnd(prefix) });
      try {
        for (let e = await it.next(); e !== undefined; e = await it.next()) buckets++;
      } finally {
        it.close();
      }
    }
  } finally {
    await ks.close();
    await db.close();
  }
  return { problems, indexed, buckets };
}
