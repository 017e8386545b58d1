/**
 * WATCH bookkeeping: which clients watch which (database, key), so that every modification can
 * flag them. Writers check `active` first, so a server where nobody watches pays one property
 * read per write and nothing else.
 */
import type { BinaryKey } from '../engine/types.js';

/** What the keyspace needs of a client: the flag EXEC checks. */
export interface WatchingClient {
  watchDirty: boolean;
}

interface WatchedKey {
  readonly db: number;
  readonly key: BinaryKey;
}

export class WatchRegistry {
  /** Per logical database: watched key -> its watchers. Created on first use. */
  private readonly byDb: (Map<BinaryKey, Set<WatchingClient>> | undefined)[] = [];
  private readonly byClient = new Map<WatchingClient, WatchedKey[]>();

  /** True while at least one key is watched. */
  get active(): boolean {
    return this.byClient.size !== 0;
  }

  watch(db: number, key: BinaryKey, client: WatchingClient): void {
    let keys = this.byDb[db];
    if (keys === undefined) {
      keys = new Map();
      this.byDb[db] = keys;
    }
    let watchers = keys.get(key);
    if (watchers === undefined) {
      watchers = new Set();
      keys.set(key, watchers);
    }
    if (watchers.has(client)) return;
    watchers.add(client);
    let list = this.byClient.get(client);
    if (list === undefined) {
      list = [];
      this.byClient.set(client, list);
    }
    list.push({ db, key });
  }

  unwatchAll(client: WatchingClient): void {
    const list = this.byClient.get(client);
    if (list === undefined) return;
    this.byClient.delete(client);
    for (const { db, key } of list) {
      const keys = this.byDb[db];
      const watchers = keys?.get(key);
      if (keys === undefined || watchers === undefined) continue;
      watchers.delete(client);
      if (watchers.size === 0) keys.delete(key);
    }
  }

  /** Number of distinct keys `client` watches. */
  countFor(client: WatchingClient): number {
    return this.byClient.get(client)?.length ?? 0;
  }

  /** Flags every watcher of (db, key). */
  touch(db: number, key: BinaryKey): void {
    const watchers = this.byDb[db]?.get(key);
    if (watchers === undefined) return;
    for (const client of watchers) client.watchDirty = true;
  }

  /** Keys watched in `db` (a fresh array, safe to use while touching). */
  watchedKeys(db: number): BinaryKey[] {
    const keys = this.byDb[db];
    return keys === undefined ? [] : [...keys.keys()];
  }
}
