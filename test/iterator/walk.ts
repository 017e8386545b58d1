/**
 * Checks any InternalIterator against a sorted model of its entries by a seeded random walk:
 * seeks of every kind (first, last, to a key, to a key and sequence number, before a key) mixed
 * with runs of next and prev, so direction changes happen at arbitrary places. After every move
 * the iterator must sit exactly where the model says. Shared by the memtable, block, table, level
 * and merging iterator tests.
 */
import * as assert from 'uvu/assert';
import type { InternalIterator } from '../../src/engine/iterator/internal-iterator.js';
import { compareInternal, type BinaryKey, type EntryKind, type SequenceNumber } from '../../src/engine/types.js';

export interface ModelEntry {
  key: BinaryKey;
  seq: SequenceNumber;
  kind: EntryKind;
  value: string;
}

export function entryAt(it: InternalIterator): ModelEntry {
  return { key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') };
}

/** Awaits a move only if it returned a Promise. */
export async function settle(move: void | Promise<void>): Promise<void> {
  if (move !== undefined) await move;
}

/** Every entry from seekToLast back to the first, via prev. */
export async function drainBackward(it: InternalIterator, limit = Infinity): Promise<ModelEntry[]> {
  const out: ModelEntry[] = [];
  await settle(it.seekToLast());
  while (it.valid && out.length < limit) {
    out.push(entryAt(it));
    await settle(it.prev());
  }
  return out;
}

/** Index of the first model entry >= (key, seq) in internal order; model.length if none. */
export function firstAtOrAfter(model: readonly ModelEntry[], key: BinaryKey, seq: SequenceNumber): number {
  let lo = 0;
  let hi = model.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareInternal(model[mid].key, model[mid].seq, key, seq) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last model entry whose user key is < key; -1 if none. */
export function lastBefore(model: readonly ModelEntry[], key: BinaryKey): number {
  let lo = 0;
  let hi = model.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (model[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export interface WalkOptions {
  steps: number;
  /** Seek targets: besides these, keys of the model and their neighbours are used. */
  randomKey: () => BinaryKey;
  /** Names the case in failure messages (with the seed). */
  context: string;
}

/**
 * The random walk. Position -1 or model.length means invalid; while invalid only seeks happen.
 * Runs of moves in one direction are long enough to cross blocks and files. Moves may return
 * Promises (a table without a cache): they are awaited.
 */
export async function randomWalk(it: InternalIterator, model: readonly ModelEntry[], random: () => number, options: WalkOptions): Promise<void> {
  const pickKey = (): BinaryKey => {
    const roll = random();
    if (model.length === 0 || roll < 0.3) return options.randomKey();
    const key = model[Math.floor(random() * model.length)].key;
    if (roll < 0.6) return key;
    if (roll < 0.75) return key + '\0';
    if (roll < 0.9) return key.slice(0, -1);
    return key + '\xff';
  };
  let position = -1;
  let moves: string[] = [];
  const check = (what: string): void => {
    moves.push(what);
    if (moves.length > 12) moves = moves.slice(-12);
    const where = `${options.context}: after ${moves.join(', ')}`;
    if (position < 0 || position >= model.length) {
      assert.is(it.valid, false, `${where}: expected invalid`);
      return;
    }
    assert.ok(it.valid, `${where}: expected ${JSON.stringify(model[position])}`);
    assert.equal(entryAt(it), model[position], where);
  };
  for (let step = 0; step < options.steps; step++) {
    const valid = position >= 0 && position < model.length;
    const roll = random();
    if (!valid || roll < 0.12) {
      const kind = random();
      if (kind < 0.1) {
        await settle(it.seekToFirst());
        position = 0;
        check('seekToFirst');
      } else if (kind < 0.2) {
        await settle(it.seekToLast());
        position = model.length - 1;
        check('seekToLast');
      } else if (kind < 0.5) {
        const key = pickKey();
        await settle(it.seek(key));
        position = firstAtOrAfter(model, key, Number.MAX_SAFE_INTEGER);
        check(`seek(${JSON.stringify(key)})`);
      } else if (kind < 0.65) {
        const target = model.length > 0 && random() < 0.8 ? model[Math.floor(random() * model.length)] : undefined;
        const key = target?.key ?? pickKey();
        const seq = target === undefined ? Math.floor(random() * 1000) : target.seq + Math.floor(random() * 3) - 1;
        await settle(it.seek(key, seq));
        position = firstAtOrAfter(model, key, seq);
        check(`seek(${JSON.stringify(key)}, ${seq})`);
      } else {
        const key = pickKey();
        await settle(it.seekBefore(key));
        position = lastBefore(model, key);
        check(`seekBefore(${JSON.stringify(key)})`);
      }
      continue;
    }
    const forward = roll < 0.56;
    const run = 1 + Math.floor(random() * (random() < 0.2 ? 200 : 8));
    for (let i = 0; i < run && position >= 0 && position < model.length; i++) {
      if (forward) {
        await settle(it.next());
        position++;
        check('next');
      } else {
        await settle(it.prev());
        position--;
        check('prev');
      }
    }
  }
}
