/**
 * Random members of a collection without reading it: randomPicks gives the members under one
 * member prefix with their engine values (a sorted set's `z` member -> score records for
 * ZRANDMEMBER), randomMembers just the members (a set's for SRANDMEMBER and SPOP, a hash's fields
 * for HRANDFIELD).
 *
 * When many picks would cost about as much as reading the collection in order (size <=
 * FIRST_PICK_COST + count x NEXT_PICK_COST, count > FEW_PICKS), the members are read in order up
 * to the last index drawn, and the picks are exactly uniform.
 *
 * Otherwise each pick descends the member keys: from the start of the members it goes one
 * byte deeper at a time, to one of the next bytes present chosen uniformly, until at most LEAF
 * members remain below, and picks one of those uniformly. That reaches any member with a few
 * dozen seeks, but not with equal chances: a branch is chosen as often as its siblings whatever
 * its size (with `user:<n>` members, `user:1` holds 100000-199999 as well as 1-19999, yet weighs
 * as much as `user:2`). The chance p of the member reached is known on the way down (the product
 * of 1/choices), so the pick is accepted with probability 1/(p x B), B the largest 1/p any
 * descent of this tree has met, kept between REJECTION_SLACK and REJECTION_CAP times the size:
 * the accepted picks are uniform over every member with 1/p <= B, which is all of them once the
 * rarest kind of member has been reached once (with `user:<n>` members, B is about 6 x size),
 * unless some are rarer than REJECTION_CAP allows; about B / size descents per pick, in memory
 * once the tree is known (below).
 *
 * What a descent reads is kept, per member prefix (a collection version and its member tag), in a
 * PickTree (a few levels of the member keys' trie: the next bytes below each path, and the members
 * of each leaf). The commands that add or remove members tell the tree about every one of them
 * (noteAdded, noteRemoved: set.ts and hash.ts do), which keeps it exact, so the next picks, in
 * later commands too, descend in memory. A pick is a PickJob that runs synchronously as far as
 * the tree goes and, only if it meets a node it must read, goes on asynchronously from where it
 * stopped (not from the start, which would favour what is known): SRANDMEMBER, SPOP and
 * HRANDFIELD on a collection whose tree is known answer synchronously, like SISMEMBER. Each pick
 * is checked against the engine before it is returned; a tree found wrong is dropped and read
 * again. Trees are bounded in number and size (leaves go first).
 */
import type { BinaryKey } from '../engine/types.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { prefixEnd } from '../keyspace/encoding.js';
import type { MemberTag } from '../keyspace/collection-encoding.js';
import type { Collection } from './collection.js';

/**
 * Members read in order that cost about as much as a command's first pick by descent (from a
 * tree not read yet), and as each further pick. Measured on a 200 000-member set on a loaded
 * 2-core machine: a pick from a tree not read yet 2-3.5 ms, SMEMBERS 3 us per member; from a
 * known tree, SRANDMEMBER answers 50-60 000 times a second (redis-benchmark, 50 clients).
 */
const FIRST_PICK_COST = 1024;
const NEXT_PICK_COST = 128;
/** A branch with at most this many members is picked from uniformly; also the keys read at once at each level. */
const LEAF = 128;
/** Next bytes enumerated one seek each before a level counts as dense (then: a uniform byte between the smallest and largest present, moved up to one present). */
const MAX_CHILDREN = 16;
/** The rejection bound is at least REJECTION_SLACK x size, at most REJECTION_CAP x size (a pick costs about bound / size descents). */
const REJECTION_SLACK = 4;
const REJECTION_CAP = 16;
/** Descents tried per pick before taking whatever the last one reached ((15/16)^256: about 1 pick in 10^7 at the cap). */
const MAX_DESCENTS = 256;
/** Trees kept per keyspace (the sets picked from most recently), and nodes in all of them (a leaf holds up to LEAF keys). */
const MAX_TREES = 32;
const MAX_NODES = 16_384;

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

