/**
 * GEO commands: GEOADD GEODIST GEOHASH GEOPOS GEOSEARCH GEOSEARCHSTORE GEORADIUS GEORADIUS_RO
 * GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO, over sorted sets as in Redis 7.0's geo.c: a point is a
 * member whose score is its 52-bit geohash (src/types/geohash.ts holds the arithmetic).
 *
 * - GEOADD turns its triples into scores and runs ZADD with them (./sorted-sets.ts), as Redis'
 *   geoaddCommand does: same NX/XX/CH handling, the event 'zadd', WATCH and tracking signals.
 * - The searches (georadiusGeneric) parse in Redis' order, so that the same bad command gets the
 *   same error. They read only the score ranges of the 9 geohash cells around the centre, each by
 *   one seek into the set's score order (ZSetReader.visitByScore, as ZRANGEBYSCORE reads), never
 *   the whole set; ANY stops reading as soon as it has COUNT matches.
 * - Results are sorted as Redis sorts them: a full sort is glibc's qsort, a merge sort, so any
 *   stable sort gives its order; with COUNT below the number of matches Redis uses its partial
 *   quicksort (pqsort), which src/util/pqsort.ts reproduces swap for swap.
 * - The STORE forms replace the destination with a sorted set of the matches (scores, or
 *   distances with STOREDIST) built as Redis builds it (skiplist first, listpack if small enough),
 *   send 'georadiusstore' or 'geosearchstore', and delete the destination (event 'del') when
 *   nothing matched, also when the source does not exist.
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import { ValueType, binaryKey } from '../keyspace/encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, argIs, parseIntegerArg } from '../keyspace/numbers.js';
import { parseStrictDouble } from '../keyspace/strtod.js';
import { Collection, WRONG_TYPE, openCollection } from '../types/collection.js';
import { readScores } from '../types/zset.js';
import { pointsInShape, type GeoPoint } from '../types/geo.js';
import {
  GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, decodeScore, distance, geohashString, scoreOf, type Shape,
} from '../types/geohash.js';
import { partialQuicksort } from '../util/pqsort.js';
import { humanFixed, printfFixed } from '../util/printf-fixed.js';
import { retryAfter } from './command-support.js';
import { storeResult, unchanged, withReader, zaddCommand } from './sorted-sets.js';

const ERR_NOT_FLOAT = 'ERR value is not a valid float';
const ERR_UNIT = 'ERR unsupported unit provided. please use M, KM, FT, MI';
const ERR_NO_MEMBER = 'ERR could not decode requested zset member';

// ---------------------------------------------------------------- arguments

/** getDoubleFromObjectOrReply: the value, or the error (`message` replaces the generic one). */
function doubleArg(arg: Buffer, message = ERR_NOT_FLOAT): number | string {
  const v = parseStrictDouble(binaryKey(arg));
  return v === undefined ? message : v;
}

/** extractLongLatOrReply: [longitude, latitude] within Redis' limits, or the error. */
function longLatArgs(lonArg: Buffer, latArg: Buffer): [number, number] | string {
  const lon = doubleArg(lonArg);
  if (typeof lon === 'string') return lon;
  const lat = doubleArg(latArg);
  if (typeof lat === 'string') return lat;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    return `ERR invalid longitude,latitude pair ${printfFixed(lon, 6)},${printfFixed(lat, 6)}`;
  }
  return [lon, lat];
}

/** extractUnitOrReply: meters per unit, or the error. */
function unitArg(arg: Buffer): number | string {
  if (argIs(arg, 'm')) return 1;
  if (argIs(arg, 'km')) return 1000;
  if (argIs(arg, 'ft')) return 0.3048;
  if (argIs(arg, 'mi')) return 1609.34;
  return ERR_UNIT;
}

/** extractDistanceOrReply: a radius and its unit's conversion, or the error. */
function radiusArgs(radiusArg: Buffer, unit: Buffer): { radius: number; conversion: number } | string {
  const radius = doubleArg(radiusArg, 'ERR need numeric radius');
  if (typeof radius === 'string') return radius;
  if (radius < 0) return 'ERR radius cannot be negative';
  const conversion = unitArg(unit);
  if (typeof conversion === 'string') return conversion;
  return { radius, conversion };
}

/** extractBoxOrReply. */
function boxArgs(widthArg: Buffer, heightArg: Buffer, unit: Buffer): { width: number; height: number; conversion: number } | string {
  const width = doubleArg(widthArg, 'ERR need numeric width');
  if (typeof width === 'string') return width;
  const height = doubleArg(heightArg, 'ERR need numeric height');
  if (typeof height === 'string') return height;
  if (height < 0 || width < 0) return 'ERR height or width cannot be negative';
  const conversion = unitArg(unit);
  if (typeof conversion === 'string') return conversion;
  return { width, height, conversion };
}

