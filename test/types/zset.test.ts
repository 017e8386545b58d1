/**
 * The sorted-set reads (src/types/zset.ts, ZSetReader) against a model: a sorted array, and, for
 * lex ranges, Redis' listpack algorithm written out as it walks (first member not below min in
 * score order, then members while not beyond max), which is what the seeks must reproduce over
 * sets with mixed scores too. Sets are big enough to spill into tables, so the walks cross the
 * memtable and the levels. Also: a plain set read as a set-operation input (score 1).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Db } from '../../src/engine/db.js';
import type { BinaryKey } from '../../src/engine/types.js';
import { Keyspace, keyspaceDbOptions } from '../../src/keyspace/keyspace.js';
import { ValueType } from '../../src/keyspace/encoding.js';
import { MemberTag, encodeMeta, newMeta } from '../../src/keyspace/collection-encoding.js';
import { Collection, openCollection } from '../../src/types/collection.js';
import {
  SetOpInput, ZSetReader, lexGteMin, lexLteMax, lexRangeEmpty, putMember, randomScored, removeMember, scoreRangeEmpty,
  type LexBound, type LexRange, type ScoreRange, type ScoredMember,
} from '../../src/types/zset.js';
import { smallDbOptions, tempDirs } from '../support/engine-dirs.js';
import { mulberry32 } from '../support/prng.js';

const dirs = tempDirs('stratakv-zset-');
test.after(() => dirs.removeAll());

const LIMITS = { maxEntries: 128, maxValue: 64, rankBucket: 1024 };

async function open(): Promise<{ db: Db; ks: Keyspace }> {
  const db = await Db.open({ ...smallDbOptions(dirs.make()), ...keyspaceDbOptions() });
  return { db, ks: await Keyspace.open(db, { databases: 1 }) };
}

/** The collection at `key` as a command opens it (waiting for the disk when needed). */
async function load(ks: Keyspace, key: BinaryKey): Promise<Collection> {
  for (;;) {
    const c = openCollection(ks, 0, key, ValueType.ZSet, false);
    if (c instanceof Promise) {
      await c;
      continue;
    }
    if (c === null || typeof c === 'symbol') throw new Error(`no sorted set at ${key}`);
    return c;
  }
}

const byScore = (a: ScoredMember, b: ScoredMember): number => (a.score !== b.score ? (a.score < b.score ? -1 : 1) : a.member < b.member ? -1 : a.member > b.member ? 1 : 0);

/** Redis' zzlFirstInLexRange / zzlLastInLexRange and the walk after them, over the model. */
function modelLex(all: readonly ScoredMember[], r: LexRange, reverse: boolean, offset: number, limit: number): ScoredMember[] {
  if (lexRangeEmpty(r) || all.length === 0) return [];
  if (!lexGteMin(all[all.length - 1].member, r.min) || !lexLteMax(all[0].member, r.max)) return [];
  let at = -1;
  if (!reverse) {
    for (let i = 0; i < all.length; i++) {
      if (!lexGteMin(all[i].member, r.min)) continue;
      if (lexLteMax(all[i].member, r.max)) at = i;
      break;
    }
  } else {
    for (let i = all.length - 1; i >= 0; i--) {
      if (!lexLteMax(all[i].member, r.max)) continue;
      if (lexGteMin(all[i].member, r.min)) at = i;
      break;
    }
  }
  const out: ScoredMember[] = [];
  if (at < 0 || offset < 0) return out;
  const step = reverse ? -1 : 1;
  for (let i = at + step * offset; i >= 0 && i < all.length && out.length !== limit; i += step) {
    const m = all[i].member;
    if (reverse ? !lexGteMin(m, r.min) : !lexLteMax(m, r.max)) break;
    out.push(all[i]);
  }
  return out;
}

function inScoreRange(score: number, r: ScoreRange): boolean {
  return (r.minExclusive ? score > r.min : score >= r.min) && (r.maxExclusive ? score < r.max : score <= r.max);
}

