/**
 * The geohash arithmetic of Redis 7.0's GEO commands (its geohash.c and geohash_helper.c), as pure
 * functions: a point is stored as a sorted-set score holding a 52-bit interleaved geohash (26 bits
 * of latitude in the even bit positions, 26 of longitude in the odd ones), over Redis' ranges:
 * longitude -180..180, latitude -85.05112878..85.05112878 (the Mercator limits, EPSG:900913).
 *
 * Everything is computed as Redis computes it, operation for operation in doubles, so that scores,
 * decoded coordinates, distances and the boxes a search reads are Redis' to the last bit:
 * - encoding truncates the offset within the range to an integer cell (uint32 conversion); a
 *   coordinate exactly at a range's maximum lands one cell past the end (bit 52 or 53 set), as in
 *   Redis, and decoding clamps the centre of such a cell back into the range;
 * - decoding a score converts it to uint64 as x86-64 code compiled by GCC does (truncation; negative
 *   values wrap; NaN, too large or too small give Redis' values), so a score ZADD wrote by hand
 *   decodes to the position Redis reports;
 * - a search covers its shape with the cell holding the centre and its 8 neighbours, at a step
 *   estimated from the radius and then decreased when a neighbour does not reach the shape's
 *   bounding box (geohashCalculateAreasByShapeWGS84); cells wholly outside the box are dropped.
 *
 * Cells at the search's step are BigInts (64-bit masks and wrap-around as in C); decoding the
 * score of every candidate member is the hot path and works in 32-bit halves instead.
 */

import { asin, cos, sin } from '../util/libm.js';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

/** Redis' EARTH_RADIUS_IN_METERS: the quadratic mean radius for WGS-84. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
/** M_PI / 180.0, folded by the C compiler to this double. */
const D_R = Math.PI / 180;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** A cell: its interleaved bits and its step (bits per coordinate). */
export interface Cell {
  readonly bits: bigint;
  readonly step: number;
}

export interface Area {
  readonly longitude: Range;
  readonly latitude: Range;
}

const LONG_RANGE: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const LAT_RANGE: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The ranges of the standard geohash, which GEOHASH re-encodes into. */
const STANDARD_LAT_RANGE: Range = { min: -90, max: 90 };

const MASK64 = (1n << 64n) - 1n;
const EVEN_BITS = 0x5555555555555555n;
const ODD_BITS = 0xaaaaaaaaaaaaaaaan;

// ---------------------------------------------------------------- interleaving

/** Spreads the 32 bits of `v` into the even positions of a 64-bit value. */
function spread(v: number): bigint {
  let out = 0n;
  for (let i = 0; v !== 0; i++, v = Math.floor(v / 2)) if (v % 2 === 1) out |= 1n << BigInt(2 * i);
  return out;
}

/** interleave64: `lat` (uint32) in the even bits, `lon` (uint32) in the odd bits. */
function interleave(lat: number, lon: number): bigint {
  return spread(lat) | (spread(lon) << 1n);
}

/** The even bits of a 32-bit value gathered into its low 16 bits. */
function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** deinterleave64 of a value given as two 32-bit halves: [latitude cell, longitude cell] (uint32 each). */
function deinterleave(hi: number, lo: number): [number, number] {
  const lat = compact16(lo) + compact16(hi) * 0x10000;
  const lon = compact16(lo >>> 1) + compact16(hi >>> 1) * 0x10000;
  return [lat, lon];
}

/** C's conversion of a double to uint32_t for values it defines (0 <= v < 2^32): truncation. */
const toUint32 = (v: number): number => Math.trunc(v) >>> 0;

// ---------------------------------------------------------------- encoding

/**
 * geohashEncode: the cell of (longitude, latitude) at `step` over the given ranges, or null when
 * the point is outside Redis' limits or the ranges.
 */
export function encode(longitude: number, latitude: number, step: number, longRange: Range = LONG_RANGE, latRange: Range = LAT_RANGE): Cell | null {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave(toUint32(latOffset), toUint32(longOffset)), step };
}

/** geohashAlign52Bits: the cell's bits shifted to a 52-bit score prefix (as uint64). */
export function align52(cell: Cell): bigint {
  return BigInt.asUintN(64, cell.bits << BigInt(52 - cell.step * 2));
}

/** The sorted-set score GEOADD gives a point (its cell at step 26), or null outside the limits. */
export function scoreOf(longitude: number, latitude: number): number | null {
  const cell = encode(longitude, latitude, GEO_STEP_MAX);
  return cell === null ? null : Number(align52(cell));
}

// ---------------------------------------------------------------- decoding

const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;
const INDEFINITE = 0x8000000000000000n;

/**
 * `(uint64_t)score` as GCC compiles it for x86-64: below 2^63 a truncating conversion to int64
 * (negative values wrap around; below -2^63 or NaN the "integer indefinite" 2^63), above it the
 * same of score - 2^63 with the top bit flipped (so 2^64 and beyond, and +inf, give 0).
 */