/** `(long long)score` (WITHHASH): truncation; out of range and NaN give INT64_MIN, as on x86-64. */
function scoreAsInt64(score: number): number | bigint {
  if (Number.isSafeInteger(score)) return score;
  if (Number.isNaN(score) || score >= 2 ** 63 || score < -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(score));
}

/** Distances as Redis 7.0 prints them (addReplyDoubleDistance): `%.4f`, a bulk string in RESP2 and RESP3. */
const distanceText = (d: number): string => printfFixed(d, 4);

// ---------------------------------------------------------------- GEOADD

/** GEOADD key [NX|XX] [CH] lon lat member ...: ZADD with the points' scores. */
function geoaddCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let xx = false;
  let nx = false;
  let at = 2;
  for (; at < argv.length; at++) {
    if (argIs(argv[at], 'nx')) nx = true;
    else if (argIs(argv[at], 'xx')) xx = true;
    else if (!argIs(argv[at], 'ch')) break;
  }
  if ((argv.length - at) % 3 !== 0 || (xx && nx)) return ctx.reply.error(ERR_SYNTAX);
  const zadd: Buffer[] = [Buffer.from('zadd'), ...argv.slice(1, at)];
  for (let i = at; i < argv.length; i += 3) {
    const point = longLatArgs(argv[i], argv[i + 1]);
    if (typeof point === 'string') return ctx.reply.error(point);
    const score = scoreOf(point[0], point[1]) as number;
    zadd.push(Buffer.from(String(score)), argv[i + 2]);
  }
  return zaddCommand(ctx, zadd);
}

// ---------------------------------------------------------------- GEOPOS / GEOHASH / GEODIST

/** Opens the sorted set at argv[1] for reading: the set, null, or what the handler must return. */
function openSource(ctx: CommandContext, argv: Buffer[], keyIndex: number, self: CommandHandler): Collection | null | { done: void | Promise<void> } {
  const z = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[keyIndex]), ValueType.ZSet, true);
  if (z instanceof Promise) return { done: retryAfter(z, self, ctx, argv) };
  if (z === WRONG_TYPE) return { done: ctx.reply.error(ERR_WRONGTYPE) };
  return z;
}

/** The scores of argv[from..] in `z` (null: missing), or a pending read. */
function memberScores(z: Collection | null, argv: Buffer[], from: number): Array<number | null> | Promise<unknown> {
  const members: BinaryKey[] = [];
  for (let i = from; i < argv.length; i++) members.push(binaryKey(argv[i]));
  return z === null ? members.map(() => null) : readScores(z, members);
}

function geoposCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const z = openSource(ctx, argv, 1, geoposCommand);
  if (z !== null && !(z instanceof Collection)) return z.done;
  const scores = memberScores(z, argv, 2);
  if (scores instanceof Promise) return retryAfter(scores, geoposCommand, ctx, argv);
  const r = ctx.reply;
  r.arrayHeader(scores.length);
  for (const score of scores) {
    if (score === null) {
      r.nullArray();
      continue;
    }
    const [lon, lat] = decodeScore(score);
    r.arrayHeader(2);
    r.doubleText(humanFixed(lon));
    r.doubleText(humanFixed(lat));
  }
}

function geohashCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const z = openSource(ctx, argv, 1, geohashCommand);
  if (z !== null && !(z instanceof Collection)) return z.done;
  const scores = memberScores(z, argv, 2);
  if (scores instanceof Promise) return retryAfter(scores, geohashCommand, ctx, argv);
  ctx.reply.arrayHeader(scores.length);
  for (const score of scores) ctx.reply.bulk(score === null ? null : geohashString(score));
}

function geodistCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let toMeter = 1;
  if (argv.length === 5) {
    const unit = unitArg(argv[4]);
    if (typeof unit === 'string') return ctx.reply.error(unit);
    toMeter = unit;
  } else if (argv.length > 5) return ctx.reply.error(ERR_SYNTAX);
  const z = openSource(ctx, argv, 1, geodistCommand);
  if (z === null) return ctx.reply.nullBulk();
  if (!(z instanceof Collection)) return z.done;
  const scores = readScores(z, [binaryKey(argv[2]), binaryKey(argv[3])]);
  if (scores instanceof Promise) return retryAfter(scores, geodistCommand, ctx, argv);
  const [a, b] = scores;
  if (a === null || b === null) return ctx.reply.nullBulk();
  const [lon1, lat1] = decodeScore(a);
  const [lon2, lat2] = decodeScore(b);
  ctx.reply.bulk(distanceText(distance(lon1, lat1, lon2, lat2) / toMeter));
}

// ---------------------------------------------------------------- the searches