test('ranks, score ranges, counts and lex ranges agree with a model, over mixed and single-score sets', async () => {
  const seed = Number(process.env.TEST_SEED ?? 20251207);
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const { db, ks } = await open();
  try {
    // Few scores, one score, and many (where finding a lex start stops seeking score by score and walks).
    const many = Array.from({ length: 300 }, (_, i) => i / 3);
    const sets: Array<readonly [string, readonly number[]]> = [['mixed', [-2, -0.5, 0, 1, 1, 1, 2.5, 7, Infinity, -Infinity]], ['flat', [0]], ['spread', many]];
    for (const [key, scores] of sets) {
      const z = new Collection(ks, 0, key, null, newMeta(ValueType.ZSet, ks.versions.next()));
      const model = new Map<BinaryKey, number>();
      const batch = ks.batch();
      for (let i = 0; i < 3000; i++) {
        const member = pick(['a', 'b', 'ab', 'm', 'x']) + Math.floor(random() * 2000).toString(36);
        const score = pick(scores);
        const previous = model.get(member) ?? null;
        if (previous === score) continue;
        putMember(z, batch, member, score, previous, LIMITS);
        model.set(member, score);
      }
      await z.commit(batch);
      const all = [...model].map(([member, score]) => ({ member, score })).sort(byScore);
      const reader = new ZSetReader(await load(ks, key));
      try {
        assert.is(reader.count, all.length);
        assert.equal(await reader.all(), all);
        for (let round = 0; round < 60; round++) {
          const start = Math.floor(random() * all.length);
          const end = Math.min(all.length - 1, start + Math.floor(random() * 40));
          assert.equal(await reader.byRank(start, end), all.slice(start, end + 1), `ranks ${start}..${end}`);
          const probe = pick(all);
          assert.is(await reader.rankOf(probe.member, probe.score), all.indexOf(probe), `rank of ${probe.member}`);
          const bound = (): number => pick([...scores, 0.5, 3]);
          const r: ScoreRange = { min: bound(), max: bound(), minExclusive: random() < 0.3, maxExclusive: random() < 0.3 };
          const inRange = scoreRangeEmpty(r) ? [] : all.filter((e) => inScoreRange(e.score, r));
          const reverse = random() < 0.5;
          const offset = pick([0, 0, 1, 5, -1]);
          const limit = pick([-1, 0, 3, 50]);
          const ordered = reverse ? [...inRange].reverse() : inRange;
          const window = offset < 0 ? [] : ordered.slice(offset, limit < 0 ? undefined : offset + limit);
          assert.equal(await reader.byScoreRange(r, reverse, { offset, limit }), window, `score range ${JSON.stringify(r)} ${reverse} ${offset} ${limit}`);
          assert.is(await reader.countByScore(r), inRange.length, `count ${JSON.stringify(r)}`);
          const lexBound = (): LexBound => {
            const x = random();
            if (x < 0.1) return { kind: 'minus' };
            if (x < 0.2) return { kind: 'plus' };
            return { kind: 'value', value: pick(all).member.slice(0, 1 + Math.floor(random() * 3)), exclusive: random() < 0.5 };
          };
          // Lex ranges over mixed scores differ from plain key ranges in corners (a start beyond
          // max ends the range even when later members fit, offsets skip unchecked): many tries.
          for (let i = 0; i < 10; i++) {
            const lex: LexRange = { min: lexBound(), max: lexBound() };
            const lexReverse = random() < 0.5;
            const lexOffset = pick([0, 1, 2, 30, -1]);
            assert.equal(await reader.byLex(lex, lexReverse, { offset: lexOffset, limit }), modelLex(all, lex, lexReverse, lexOffset, limit), `lex ${JSON.stringify(lex)} ${lexReverse} ${lexOffset} ${limit}`);
            assert.is(await reader.countByLex(lex), modelLex(all, lex, false, 0, -1).length, `lex count ${JSON.stringify(lex)}`);
          }
        }
        // Paging by member: every member once, in member order.
        const paged: BinaryKey[] = [];
        let after: BinaryKey | undefined;
        for (;;) {
          const page = await reader.membersAfter(after, 97);
          paged.push(...page.entries.map((e) => e.member));
          if (!page.more) break;
          after = page.entries[page.entries.length - 1].member;
        }
        assert.equal(paged, [...model.keys()].sort());
        const loaded = await load(ks, key);
        for (let i = 0; i < 50; i++) {
          const [one] = await randomScored(loaded, 1, false);
          assert.ok(one !== undefined && model.get(one.member) === one.score, 'a random member is a member, with its score');
        }
      } finally {
        reader.close();
      }
    }
  } catch (error) {
    console.error(`failed with TEST_SEED=${seed}`);
    throw error;
  } finally {
    await ks.close();
    await db.close();
  }
});