/** Fisher-Yates, in place. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/**
 * Up to this many picks always descend, whatever the collection's size: once its tree is known
 * they cost microseconds, and reading it (one leaf for up to LEAF members) costs about what
 * reading the collection in order would.
 */
const FEW_PICKS = 8;

/** A picked member (a binary string, after the member prefix) and its engine value (empty for a set member, the score bytes for a sorted set's). */
export interface Pick {
  readonly member: BinaryKey;
  readonly value: Buffer;
}

/**
 * `count` random members of `collection` among its `tag` keys (as binary strings, after the
 * prefix): distinct ones (fewer than the collection's size), or drawn with repeats; in random
 * order. Synchronously when the collection's tree holds what the picks need, else a Promise (the
 * key must stay held until it settles).
 */
export function randomMembers(collection: Collection, tag: MemberTag, count: number, distinct: boolean): BinaryKey[] | Promise<BinaryKey[]> {
  const picked = randomPicks(collection, tag, count, distinct);
  return picked instanceof Promise ? picked.then(membersOf) : membersOf(picked);
}

function membersOf(picks: readonly Pick[]): BinaryKey[] {
  return picks.map((p) => p.member);
}

/**
 * `count` random members of `c` among its member records of kind `tag` (one record per member:
 * a set's members, a sorted set's member -> score records), with their values; as randomMembers.
 * The members are exactly those whose engine keys SADD/ZADD... tell noteAdded about.
 */
export function randomPicks(c: Collection, tag: MemberTag, count: number, distinct: boolean): Pick[] | Promise<Pick[]> {
  const size = c.meta.count;
  const prefix = c.prefix(tag);
  const byDescent = count <= FEW_PICKS || size > FIRST_PICK_COST + count * NEXT_PICK_COST;
  if (!byDescent) return inOrder(c.ks, prefix, size, count, distinct);
  const job = new PickJob(treeOf(c.ks, prefix), size, count, distinct);
  const done = job.run();
  if (done === true) return job.picked;
  if (done === null) return inOrder(c.ks, prefix, size, count, distinct);
  return job.finish().then((picked) => picked ?? inOrder(c.ks, prefix, size, count, distinct));
}

/** Exactly uniform picks by reading the members in order up to the last index drawn. */
async function inOrder(ks: Keyspace, prefix: BinaryKey, size: number, count: number, distinct: boolean): Promise<Pick[]> {
  return shuffle(await picksAt(ks, prefix, drawIndexes(size, count, distinct)));
}

/** `count` indexes below `size`, ascending: distinct (Floyd's algorithm) or drawn with repeats. */
function drawIndexes(size: number, count: number, distinct: boolean): number[] {
  const out: number[] = [];
  if (distinct) {
    const taken = new Set<number>();
    for (let j = size - Math.min(count, size); j < size; j++) {
      const t = randomInt(j + 1);
      taken.add(taken.has(t) ? j : t);
    }
    out.push(...taken);
  } else {
    for (let i = 0; i < count; i++) out.push(randomInt(size));
  }
  return out.sort((a, b) => a - b);
}

/** The members under `prefix` at `indexes` (ascending, repeats allowed) in byte order, read in order up to the last, at a snapshot taken now. */
async function picksAt(ks: Keyspace, prefix: BinaryKey, indexes: readonly number[]): Promise<Pick[]> {
  const out: Pick[] = [];
  if (indexes.length === 0) return out;
  const it = ks.db.iterator({ start: prefix, end: prefixEnd(prefix) });
  try {
    let next = 0;
    for (let position = 0; next < indexes.length; position++) {
      const entry = await it.next();
      if (entry === undefined) break;
      if (indexes[next] !== position) continue;
      const pick: Pick = { member: entry.key.slice(prefix.length), value: entry.value };
      for (; next < indexes.length && indexes[next] === position; next++) out.push(pick);
    }
  } finally {
    it.close();
  }
  return out;
}

