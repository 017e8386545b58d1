/**
 * The GEO arithmetic on its own (src/types/geohash.ts, src/util/libm.ts, src/util/printf-fixed.ts):
 * - against a real redis-server 7.0, asked now (nothing here is a recorded number): the scores
 *   GEOADD gives seeded points (limits, poles and antimeridian included), GEOPOS's coordinates,
 *   GEOHASH's strings and GEODIST's distances, computed here from the scores alone;
 * - the cells a search reads: the centre's cell holds the centre, neighbours touch it, cells Redis
 *   drops are beyond the bounding box, and every point within the shape lies in a cell read;
 * - sin, cos and asin rounded correctly, checked against a 200-bit fixed-point model;
 * - `%.<n>f`: exact ties to even, negative zero, values past 1e21.
 * Without redis-server the comparisons are skipped visibly (under CI=true they fail).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, redisTest, startRedis, type TestServer } from '../e2e/helpers.js';
import { mulberry32 } from '../support/prng.js';
import {
  GEO_LAT_MAX, GEO_LAT_MIN, cellScores, decodeCell, decodeScore, distance, distanceWithin, encode, geohashString, scoreOf, searchCells, type Shape,
} from '../../src/types/geohash.js';
import { asin, cos, sin } from '../../src/util/libm.js';
import { humanFixed, printfFixed } from '../../src/util/printf-fixed.js';

let redis: TestServer | null = null;
let client: RawClient;

test.before(async () => {
  redis = await startRedis();
  if (redis !== null) client = await RawClient.connect(redis.port);
});

test.after(async () => {
  client?.close();
  await redis?.stop();
});

/** Seeded [longitude, latitude] pairs: anywhere, near the limits, and the limits themselves. */
function seededPoints(seed: number, n: number): Array<[number, number]> {
  const random = mulberry32(seed);
  const out: Array<[number, number]> = [[180, GEO_LAT_MAX], [-180, GEO_LAT_MIN], [0, 0], [-180, 0], [180, 0], [0, GEO_LAT_MAX]];
  for (let i = 0; i < n; i++) {
    const roll = random();
    const lon = roll < 0.2 ? 180 - random() * 0.01 : roll < 0.4 ? -180 + random() * 0.01 : random() * 360 - 180;
    const lat = roll < 0.3 ? GEO_LAT_MAX - random() * 0.5 : roll < 0.5 ? GEO_LAT_MIN + random() * 0.5 : (random() * 2 - 1) * GEO_LAT_MAX;
    out.push([Number(lon.toFixed(7)), Number(lat.toFixed(8))]);
  }
  return out;
}

/** The elements of a flat RESP2 array of bulk strings (nil as null). */
function bulks(reply: Buffer): Array<string | null> {
  const lines = reply.toString('latin1').split('\r\n');
  const out: Array<string | null> = [];
  for (let i = 1; i < lines.length - 1; i++) {
    if (lines[i] === '$-1') out.push(null);
    else if (lines[i].startsWith('$')) out.push(lines[++i]);
  }
  return out;
}

redisTest(test, "scores, GEOPOS coordinates, GEOHASH strings and GEODIST distances are redis-server's", async () => {
  await client.command('FLUSHALL');
  const points = seededPoints(3, 600);
  const args = points.flatMap(([lon, lat], i) => [String(lon), String(lat), `m${i}`]);
  await client.command('GEOADD', 'g', ...args);
  const members = points.map((_, i) => `m${i}`);
  const scores = bulks(await client.command('ZMSCORE', 'g', ...members)).map(Number);
  const hashes = bulks(await client.command('GEOHASH', 'g', ...members));
  const positions = bulks(await client.command('GEOPOS', 'g', ...members));
  for (let i = 0; i < points.length; i++) {
    const [lon, lat] = points[i];
    assert.is(scoreOf(lon, lat), scores[i], `score of ${lon},${lat}`);
    assert.is(geohashString(scores[i]), hashes[i], `GEOHASH of ${lon},${lat}`);
    const [x, y] = decodeScore(scores[i]);
    assert.equal([humanFixed(x), humanFixed(y)], [positions[2 * i], positions[2 * i + 1]], `GEOPOS of ${lon},${lat}`);
  }
  for (let i = 0; i + 1 < points.length; i += 3) {
    const unit = ['m', 'km', 'mi', 'ft'][i % 4];
    const expected = bulks(Buffer.from(`*1\r\n${(await client.command('GEODIST', 'g', `m${i}`, `m${i + 1}`, unit)).toString('latin1')}`))[0];
    const [a, b] = [decodeScore(scores[i]), decodeScore(scores[i + 1])];
    const perUnit = { m: 1, km: 1000, mi: 1609.34, ft: 0.3048 }[unit] as number;
    assert.is(printfFixed(distance(a[0], a[1], b[0], b[1]) / perUnit, 4), expected, `GEODIST m${i} m${i + 1} ${unit}`);
  }
});