test('lex ranges over a few members with mixed scores, where the corners of Redis\' walk show', async () => {
  const seed = Number(process.env.TEST_SEED ?? 7);
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const letters = ['a', 'b', 'c', 'd', 'e', 'f'];
  const { db, ks } = await open();
  try {
    for (let round = 0; round < 40; round++) {
      const key = `small${round}`;
      const z = new Collection(ks, 0, key, null, newMeta(ValueType.ZSet, ks.versions.next()));
      const model = new Map<BinaryKey, number>();
      const batch = ks.batch();
      for (let i = 0; i < 12; i++) {
        const member = pick(letters) + (random() < 0.5 ? pick(letters) : '');
        if (model.has(member)) continue;
        const score = pick([1, 2, 3]);
        putMember(z, batch, member, score, null, LIMITS);
        model.set(member, score);
      }
      await z.commit(batch);
      const all = [...model].map(([member, score]) => ({ member, score })).sort(byScore);
      const reader = new ZSetReader(await load(ks, key));
      try {
        for (let i = 0; i < 40; i++) {
          const bound = (): LexBound => (random() < 0.1 ? { kind: pick(['minus', 'plus'] as const) } : { kind: 'value', value: pick(letters) + (random() < 0.3 ? pick(letters) : ''), exclusive: random() < 0.5 });
          const lex: LexRange = { min: bound(), max: bound() };
          const reverse = random() < 0.5;
          const offset = pick([0, 1, 2, 4]);
          const limit = pick([-1, 1, 3]);
          assert.equal(await reader.byLex(lex, reverse, { offset, limit }), modelLex(all, lex, reverse, offset, limit), `${JSON.stringify(all)} lex ${JSON.stringify(lex)} ${reverse} ${offset} ${limit}`);
          assert.is(await reader.countByLex(lex), modelLex(all, lex, false, 0, -1).length, `${JSON.stringify(all)} lex count ${JSON.stringify(lex)}`);
        }
      } finally {
        reader.close();
      }
    }
  } catch (error) {
    console.error(`failed with TEST_SEED=${seed}`);
    throw error;
  } finally {
    await ks.close();
    await db.close();
  }
});

test('a lex start past many distinct scores: sought score by score, then walked to', async () => {
  const { db, ks } = await open();
  try {
    // In score order: 'a', then one member per score all starting with 'c', then 'y', 'd', 'z'.
    const z = new Collection(ks, 0, 'many', null, newMeta(ValueType.ZSet, ks.versions.next()));
    const batch = ks.batch();
    putMember(z, batch, 'a', -1, null, LIMITS);
    for (let s = 0; s < 100; s++) putMember(z, batch, `c${String(s).padStart(2, '0')}`, s, null, LIMITS);
    putMember(z, batch, 'y', 100, null, LIMITS);
    putMember(z, batch, 'd', 101, null, LIMITS);
    putMember(z, batch, 'z', 102, null, LIMITS);
    await z.commit(batch);
    const reader = new ZSetReader(await load(ks, 'many'));
    try {
      const all = await reader.all();
      const value = (v: string, exclusive = false): LexBound => ({ kind: 'value', value: v, exclusive });
      const members = async (range: LexRange, reverse: boolean, offset = 0): Promise<string[]> => {
        const got = await reader.byLex(range, reverse, { offset, limit: -1 });
        assert.equal(got, modelLex(all, range, reverse, offset, -1), `${JSON.stringify(range)} ${reverse} ${offset}`);
        return got.map((e) => e.member);
      };
      assert.equal(await members({ min: value('x'), max: { kind: 'plus' } }, false), ['y', 'd', 'z']);
      assert.equal(await members({ min: { kind: 'minus' }, max: value('b') }, true), ['a']);
      // The first member not below 'd' is 'y', beyond 'e': nothing, even though 'd' comes next.
      assert.equal(await members({ min: value('d'), max: value('e') }, false), []);
      assert.equal(await members({ min: value('d'), max: value('e') }, false, 1), [], 'no start, so no skipping past it either');
      // Backwards, the first member not above 'b' is 'a', below '(a': nothing.
      assert.equal(await members({ min: value('a', true), max: value('b') }, true, 1), []);
      const c = (from: number, to: number): string[] => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => `c${from + (to > from ? i : -i)}`);
      assert.equal(await members({ min: value('c50'), max: value('c60') }, false), c(50, 60));
      assert.equal(await members({ min: value('c50'), max: value('c60') }, true, 2), c(58, 50));
      assert.equal(await members({ min: value('c99', true), max: { kind: 'plus' } }, false), ['y', 'd', 'z']);
    } finally {
      reader.close();
    }
  } finally {
    await ks.close();
    await db.close();
  }
});