// ---------------------------------------------------------------- trees

/**
 * What is known below one path (an engine key prefix: the member prefix and some first bytes of
 * members). A leaf: every key below (at most LEAF), in order. An inner node: whether the path
 * itself is a member key, and the next bytes present below it: all of them, or (dense) the
 * smallest and largest.
 */
type PickNode = { readonly leaf: true; keys: BinaryKey[] } | { readonly leaf: false; exact: boolean; bytes: number[]; dense: boolean };

/** The trees of one keyspace, most recently used last, and their node count. */
interface TreeCache {
  trees: Map<BinaryKey, PickTree>;
  nodes: number;
}

const caches = new WeakMap<Keyspace, TreeCache>();

function treeOf(ks: Keyspace, prefix: BinaryKey): PickTree {
  let cache = caches.get(ks);
  if (cache === undefined) {
    cache = { trees: new Map(), nodes: 0 };
    caches.set(ks, cache);
  }
  let tree = cache.trees.get(prefix);
  if (tree !== undefined) cache.trees.delete(prefix);
  else tree = new PickTree(ks, prefix, cache);
  cache.trees.set(prefix, tree);
  for (const [oldest, old] of cache.trees) {
    if (cache.trees.size <= MAX_TREES) break;
    old.evict();
    cache.trees.delete(oldest);
  }
  return tree;
}

/** SADD, SMOVE, HSET, ZADD and friends: `key` (a member's engine key under `prefix`) is being added; the tree, if any, learns it. */
export function noteAdded(ks: Keyspace, prefix: BinaryKey, key: BinaryKey): void {
  caches.get(ks)?.trees.get(prefix)?.added(key);
}

/** SREM, SMOVE, SPOP, HDEL, ZREM and friends: `key` is being removed. */
export function noteRemoved(ks: Keyspace, prefix: BinaryKey, key: BinaryKey): void {
  caches.get(ks)?.trees.get(prefix)?.removed(key);
}

/** The part of one collection version's member-key trie that descents have read, kept exact as members come and go. */
class PickTree {
  private readonly nodes = new Map<BinaryKey, PickNode>();
  /** Evicted from the cache (a pick under way may still use it): it keeps nothing more. */
  private evicted = false;
  /** The largest weight a descent has reached, and the collection's size then (one that shrank by half starts it again). */
  private maxWeight = 0;
  private maxWeightSize = 0;

  constructor(
    readonly ks: Keyspace,
    readonly prefix: BinaryKey,
    private readonly cache: TreeCache,
  ) {}

  /** The node at `path` if known. */
  node(path: BinaryKey): PickNode | undefined {
    return this.nodes.get(path);
  }

  /** The rejection bound for a collection of `size`, after a descent reached `weight` (see the top of the file). */
  bound(weight: number, size: number): number {
    if (size * 2 < this.maxWeightSize) this.maxWeight = 0;
    if (weight > this.maxWeight) {
      this.maxWeight = weight;
      this.maxWeightSize = size;
    }
    return Math.min(REJECTION_CAP * size, Math.max(REJECTION_SLACK * size, this.maxWeight));
  }

  /** The node at `path`, read from the engine (the first time it is reached). */
  async read(path: BinaryKey): Promise<PickNode> {
    const head = await firstKeys(this.ks, path, prefixEnd(path), LEAF + 1);
    let node: PickNode;
    if (head.length <= LEAF) node = { leaf: true, keys: head };
    else {
      const exact = head[0].length === path.length;
      node = { leaf: false, exact, ...(await this.nextBytes(path, head, exact ? 1 : 0)) };
    }
    this.remember(path, node);
    return node;
  }

  private remember(path: BinaryKey, node: PickNode): void {
    if (this.evicted) return;
    if (!this.nodes.has(path)) this.cache.nodes++;
    this.nodes.set(path, node);
    if (this.cache.nodes <= MAX_NODES) return;
    // Over the budget: the leaves go (cheap to read again, one read each), the levels above stay;
    // if those alone are too many, the whole tree starts again.
    for (const [p, n] of this.nodes) if (n.leaf) this.forget(p);
    if (this.cache.nodes > MAX_NODES) this.clear();
  }