export function scoreBits(score: number): bigint {
  const int64 = (v: number): bigint => (Number.isNaN(v) || v < -TWO_63 || v >= TWO_63 ? INDEFINITE : BigInt.asUintN(64, BigInt(Math.trunc(v))));
  if (score < TWO_63) return int64(score);
  return int64(score - TWO_63) ^ INDEFINITE;
}

/** The [hi, lo] 32-bit halves of `(uint64_t)score`. */
function scoreHalves(score: number): [number, number] {
  if (score >= 0 && score < TWO_63 && Number.isInteger(score)) {
    const hi = Math.floor(score / TWO_32);
    return [hi >>> 0, score - hi * TWO_32];
  }
  const bits = scoreBits(score);
  return [Number(bits >> 32n), Number(bits & 0xffffffffn)];
}

/** geohashDecode of cell coordinates (uint32 each) at `step`: the cell's area. */
function areaOf(latCell: number, longCell: number, step: number, longRange: Range, latRange: Range): Area {
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const cells = 2 ** step;
  // (ilato + 1) is uint32 arithmetic in C: it wraps.
  return {
    latitude: {
      min: latRange.min + (latCell / cells) * latScale,
      max: latRange.min + (((latCell + 1) >>> 0) / cells) * latScale,
    },
    longitude: {
      min: longRange.min + (longCell / cells) * longScale,
      max: longRange.min + (((longCell + 1) >>> 0) / cells) * longScale,
    },
  };
}

/** geohashDecode over Redis' ranges. */
export function decodeCell(cell: Cell): Area {
  const hi = Number(cell.bits >> 32n);
  const lo = Number(cell.bits & 0xffffffffn);
  const [lat, lon] = deinterleave(hi, lo);
  return areaOf(lat, lon, cell.step, LONG_RANGE, LAT_RANGE);
}

/** The [longitude, latitude] of a sorted-set score (decodeGeohash): its cell's centre, clamped into the ranges. */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = scoreHalves(score);
  const [latCell, longCell] = deinterleave(hi, lo);
  const area = areaOf(latCell, longCell, GEO_STEP_MAX, LONG_RANGE, LAT_RANGE);
  let lon = (area.longitude.min + area.longitude.max) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (area.latitude.min + area.latitude.max) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's 11-character string of a score: the decoded point re-encoded over the standard
 * latitude range (-90..90) at step 26, 5 bits per character; the 11th character stands for bits
 * the score does not have, always '0'.
 */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const cell = encode(lon, lat, GEO_STEP_MAX, LONG_RANGE, STANDARD_LAT_RANGE);
  // Decoded points are inside Redis' limits, which are inside the standard ranges.
  const bits = cell === null ? 0n : cell.bits;
  let out = '';
  for (let i = 0; i < 10; i++) out += GEO_ALPHABET[Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return out + '0';
}

// ---------------------------------------------------------------- distances

/** geohashGetDistance: the haversine great-circle distance in meters (Redis 7.0's formula). */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = sin((lat2r - lat1r) / 2);
  const v = sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * asin(Math.sqrt(u * u + cos(lat1r) * cos(lat2r) * v * v));
}

/** A search shape (Redis' GeoShape): a centre, and a radius or a box, in the unit `conversion` meters. */
export type Shape =
  | { readonly kind: 'radius'; readonly lon: number; readonly lat: number; readonly conversion: number; readonly radius: number }
  | { readonly kind: 'box'; readonly lon: number; readonly lat: number; readonly conversion: number; readonly width: number; readonly height: number };

/**
 * The haversine with V8's own sin, cos and asin (an ulp or so off glibc's now and then): only to
 * rule out, cheaply, points clearly outside a shape (see OUTSIDE_MARGIN).
 */
function roughDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const v = Math.sin((degRad(lon2d) - degRad(lon1d)) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/**
 * How far beyond a limit a rough distance must be for the exact one to be beyond it too: far
 * more than the few ulps the rough one is off by (asin near 1, antipodal points, amplifies them
 * to about 1e-8 relative), so the exact distance is computed only for points near or inside.
 */
const OUTSIDE_MARGIN = 1e-6;

const clearlyBeyond = (rough: number, limit: number): boolean => rough > limit * (1 + OUTSIDE_MARGIN) + OUTSIDE_MARGIN;

/**
 * geoWithinShape for a point already decoded: its distance from the centre in meters, or null
 * when it is outside the shape. A box compares the east-west distance along the point's parallel
 * and the north-south distance along its meridian with the half sides (Redis 7.0's test).
 */
export function distanceWithin(shape: Shape, lon: number, lat: number): number | null {
  if (shape.kind === 'radius') {
    const radius = shape.radius * shape.conversion;
    if (clearlyBeyond(roughDistance(shape.lon, shape.lat, lon, lat), radius)) return null;
    const d = distance(shape.lon, shape.lat, lon, lat);
    return d > radius ? null : d;
  }
  const halfWidth = (shape.width * shape.conversion) / 2;
  const halfHeight = (shape.height * shape.conversion) / 2;
  if (clearlyBeyond(roughDistance(lon, lat, shape.lon, lat), halfWidth) || clearlyBeyond(roughDistance(lon, lat, lon, shape.lat), halfHeight)) return null;
  const lonDistance = distance(lon, lat, shape.lon, lat);
  const latDistance = distance(lon, lat, lon, shape.lat);
  if (lonDistance > halfWidth || latDistance > halfHeight) return null;
  return distance(shape.lon, shape.lat, lon, lat);
}

// ---------------------------------------------------------------- the cells a search reads

/** geohashEstimateStepsByRadius: the step whose cells are about as large as the radius, fewer near the poles. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat] around the shape, wider on the side nearer the pole. */
export function boundingBox(shape: Shape): [number, number, number, number] {
  const { lon, lat, conversion } = shape;
  const height = conversion * (shape.kind === 'radius' ? shape.radius : shape.height / 2);
  const width = conversion * (shape.kind === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(lat - latDelta)));
  const southern = lat < 0;
  return [
    southern ? lon - longDeltaBottom : lon - longDeltaTop,
    lat - latDelta,
    southern ? lon + longDeltaBottom : lon + longDeltaTop,
    lat + latDelta,
  ];
}

/** geohash_move_x / geohash_move_y: the neighbouring cell east/west (x) or north/south (y), wrapping as uint64. */
function move(cell: Cell, dx: number, dy: number): Cell {
  let bits = cell.bits;
  const shift = BigInt(64 - cell.step * 2);
  if (dx !== 0) {
    let x = bits & ODD_BITS;
    const y = bits & EVEN_BITS;
    const zz = EVEN_BITS >> shift;
    if (dx > 0) x = x + (zz + 1n);
    else {
      x = x | zz;
      x = x - (zz + 1n);
    }
    x = BigInt.asUintN(64, x) & (ODD_BITS >> shift);
    bits = x | y;
  }
  if (dy !== 0) {
    const x = bits & ODD_BITS;
    let y = bits & EVEN_BITS;
    const zz = ODD_BITS >> shift;
    if (dy > 0) y = y + (zz + 1n);
    else {
      y = y | zz;
      y = y - (zz + 1n);
    }
    y = BigInt.asUintN(64, y) & (EVEN_BITS >> shift);
    bits = x | y;
  }
  return { bits: bits & MASK64, step: cell.step };
}

/**
 * The cells a search reads, in Redis' order (centre, N, S, E, W, NE, NW, SE, SW), null where
 * Redis zeroes a neighbour that lies beyond the bounding box.
 */
export function searchCells(shape: Shape): Array<Cell | null> {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radiusMeters = shape.conversion * (shape.kind === 'radius'
    ? shape.radius
    : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2)));
  let steps = estimateStepsByRadius(radiusMeters, shape.lat);
  let hash = encode(shape.lon, shape.lat, steps) as Cell;
  let area = decodeCell(hash);
  // When a neighbour does not reach the bounding box, the step is too fine: one step coarser.
  const north = decodeCell(move(hash, 0, 1));
  const south = decodeCell(move(hash, 0, -1));
  const east = decodeCell(move(hash, 1, 0));
  const west = decodeCell(move(hash, -1, 0));
  const decrease = north.latitude.max < maxLat || south.latitude.min > minLat || east.longitude.max < maxLon || west.longitude.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(shape.lon, shape.lat, steps) as Cell;
    area = decodeCell(hash);
  }
  const cells: Array<Cell | null> = [
    hash,
    move(hash, 0, 1), move(hash, 0, -1), move(hash, 1, 0), move(hash, -1, 0),
    move(hash, 1, 1), move(hash, -1, 1), move(hash, 1, -1), move(hash, -1, -1),
  ];
  const [N, S, E, W, NE, NW, SE, SW] = [1, 2, 3, 4, 5, 6, 7, 8];
  if (steps >= 2) {
    if (area.latitude.min < minLat) cells[S] = cells[SW] = cells[SE] = null;
    if (area.latitude.max > maxLat) cells[N] = cells[NE] = cells[NW] = null;
    if (area.longitude.min < minLon) cells[W] = cells[SW] = cells[NW] = null;
    if (area.longitude.max > maxLon) cells[E] = cells[SE] = cells[NE] = null;
  }
  return cells;
}

/** The scores of a cell's members: [min, max), as doubles (scoresOfGeoHashBox). */
export function cellScores(cell: Cell): [number, number] {
  return [Number(align52(cell)), Number(align52({ bits: cell.bits + 1n, step: cell.step }))];
}