/** Which command georadiusGeneric serves (Redis' flags). */
const enum Form {
  /** GEORADIUS[_RO]: centre from longitude latitude. */
  Coords = 1,
  /** GEORADIUSBYMEMBER[_RO]: centre from a member. */
  Member = 2,
  /** The _RO forms: no STORE / STOREDIST. */
  NoStore = 4,
  /** GEOSEARCH and GEOSEARCHSTORE: FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX. */
  Search = 8,
  /** GEOSEARCHSTORE: destination first, STOREDIST a flag. */
  SearchStore = 16,
}

const enum Sort {
  None,
  Asc,
  Desc,
}

/** A search as parsed. `shape` is null only when the source does not exist (nothing to search). */
interface Search {
  shape: Shape | null;
  storeKey: BinaryKey | null;
  storeDist: boolean;
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  sort: Sort;
  count: number;
  any: boolean;
}

/** A centre and the shape around it, built as parsing goes (Redis fills one GeoShape). */
interface ShapeParts {
  xy: [number, number] | null;
  radius?: { radius: number; conversion: number };
  box?: { width: number; height: number; conversion: number };
}

/**
 * Parses a search as Redis' georadiusGeneric does, in its order: the error, the search, or a
 * pending read (a member's score must come from the disk).
 */
function parseSearch(argv: Buffer[], z: Collection | null, form: Form): Search | string | Promise<unknown> {
  const parts: ShapeParts = { xy: null };
  let base: number;
  let storeKey: BinaryKey | null = null;
  if (form & Form.Coords) {
    base = 6;
    const xy = longLatArgs(argv[2], argv[3]);
    if (typeof xy === 'string') return xy;
    parts.xy = xy;
    const radius = radiusArgs(argv[4], argv[5]);
    if (typeof radius === 'string') return radius;
    parts.radius = radius;
  } else if (form & Form.Member) {
    base = 5;
    // Without a source Redis parses only the options (the reply is empty whatever the radius).
    if (z !== null) {
      const found = readScores(z, [binaryKey(argv[2])]);
      if (found instanceof Promise) return found;
      if (found[0] === null) return ERR_NO_MEMBER;
      parts.xy = decodeScore(found[0]);
      const radius = radiusArgs(argv[3], argv[4]);
      if (typeof radius === 'string') return radius;
      parts.radius = radius;
    }
  } else {
    base = 2;
    if (form & Form.SearchStore) {
      base = 3;
      storeKey = binaryKey(argv[1]);
    }
  }
  let storeDist = false;
  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = Sort.None;
  let any = false;
  let count = 0;
  const search = (form & Form.Search) !== 0;
  const storable = !(form & Form.NoStore) && !search;
  const remaining = argv.length - base;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[base + i];
    const next = (k: number): Buffer => argv[base + i + k];
    if (argIs(arg, 'withdist')) withDist = true;
    else if (argIs(arg, 'withhash')) withHash = true;
    else if (argIs(arg, 'withcoord')) withCoord = true;
    else if (argIs(arg, 'any')) any = true;
    else if (argIs(arg, 'asc')) sort = Sort.Asc;
    else if (argIs(arg, 'desc')) sort = Sort.Desc;
    else if (argIs(arg, 'count') && i + 1 < remaining) {
      const n = parseIntegerArg(next(1));
      if (n === undefined) return ERR_NOT_INTEGER;
      if (n <= 0) return 'ERR COUNT must be > 0';
      count = typeof n === 'bigint' ? Number.MAX_SAFE_INTEGER : n;
      i++;
    } else if (argIs(arg, 'store') && i + 1 < remaining && storable) {
      storeKey = binaryKey(next(1));
      storeDist = false;
      i++;
    } else if (argIs(arg, 'storedist') && i + 1 < remaining && storable) {
      storeKey = binaryKey(next(1));
      storeDist = true;
      i++;
    } else if (argIs(arg, 'storedist') && search && (form & Form.SearchStore)) {
      storeDist = true;
    } else if (argIs(arg, 'frommember') && i + 1 < remaining && search && !fromLoc) {
      if (z !== null) {
        const found = readScores(z, [binaryKey(next(1))]);
        if (found instanceof Promise) return found;
        if (found[0] === null) return ERR_NO_MEMBER;
        parts.xy = decodeScore(found[0]);
      }
      fromMember = true;
      i++;
    } else if (argIs(arg, 'fromlonlat') && i + 2 < remaining && search && !fromMember) {
      const xy = longLatArgs(next(1), next(2));
      if (typeof xy === 'string') return xy;
      parts.xy = xy;
      fromLoc = true;
      i += 2;
    } else if (argIs(arg, 'byradius') && i + 2 < remaining && search && !byBox) {
      const radius = radiusArgs(next(1), next(2));
      if (typeof radius === 'string') return radius;
      parts.radius = radius;
      byRadius = true;
      i += 2;
    } else if (argIs(arg, 'bybox') && i + 3 < remaining && search && !byRadius) {
      const box = boxArgs(next(1), next(2), next(3));
      if (typeof box === 'string') return box;
      parts.box = box;
      byBox = true;
      i += 3;
    } else return ERR_SYNTAX;
  }
  if (storeKey !== null && (withDist || withHash || withCoord)) {
    return `ERR ${form & Form.SearchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`;
  }
  const name = binaryKey(argv[0]);
  if (search && !(fromMember || fromLoc)) return `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`;
  if (search && !(byRadius || byBox)) return `ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`;
  if (any && count === 0) return 'ERR the ANY argument requires COUNT argument';
  // COUNT needs the nearest first: ascending unless asked otherwise (ANY takes whatever it meets).
  if (count !== 0 && sort === Sort.None && !any) sort = Sort.Asc;
  return { shape: shapeOf(parts), storeKey, storeDist, withDist, withHash, withCoord, sort, count, any };
}