  private forget(path: BinaryKey): void {
    if (this.nodes.delete(path)) this.cache.nodes--;
  }

  clear(): void {
    this.cache.nodes -= this.nodes.size;
    this.nodes.clear();
    this.maxWeight = 0;
    this.maxWeightSize = 0;
  }

  evict(): void {
    this.clear();
    this.evicted = true;
  }

  /**
   * The bytes that follow `path` in member keys: `head` (its first keys, from index `from` on all
   * longer than `path`) shows the smallest ones without a seek; one seek past the last one known
   * finds each next, up to MAX_CHILDREN; beyond, the level is dense and a binary search finds the
   * largest.
   */
  private async nextBytes(path: BinaryKey, head: readonly BinaryKey[], from: number): Promise<{ bytes: number[]; dense: boolean }> {
    const at = path.length;
    const end = prefixEnd(path);
    const bytes: number[] = [];
    for (let i = from; i < head.length; i++) {
      const b = head[i].charCodeAt(at);
      if (bytes.length === 0 || bytes[bytes.length - 1] !== b) bytes.push(b);
    }
    let last = bytes[bytes.length - 1];
    while (bytes.length <= MAX_CHILDREN) {
      const next = last === 0xff ? undefined : await firstKey(this.ks, path + String.fromCharCode(last + 1), end);
      if (next === undefined) return { bytes, dense: false };
      last = next.charCodeAt(at);
      bytes.push(last);
    }
    let lo = last;
    let hi = 0xff;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((await firstKey(this.ks, path + String.fromCharCode(mid), end)) !== undefined) lo = mid;
      else hi = mid - 1;
    }
    return { bytes: [bytes[0], lo], dense: true };
  }

  /** The largest next byte present below `target` (binary search), or low - 1 when `target` is `low`, the smallest. */
  async presentBelow(path: BinaryKey, low: number, target: number): Promise<number> {
    if (target === low) return low - 1;
    let lo = low;
    let hi = target - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((await firstKey(this.ks, path + String.fromCharCode(mid), path + String.fromCharCode(target))) !== undefined) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** A member key is being added: the nodes on its path learn it; a leaf grown past LEAF becomes an inner node. */
  added(key: BinaryKey): void {
    for (let path = this.prefix; ; path += key[path.length]) {
      const node = this.nodes.get(path);
      if (node === undefined) return;
      if (node.leaf) {
        const at = lowerBound(node.keys, key);
        if (node.keys[at] !== key) node.keys.splice(at, 0, key);
        if (node.keys.length > LEAF) this.nodes.set(path, innerOf(path, node.keys));
        return;
      }
      if (key.length === path.length) {
        node.exact = true;
        return;
      }
      const b = key.charCodeAt(path.length);
      if (node.dense) {
        node.bytes[0] = Math.min(node.bytes[0], b);
        node.bytes[1] = Math.max(node.bytes[1], b);
      } else {
        const at = lowerBound(node.bytes, b);
        if (node.bytes[at] !== b) node.bytes.splice(at, 0, b);
        if (node.bytes.length > MAX_CHILDREN) {
          node.dense = true;
          node.bytes = [node.bytes[0], node.bytes[node.bytes.length - 1]];
        }
      }
    }
  }

  /**
   * A member key is being removed: it leaves its leaf (or its inner node's `exact`), and a node
   * left empty goes, with its byte in the node above. A dense node above goes whole (its smallest
   * or largest byte may have gone): it is read again when next reached.
   */
  removed(key: BinaryKey): void {
    const trail: BinaryKey[] = [];
    for (let path = this.prefix; ; path += key[path.length]) {
      const node = this.nodes.get(path);
      if (node === undefined) return;
      let empty: boolean;
      if (node.leaf) {
        const at = lowerBound(node.keys, key);
        if (node.keys[at] === key) node.keys.splice(at, 1);
        empty = node.keys.length === 0;
      } else if (key.length === path.length) {
        node.exact = false;
        empty = node.bytes.length === 0;
      } else {
        trail.push(path);
        continue;
      }
      if (empty) this.prune(path, trail);
      return;
    }
  }

  /** `path` has no member left: it goes, and so does each node above left without members. */
  private prune(path: BinaryKey, trail: BinaryKey[]): void {
    this.forget(path);
    for (let child = path, i = trail.length - 1; i >= 0; child = trail[i], i--) {
      const parent = trail[i];
      const node = this.nodes.get(parent);
      if (node === undefined || node.leaf) return;
      if (node.dense) {
        this.forget(parent);
        return;
      }
      const b = child.charCodeAt(parent.length);
      node.bytes = node.bytes.filter((x) => x !== b);
      if (node.bytes.length > 0) return;
      if (node.exact) {
        this.nodes.set(parent, { leaf: true, keys: [parent] });
        return;
      }
      this.forget(parent);
    }
  }
}

