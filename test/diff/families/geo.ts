/**
 * GEO commands: points drawn around a few places where Redis' geohash arithmetic has edges (the
 * equator and prime meridian, the antimeridian from both sides, the Mercator latitude limits
 * ±85.05112878 and beyond 80° where the search step shrinks, Sicily for ordinary data), plus the
 * exact limits and coordinates Redis refuses, written in the forms strtod reads (decimals,
 * exponents, signs). Searches take their centre from near those places or from a member, radii
 * and boxes from zero to half the planet in every unit (and units Redis refuses), and every
 * option in any order: ASC/DESC, COUNT (with ANY, zero, negative, not a number), WITH*, STORE and
 * STOREDIST (and the conflicts between them). ZADD with scores GEOADD never writes (negative,
 * fractional, beyond 2^52, 2^64, inf) checks that decoding a hand-written score matches Redis'.
 */
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

const MEMBERS: readonly string[] = ['Palermo', 'Catania', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', '', 'a\x00b', '\xff'];

/** [longitude, latitude, spread in degrees] of the places points gather around. */
const PLACES: ReadonlyArray<readonly [number, number, number]> = [
  [13.361389, 38.115556, 1],
  [0, 0, 0.5],
  [179.9, 10, 0.3],
  [-179.9, -10, 0.3],
  [0, 84.9, 0.2],
  [90, -84.9, 0.2],
  [45, 70, 3],
  [-120, 45, 20],
];

/** A coordinate written as a client might: fixed decimals, many digits, or an exponent. */
function coordinate(g: Gen, v: number): string {
  switch (g.int(6)) {
    case 0:
      return v.toFixed(g.int(4));
    case 1:
      return v.toExponential(g.int(8));
    case 2:
      return String(v);
    default:
      return v.toFixed(6);
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** [longitude, latitude] as arguments: mostly valid, sometimes at or past Redis' limits, or not numbers. */
function point(g: Gen): [Arg, Arg] {
  const roll = g.int(40);
  if (roll === 0) return g.pick([['180', '85.05112878'], ['-180', '-85.05112878'], ['180', '-85.05112878'], ['-180', '85.05112878'], ['0', '0']]);
  if (roll === 1) return g.pick([['180.0000001', '0'], ['0', '85.05112879'], ['-181', '-86'], ['inf', '0'], ['0', '-inf'], ['nan', '0'], ['abc', '1'], ['1', ''], ['1e400', '0'], [' 1', '2']]);
  const [lon, lat, spread] = g.pick(PLACES);
  const x = clamp(lon + (g.int(2_000_001) / 1_000_000 - 1) * spread, -180, 180);
  const y = clamp(lat + (g.int(2_000_001) / 1_000_000 - 1) * spread, -85.05112878, 85.05112878);
  return [coordinate(g, x), coordinate(g, y)];
}

const member = (g: Gen): string => (g.chance(0.9) ? g.pick(MEMBERS) : `p${g.int(400)}`);

function unit(g: Gen): string {
  return g.chance(0.03) ? g.pick(['cm', 'kms', '', 'meters']) : g.pick(['m', 'km', 'ft', 'mi', 'M', 'KM', 'Ft', 'MI']);
}

/** A distance in the unit that follows: zero, small, regional, continental, most of the planet. */
function distanceArg(g: Gen): string {
  if (g.chance(0.03)) return g.pick(['-1', 'abc', '', 'inf', '1e400', '-0']);
  const meters = g.pick([0, 1, 50, 1000, 30_000, 200_000, 1_000_000, 5_000_000, 20_000_000]) * (0.5 + g.int(1000) / 1000);
  return g.chance(0.1) ? '0' : String(Math.round(meters / g.pick([1, 1000, 1609]) * 1000) / 1000);
}

function geoaddArgs(g: Gen): Arg[] {
  const args: Arg[] = [g.key()];
  if (g.chance(0.2)) args.push(g.pick(['NX', 'XX', 'nx', 'xx']));
  if (g.chance(0.2)) args.push(g.pick(['CH', 'ch']));
  if (g.chance(0.02)) args.push('NX', 'XX');
  // Now and then many points at once, past the listpack limit of 128 entries.
  const n = g.chance(0.04) ? g.between(100, 300) : g.between(1, 5);
  for (let i = 0; i < n; i++) args.push(...point(g), n > 5 ? `p${g.int(400)}` : member(g));
  if (g.chance(0.02)) args.pop();
  return args;
}

/** Search options (Redis reads them in any order); `store` adds STORE/STOREDIST for GEORADIUS*. */
function searchOptions(g: Gen, store: boolean): Arg[] {
  const options: Arg[][] = [];
  if (g.chance(0.3)) options.push([g.pick(['ASC', 'DESC', 'asc'])]);
  if (g.chance(0.35)) {
    const count = g.chance(0.9) ? String(g.between(1, 12)) : g.pick(['0', '-1', 'x', '9223372036854775807']);
    options.push(g.chance(0.3) ? ['COUNT', count, 'ANY'] : ['COUNT', count]);
  }
  if (g.chance(0.03)) options.push(['ANY']);
  if (g.chance(0.3)) options.push(['WITHDIST']);
  if (g.chance(0.3)) options.push(['WITHCOORD']);
  if (g.chance(0.3)) options.push(['WITHHASH']);
  if (store && g.chance(0.25)) options.push([g.pick(['STORE', 'STOREDIST']), g.key()]);
  if (g.chance(0.02)) options.push([g.pick(['FOO', 'STORE', 'COUNT'])]);
  for (let i = options.length - 1; i > 0; i--) {
    const j = g.int(i + 1);
    [options[i], options[j]] = [options[j], options[i]];
  }
  return options.flat();
}

/** GEOSEARCH's FROM and BY parts (sometimes missing, doubled or conflicting), then its options. */
function searchArgs(g: Gen, storeForm: boolean): Arg[] {
  const parts: Arg[][] = [];
  const from = (): Arg[] => (g.chance(0.4) ? ['FROMMEMBER', member(g)] : ['FROMLONLAT', ...point(g)]);
  const by = (): Arg[] => (g.chance(0.5) ? ['BYRADIUS', distanceArg(g), unit(g)] : ['BYBOX', distanceArg(g), distanceArg(g), unit(g)]);
  if (g.chance(0.97)) parts.push(from());
  if (g.chance(0.97)) parts.push(by());
  if (g.chance(0.03)) parts.push(g.chance(0.5) ? from() : by());
  const options = searchOptions(g, false);
  if (storeForm && g.chance(0.4)) options.push('STOREDIST');
  if (storeForm && g.chance(0.85)) {
    // Mostly without WITH* (refused with STORE): drop them.
    const kept = options.filter((o) => !(typeof o === 'string' && o.startsWith('WITH')));
    return [...parts.flat(), ...kept];
  }
  return [...parts.flat(), ...options];
}

const commands: CommandSpec[] = [
  { name: 'GEOADD', weight: 10, args: geoaddArgs },
  { name: 'GEOPOS', weight: 3, args: (g) => [g.key(), ...Array.from({ length: g.between(1, 4) }, () => member(g))] },
  { name: 'GEOHASH', weight: 3, args: (g) => [g.key(), ...Array.from({ length: g.between(1, 4) }, () => member(g))] },
  {
    name: 'GEODIST',
    weight: 3,
    args: (g) => {
      const args = [g.key(), member(g), member(g)];
      if (g.chance(0.7)) args.push(unit(g));
      if (g.chance(0.02)) args.push('km');
      return args;
    },
  },
  { name: 'GEOSEARCH', weight: 8, args: (g) => [g.key(), ...searchArgs(g, false)] },
  { name: 'GEOSEARCHSTORE', weight: 4, args: (g) => [g.key(), g.key(), ...searchArgs(g, true)] },
  { name: 'GEORADIUS', weight: 5, args: (g) => [g.key(), ...point(g), distanceArg(g), unit(g), ...searchOptions(g, true)] },
  { name: 'GEORADIUS_RO', weight: 2, args: (g) => [g.key(), ...point(g), distanceArg(g), unit(g), ...searchOptions(g, g.chance(0.1))] },
  { name: 'GEORADIUSBYMEMBER', weight: 4, args: (g) => [g.key(), member(g), distanceArg(g), unit(g), ...searchOptions(g, true)] },
  { name: 'GEORADIUSBYMEMBER_RO', weight: 2, args: (g) => [g.key(), member(g), distanceArg(g), unit(g), ...searchOptions(g, g.chance(0.1))] },
  // Scores GEOADD never writes, decoded by GEOPOS / GEOHASH / the searches (the name picks the exact rule, as sorted-sets.ts's ZADD).
  {
    name: 'ZADD',
    weight: 1,
    args: (g) => [g.key(), g.pick(['-1', '1.5', '-0', '4503599627370496', '13510798882111488', '18014398509481984', '9223372036854775808', '18446744073709551616', '1e30', '-1e30', 'inf', '-inf', '3479099956230698.5']), member(g)],
  },
  { name: 'ZRANGE', weight: 2, args: (g) => [g.key(), '0', '-1', 'WITHSCORES'] },
];

export const geo: Family = { name: 'geo', commands };