function shapeOf(parts: ShapeParts): Shape | null {
  if (parts.xy === null) return null;
  const [lon, lat] = parts.xy;
  if (parts.box !== undefined) return { kind: 'box', lon, lat, ...parts.box };
  if (parts.radius !== undefined) return { kind: 'radius', lon, lat, ...parts.radius };
  return null;
}

const ascending = (a: GeoPoint, b: GeoPoint): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
const descending = (a: GeoPoint, b: GeoPoint): number => -ascending(a, b);

/** Sorts as Redis does and returns the points to answer with (the first COUNT). */
function ordered(points: GeoPoint[], search: Search): GeoPoint[] {
  const returned = search.count === 0 || points.length < search.count ? points.length : search.count;
  if (search.sort !== Sort.None) {
    const cmp = search.sort === Sort.Asc ? ascending : descending;
    if (returned === points.length) points.sort(cmp);
    else partialQuicksort(points, cmp, 0, returned - 1);
  }
  return points.slice(0, returned);
}

function replyPoints(ctx: CommandContext, points: readonly GeoPoint[], search: Search, conversion: number): void {
  const r = ctx.reply;
  const options = (search.withDist ? 1 : 0) + (search.withCoord ? 1 : 0) + (search.withHash ? 1 : 0);
  r.arrayHeader(points.length);
  for (const p of points) {
    if (options > 0) r.arrayHeader(options + 1);
    r.bulk(p.member);
    if (search.withDist) r.bulk(distanceText(p.dist / conversion));
    if (search.withHash) r.integer(scoreAsInt64(p.score));
    if (search.withCoord) {
      r.arrayHeader(2);
      r.doubleText(humanFixed(p.lon));
      r.doubleText(humanFixed(p.lat));
    }
  }
}

/** Redis' georadiusGeneric: the source at argv[keyIndex], the command's form. */
function searchCommand(keyIndex: number, form: Form): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const ks = ctx.server.keyspace;
    const db = ctx.client.db;
    const z = openSource(ctx, argv, keyIndex, handler);
    if (z !== null && !(z instanceof Collection)) return z.done;
    const search = parseSearch(argv, z, form);
    if (search instanceof Promise) return retryAfter(search, handler, ctx, argv);
    if (typeof search === 'string') return ctx.reply.error(search);
    const dst = search.storeKey;
    const target = dst === null ? null : ks.lookupWrite(db, dst);
    if (target instanceof Promise) return retryAfter(target, handler, ctx, argv);
    const event = form & Form.Search ? 'geosearchstore' : 'georadiusstore';
    const shape = search.shape;
    if (z === null || shape === null) {
      if (dst !== null) return storeResult(ctx, dst, target, [], false, event);
      return ctx.reply.arrayHeader(0);
    }
    return withReader(z, (reader) => pointsInShape(reader, shape, search.any ? search.count : 0)).then((found): void | Promise<void> => {
      const points = ordered(found, search);
      if (dst === null) return replyPoints(ctx, points, search, shape.conversion);
      // The source was read asynchronously: if an expiry removed it meanwhile, start over.
      if (!unchanged(ks, db, z.key, z.previous)) return handler(ctx, argv);
      const entries = points.map((p) => ({ member: p.member, score: search.storeDist ? p.dist / shape.conversion : p.score }));
      return storeResult(ctx, dst, target, entries, false, event);
    });
  };
  return handler;
}

export const geoHandlers: CommandHandlers = {
  geoadd: geoaddCommand,
  geodist: geodistCommand,
  geohash: geohashCommand,
  geopos: geoposCommand,
  geosearch: searchCommand(1, Form.Search),
  geosearchstore: searchCommand(2, Form.Search | Form.SearchStore),
  georadius: searchCommand(1, Form.Coords),
  georadius_ro: searchCommand(1, Form.Coords | Form.NoStore),
  georadiusbymember: searchCommand(1, Form.Member),
  georadiusbymember_ro: searchCommand(1, Form.Member | Form.NoStore),
};