/** What a pick job waits for: a node to read, a dense level to step through (seeks), or a member check. */
type Need = { readonly node: BinaryKey } | { readonly dense: BinaryKey } | { readonly check: Promise<unknown> };

/**
 * `count` picks by descent (see the top of the file), as a machine that can stop whenever it needs
 * the engine and go on from the same point: run() goes as far as memory allows, finish() goes on
 * asynchronously.
 */
class PickJob {
  readonly picked: Pick[] = [];
  /** Distinct picks: what was picked already (repeats are drawn again, up to a bound). */
  private readonly seen: Set<BinaryKey> | null;
  /** Picks made, repeats included. */
  private picks = 0;
  /** Descents made for the pick under way. */
  private descents = 0;
  /** The descent under way: where it is, and 1/(its chance of getting there). */
  private path: BinaryKey;
  private weight = 1;
  /** A member accepted and waiting for its check against the engine. */
  private accepted: BinaryKey | null = null;
  private need: Need | null = null;

  constructor(
    private readonly tree: PickTree,
    private readonly size: number,
    private readonly count: number,
    distinct: boolean,
  ) {
    this.seen = distinct ? new Set() : null;
    this.path = tree.prefix;
  }

  /** true: every pick is made; false: the engine is needed (finish() goes on); null: give up (read in order instead). */
  run(): boolean | null {
    const tree = this.tree;
    while (this.picked.length < this.count) {
      if (this.seen !== null && this.picks >= 4 * this.count + 32) return null;
      if (this.accepted !== null) {
        const found = tree.ks.readMembers([tree.prefix + this.accepted]);
        if (found instanceof Promise) {
          this.need = { check: found };
          return false;
        }
        const member = this.accepted;
        this.accepted = null;
        const value = found[0];
        if (value === null) {
          // The tree disagrees with the engine: start it again, and this pick.
          tree.clear();
          this.descents = 0;
          continue;
        }
        this.picks++;
        this.descents = 0;
        if (this.seen === null) this.picked.push({ member, value });
        else if (!this.seen.has(member)) {
          this.seen.add(member);
          this.picked.push({ member, value });
        }
        continue;
      }
      const node = tree.node(this.path);
      if (node === undefined) {
        this.need = { node: this.path };
        return false;
      }
      if (node.leaf) {
        if (node.keys.length === 0) {
          if (!this.deadEnd()) return null;
          continue;
        }
        this.reach(node.keys[randomInt(node.keys.length)], this.weight * node.keys.length);
        continue;
      }
      // The path itself may be a member: it gets the chance of one member of a leaf.
      if (node.exact) {
        if (randomInt(LEAF + 1) === 0) {
          this.reach(this.path, this.weight * (LEAF + 1));
          continue;
        }
        this.weight *= (LEAF + 1) / LEAF;
      }
      if (node.bytes.length === 0) {
        if (!this.deadEnd()) return null;
        continue;
      }
      if (node.dense) {
        this.need = { dense: this.path };
        return false;
      }
      this.weight *= node.bytes.length;
      this.path += String.fromCharCode(node.bytes[randomInt(node.bytes.length)]);
    }
    return true;
  }

