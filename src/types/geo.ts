/**
 * A GEO search over a sorted set (Redis' membersOfAllNeighbors): the members inside a shape, read
 * cell by cell from the 9 geohash cells around its centre (src/types/geohash.ts, searchCells),
 * each cell one score range of the set's score order: one seek, then one step per member in the
 * range (ZSetReader.visitByScore). The set is never read whole, and members outside the cells are
 * never looked at.
 */
import type { BinaryKey } from '../engine/types.js';
import type { ZSetReader, ScoredMember } from './zset.js';
import { cellScores, decodeScore, distanceWithin, searchCells, type Shape } from './geohash.js';

/** A member found in the shape. */
export interface GeoPoint {
  member: BinaryKey;
  score: number;
  lon: number;
  lat: number;
  dist: number;
}

/**
 * membersOfAllNeighbors: the members inside the shape, cell by cell in Redis' order (a cell equal
 * to the one read just before is skipped, as Redis skips it), each cell's members in score order.
 * `limit` (ANY) stops the reading once that many matched.
 */
export async function pointsInShape(reader: ZSetReader, shape: Shape, limit: number): Promise<GeoPoint[]> {
  const cells = searchCells(shape);
  const points: GeoPoint[] = [];
  const full = (): boolean => limit > 0 && points.length >= limit;
  let lastProcessed = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) continue;
    const last = cells[lastProcessed];
    if (lastProcessed !== 0 && last !== null && last.bits === cell.bits && last.step === cell.step) continue;
    if (full()) break;
    const [min, max] = cellScores(cell);
    await reader.visitByScore({ min, max, minExclusive: false, maxExclusive: true }, (e: ScoredMember) => {
      const [lon, lat] = decodeScore(e.score);
      const dist = distanceWithin(shape, lon, lat);
      if (dist !== null) points.push({ member: e.member, score: e.score, lon, lat, dist });
      return !full();
    });
    lastProcessed = i;
  }
  return points;
}