test('removals keep both records and the count in step; -0 is kept only once the set is big', async () => {
  const { db, ks } = await open();
  try {
    const z = new Collection(ks, 0, 'k', null, newMeta(ValueType.ZSet, ks.versions.next()));
    let batch = ks.batch();
    putMember(z, batch, 'a', -0, null, LIMITS);
    putMember(z, batch, 'b', 1, null, LIMITS);
    await z.commit(batch);
    let reader = new ZSetReader(await load(ks, 'k'));
    const small = await reader.all();
    reader.close();
    assert.ok(Object.is(small[0].score, 0), 'a listpack has no negative zero');
    const big = await load(ks, 'k');
    batch = ks.batch();
    putMember(big, batch, 'x'.repeat(65), -0, null, LIMITS);
    putMember(big, batch, 'c', -0, null, LIMITS);
    removeMember(big, batch, 'b', 1);
    await big.commit(batch);
    reader = new ZSetReader(await load(ks, 'k'));
    try {
      const entries = await reader.all();
      assert.equal(entries.map((e) => e.member), ['a', 'c', 'x'.repeat(65)]);
      assert.equal(entries.map((e) => Object.is(e.score, -0)), [false, true, true], 'after the conversion, -0 stays -0');
      assert.ok(Object.is(await reader.scoreOf('c'), -0));
      assert.is(await reader.scoreOf('b'), null);
      assert.is(reader.count, 3);
    } finally {
      reader.close();
    }
  } finally {
    await ks.close();
    await db.close();
  }
});

test('a plain set is a set-operation input whose members score 1', async () => {
  const { db, ks } = await open();
  try {
    // Written as docs/format.md lays sets out: tag 's', the member, an empty value.
    const set = new Collection(ks, 0, 'plain', null, newMeta(ValueType.Set, ks.versions.next()));
    const batch = ks.batch();
    for (const m of ['x', 'y', 'z']) batch.putMember(set.prefix(MemberTag.SetMember) + m, Buffer.alloc(0));
    set.meta.count = 3;
    batch.put(0, 'plain', encodeMeta(set.meta), null);
    await batch.commit();
    const snapshot = db.snapshot();
    try {
      const input = new SetOpInput(set, snapshot);
      const seen: Array<[BinaryKey, number]> = [];
      await input.forEach((m, s) => {
        seen.push([m, s]);
      });
      assert.equal(seen, [['x', 1], ['y', 1], ['z', 1]]);
      assert.is(await input.scoreOf('y'), 1);
      assert.is(await input.scoreOf('w'), null);
      assert.is(input.size, 3);
      const missing = new SetOpInput(null, snapshot);
      assert.is(missing.size, 0);
      assert.is(await missing.scoreOf('x'), null);
    } finally {
      snapshot.release();
    }
  } finally {
    await ks.close();
    await db.close();
  }
});

test.run();
