/**
 * The GEO search over a stored sorted set (src/types/geo.ts, pointsInShape) against a model: the
 * members whose scores fall in the score ranges of the cells Redis reads (searchCells), cell by
 * cell in Redis' order, each in score then member order, kept when inside the shape. The set has
 * 20 000 points, spilled into tables; the reads are counted, and must be the members of those
 * ranges alone (never the whole set), stopping early with a limit (ANY).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Db } from '../../src/engine/db.js';
import type { BinaryKey } from '../../src/engine/types.js';
import { Keyspace, keyspaceDbOptions } from '../../src/keyspace/keyspace.js';
import { ValueType } from '../../src/keyspace/encoding.js';
import { newMeta } from '../../src/keyspace/collection-encoding.js';
import { Collection, openCollection } from '../../src/types/collection.js';
import { ZSetReader, putMember, type ScoreRange, type ScoredMember } from '../../src/types/zset.js';
import { pointsInShape } from '../../src/types/geo.js';
import { cellScores, decodeScore, distanceWithin, scoreOf, searchCells, type Shape } from '../../src/types/geohash.js';
import { smallDbOptions, tempDirs } from '../support/engine-dirs.js';
import { mulberry32 } from '../support/prng.js';

const dirs = tempDirs('stratakv-geo-');
test.after(() => dirs.removeAll());

const LIMITS = { maxEntries: 128, maxValue: 64, rankBucket: 1024 };

/** A reader that counts the entries its score-range visits are shown. */
class CountingReader extends ZSetReader {
  visited = 0;

  override visitByScore(r: ScoreRange, visit: (entry: ScoredMember) => boolean): Promise<void> {
    return super.visitByScore(r, (e) => {
      this.visited++;
      return visit(e);
    });
  }
}

const byScore = (a: ScoredMember, b: ScoredMember): number => (a.score !== b.score ? a.score - b.score : a.member < b.member ? -1 : a.member > b.member ? 1 : 0);

test('a search reads only its cells, in Redis order, and finds what the model finds', async () => {
  const db = await Db.open({ ...smallDbOptions(dirs.make()), ...keyspaceDbOptions() });
  const ks = await Keyspace.open(db, { databases: 1 });
  try {
    const random = mulberry32(21);
    const z = new Collection(ks, 0, 'g', null, newMeta(ValueType.ZSet, ks.versions.next()));
    const batch = ks.batch();
    const all: ScoredMember[] = [];
    for (let i = 0; i < 20_000; i++) {
      const lon = random() * 360 - 180;
      const lat = (random() * 2 - 1) * 85;
      const score = scoreOf(lon, lat) as number;
      const member: BinaryKey = `p${i}`;
      putMember(z, batch, member, score, null, LIMITS);
      all.push({ member, score });
    }
    await z.commit(batch);
    all.sort(byScore);
    let stored: Collection | null = null;
    while (stored === null) {
      const c = openCollection(ks, 0, 'g', ValueType.ZSet, true);
      if (c instanceof Promise) await c;
      else stored = c as Collection;
    }
    for (let round = 0; round < 60; round++) {
      const lon = random() * 360 - 180;
      const lat = (random() * 2 - 1) * 85;
      const meters = 10 ** (3 + random() * 3.5);
      const shape: Shape = round % 2 === 0
        ? { kind: 'radius', lon, lat, conversion: 1, radius: meters }
        : { kind: 'box', lon, lat, conversion: 1, width: meters, height: meters * 2 };
      // The model: cells in order (one equal to the cell read just before skipped), members by score.
      const cells = searchCells(shape);
      const inRanges: ScoredMember[] = [];
      let last = 0;
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i];
        const previous = cells[last];
        if (cell === null || (last !== 0 && previous !== null && previous.bits === cell.bits)) continue;
        const [min, max] = cellScores(cell);
        inRanges.push(...all.filter((e) => e.score >= min && e.score < max));
        last = i;
      }
      const expected = inRanges.filter((e) => {
        const [x, y] = decodeScore(e.score);
        return distanceWithin(shape, x, y) !== null;
      }).map((e) => e.member);
      const reader = new CountingReader(stored);
      try {
        const found = await pointsInShape(reader, shape, 0);
        assert.equal(found.map((p) => p.member), expected, `search ${JSON.stringify(shape)}`);
        assert.is(reader.visited, inRanges.length, 'only the members of the cells were read');
        // A search of up to ~30 km away from the poles reads a small part of the set.
        if (meters < 30_000 && Math.abs(lat) < 60) assert.ok(reader.visited < all.length / 100, `a small search reads little of the set (${reader.visited})`);
        if (expected.length > 2) {
          const limited = new CountingReader(stored);
          const some = await pointsInShape(limited, shape, 2);
          assert.equal(some.map((p) => p.member), expected.slice(0, 2), 'ANY keeps the first matches');
          assert.ok(limited.visited <= reader.visited);
          limited.close();
        }
      } finally {
        reader.close();
      }
    }
  } finally {
    await ks.close();
    await db.close();
  }
});

test.run();