  /** Goes on until every pick is made, reading what is needed; undefined: give up (read in order instead). */
  async finish(): Promise<Pick[] | undefined> {
    for (;;) {
      const done = this.run();
      if (done === true) return this.picked;
      if (done === null) return undefined;
      const need = this.need as Need;
      this.need = null;
      if ('node' in need) await this.tree.read(need.node);
      else if ('dense' in need) await this.denseStep(need.dense);
      else await need.check;
    }
  }

  /**
   * A dense level: a uniform byte between the smallest and largest, moved up to the next one
   * present; its chance is the gap below it (back to the previous byte present) over the span.
   */
  private async denseStep(path: BinaryKey): Promise<void> {
    const node = this.tree.node(path);
    if (node === undefined || node.leaf || !node.dense) return; // changed meanwhile: run() looks again
    const [low, high] = node.bytes;
    const target = low + randomInt(high - low + 1);
    const snapped = await firstKey(this.tree.ks, path + String.fromCharCode(target), prefixEnd(path));
    if (snapped === undefined) {
      this.deadEnd();
      return;
    }
    const byte = snapped.charCodeAt(path.length);
    this.weight *= (high - low + 1) / (byte - (await this.tree.presentBelow(path, low, target)));
    this.path = path + String.fromCharCode(byte);
  }

  /** A descent reached the member key `key`: accepted with probability weight / bound, else the next descent starts. */
  private reach(key: BinaryKey, weight: number): void {
    this.descents++;
    // The last descent allowed takes what it reached.
    if (this.descents >= MAX_DESCENTS || Math.random() * this.tree.bound(weight, this.size) < weight) this.accepted = key.slice(this.tree.prefix.length);
    this.restart();
  }

  /** A descent found nothing (a branch emptied meanwhile): false when this pick has used up its descents. */
  private deadEnd(): boolean {
    this.descents++;
    this.restart();
    return this.descents < MAX_DESCENTS;
  }

  private restart(): void {
    this.path = this.tree.prefix;
    this.weight = 1;
  }
}

/** The inner node made of a full leaf's keys (all of them known, so nothing needs reading). */
function innerOf(path: BinaryKey, keys: readonly BinaryKey[]): PickNode {
  const exact = keys[0].length === path.length;
  const bytes: number[] = [];
  for (let i = exact ? 1 : 0; i < keys.length; i++) {
    const b = keys[i].charCodeAt(path.length);
    if (bytes.length === 0 || bytes[bytes.length - 1] !== b) bytes.push(b);
  }
  if (bytes.length > MAX_CHILDREN) return { leaf: false, exact, bytes: [bytes[0], bytes[bytes.length - 1]], dense: true };
  return { leaf: false, exact, bytes, dense: false };
}

/** The first index whose item is not below `item` (sorted ascending). */
function lowerBound<T extends string | number>(items: readonly T[], item: T): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid] < item) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Up to `limit` engine keys from `start` (inclusive) to `end` (exclusive), in order. */
async function firstKeys(ks: Keyspace, start: BinaryKey, end: BinaryKey | undefined, limit: number): Promise<BinaryKey[]> {
  const out: BinaryKey[] = [];
  const it = ks.db.iterator({ start, end });
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      out.push(entry.key);
      if (out.length === limit) break;
    }
  } finally {
    it.close();
  }
  return out;
}

async function firstKey(ks: Keyspace, start: BinaryKey, end: BinaryKey | undefined): Promise<BinaryKey | undefined> {
  const keys = await firstKeys(ks, start, end, 1);
  return keys[0];
}