test('the cells of a search: the centre in its cell, every point of the shape in a cell read', () => {
  const random = mulberry32(9);
  for (let round = 0; round < 300; round++) {
    const lon = random() * 360 - 180;
    const lat = (random() * 2 - 1) * 85;
    const meters = 10 ** (random() * 7);
    const shape: Shape = random() < 0.5
      ? { kind: 'radius', lon, lat, conversion: 1, radius: meters }
      : { kind: 'box', lon, lat, conversion: 1, width: meters * 2, height: meters * (0.5 + random()) };
    const cells = searchCells(shape);
    const centre = cells[0];
    assert.ok(centre !== null);
    const area = decodeCell(centre);
    assert.ok(area.longitude.min <= lon && lon <= area.longitude.max && area.latitude.min <= lat && lat <= area.latitude.max, 'the centre is in its cell');
    const ranges = cells.filter((c) => c !== null).map((c) => cellScores(c));
    // Points within the shape (radius below ~5000 km, where Redis' cells cover it) are in a range read.
    if (meters > 5e6) continue;
    for (let k = 0; k < 50; k++) {
      const p: [number, number] = [lon + (random() * 2 - 1) * 0.5, Math.max(GEO_LAT_MIN, Math.min(GEO_LAT_MAX, lat + (random() * 2 - 1) * 0.5))];
      if (p[0] < -180 || p[0] > 180) continue;
      const score = scoreOf(p[0], p[1]) as number;
      const [x, y] = decodeScore(score);
      if (distanceWithin(shape, x, y) === null) continue;
      assert.ok(ranges.some(([min, max]) => score >= min && score < max), `point ${p} within ${JSON.stringify(shape)} is in a cell read`);
    }
  }
  assert.is(encode(181, 0, 26), null, 'outside the limits');
});

// ---------------------------------------------------------------- libm

const FRAC = 200n;
const ONE = 1n << FRAC;

/** x (|x| >= 2^-48) as a 200-bit fixed-point BigInt, exactly. */
const fixed = (x: number): bigint => BigInt(x * 2 ** 100) << (FRAC - 100n);

/** sin of a fixed-point value, by its series to ~2^-190. */
function sinFixed(x: bigint): bigint {
  let term = x;
  let sum = x;
  const x2 = (x * x) >> FRAC;
  for (let n = 1n; term !== 0n; n++) {
    term = -((term * x2) >> FRAC) / (2n * n * (2n * n + 1n));
    sum += term;
  }
  return sum;
}

function cosFixed(x: bigint): bigint {
  let term = ONE;
  let sum = ONE;
  const x2 = (x * x) >> FRAC;
  for (let n = 1n; term !== 0n; n++) {
    term = -((term * x2) >> FRAC) / ((2n * n - 1n) * (2n * n));
    sum += term;
  }
  return sum;
}

/** A fixed-point value rounded once to the nearest double. */
const toDouble = (v: bigint): number => Number(v) * 2 ** -200;

test('sin, cos and asin are rounded correctly (a 200-bit model)', () => {
  const random = mulberry32(5);
  for (let i = 0; i < 3000; i++) {
    const x = (random() * 2 - 1) * 3.1 * (random() < 0.2 ? 1e-6 : 1);
    if (Math.abs(x) < 2 ** -40) continue;
    assert.is(sin(x), toDouble(sinFixed(fixed(x))), `sin(${x})`);
    assert.is(cos(x), toDouble(cosFixed(fixed(x))), `cos(${x})`);
    // asin(y) = t rounded correctly: sin at the midpoints around t brackets y.
    const y = random() ** (random() < 0.3 ? 8 : 1);
    if (y < 2 ** -40) continue;
    const t = asin(y);
    const ulp = 2 ** (Math.floor(Math.log2(t)) - 52);
    const below = sinFixed(fixed(t) - (fixed(ulp) >> 1n));
    const above = sinFixed(fixed(t) + (fixed(ulp) >> 1n));
    const target = fixed(y);
    assert.ok(below <= target && target <= above, `asin(${y}) = ${t}`);
  }
});

test('%.<n>f: ties to even on the exact value, signs, huge values', () => {
  assert.is(printfFixed(0.03125, 4), '0.0312');
  assert.is(printfFixed(0.09375, 4), '0.0938');
  assert.is(printfFixed(2.5, 0), '2');
  assert.is(printfFixed(3.5, 0), '4');
  assert.is(printfFixed(-0.03125, 4), '-0.0312');
  assert.is(printfFixed(-0, 4), '-0.0000');
  assert.is(printfFixed(-0.00001, 4), '-0.0000');
  assert.is(printfFixed(1.00005, 4), '1.0001', 'not a tie: 1.00005 is above');
  assert.is(printfFixed(1e22, 6), '10000000000000000000000.000000');
  assert.is(printfFixed(Infinity, 6), 'inf');
  assert.is(printfFixed(-Infinity, 6), '-inf');
  assert.is(humanFixed(180), '180');
  assert.is(humanFixed(-0.0000001), '-0.0000001');
  assert.is(humanFixed(-1e-30), '0');
});

test.run();
