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
  /** The key's expire time when it was watched (-1: none or absent). */
  readonly expireAt: number;
}

export class WatchRegistry {
  /** Per logical database: watched key -> its watchers. Created on first use. */
  private readonly byDb: (Map<BinaryKey, Set<WatchingClient>> | undefined)[] = [];
  private readonly byClient = new Map<WatchingClient, WatchedKey[]>();

  /** True while at least one key is watched. */
  get active(): boolean {
    return this.byClient.size !== 0;
  }

  watch(db: number, key: BinaryKey, client: WatchingClient, expireAt = -1): void {
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
    list.push({ db, key, expireAt });
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

  /** Flags `client` if one of its keys had an expire time that has passed by `now`. */
  touchExpired(client: WatchingClient, now: number): void {
    const list = this.byClient.get(client);
    if (list === undefined) return;
    for (const watched of list) {
      if (watched.expireAt !== -1 && watched.expireAt <= now) {
        client.watchDirty = true;
        return;
      }
    }
  }

  /** Keys watched in `db` (a fresh array, safe to use while touching). */
  watchedKeys(db: number): BinaryKey[] {
    const keys = this.byDb[db];
    return keys === undefined ? [] : [...keys.keys()];
  }
}
