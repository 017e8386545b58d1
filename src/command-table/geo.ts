/**
 * GEO commands (src/commands/geo.ts).
 *
 * Transcribed from redis-server 7.0.15's COMMAND INFO and COMMAND DOCS; the field meanings are in
 * ./schema.ts. GEORADIUS and GEORADIUSBYMEMBER are write commands for their STORE / STOREDIST
 * options, whose keys Redis' key specs find by keyword (COMMAND GETKEYS lists both).
 */
import type { CommandDef } from './schema.js';

const UNIT = '(M | KM | FT | MI)@unit';
const RADIUS_COMPLEXITY = 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';
const SEARCH_COMPLEXITY = 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';
const SEARCH_ARGS = `(FROMMEMBER member | FROMLONLAT (longitude:double latitude:double)@longitude_latitude)@from ((BYRADIUS radius:double ${UNIT})@circle | (BYBOX width:double height:double ${UNIT})@box)@by [ASC | DESC]@order [COUNT count:integer [ANY]]@count`;
const RADIUS_OPTIONS = '[WITHCOORD] [WITHDIST] [WITHHASH]';
const READ_KEY = { flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } } as const;
const storeSpec = (keyword: string, startFrom: number) =>
  ({ flags: ['OW', 'update'], begin: { keyword, startFrom }, find: { lastKey: 0, step: 1, limit: 0 } }) as const;

export const GEO_COMMANDS: readonly CommandDef[] = [
  {
    name: 'geoadd',
    arity: -5,
    flags: ['write', 'denyoom'],
    group: 'geo',
    summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set',
    since: '3.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [['6.2.0', 'Added the `CH`, `NX` and `XX` options.']],
    keySpecs: [{ flags: ['RW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }],
    args: 'key [NX | XX]@condition^6.2.0 [CH@change^6.2.0] (longitude:double latitude:double member)@longitude_latitude_member ...',
  },
  {
    name: 'geodist',
    arity: -4,
    flags: ['readonly'],
    group: 'geo',
    summary: 'Returns the distance between two members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(log(N))',
    keySpecs: [READ_KEY],
    args: `key member1 member2 [M | KM | FT | MI]@unit`,
  },
  {
    name: 'geohash',
    arity: -2,
    flags: ['readonly'],
    group: 'geo',
    summary: 'Returns members of a geospatial index as standard geohash strings',
    since: '3.2.0',
    complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.',
    keySpecs: [READ_KEY],
    args: 'key member ...',
  },
  {
    name: 'geopos',
    arity: -2,
    flags: ['readonly'],
    group: 'geo',
    summary: 'Returns longitude and latitude of members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(N) where N is the number of members requested.',
    keySpecs: [READ_KEY],
    args: 'key member ...',
  },
  {
    name: 'georadius',
    arity: -6,
    flags: ['write', 'denyoom'],
    group: 'geo',
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument',
    history: [['6.2.0', 'Added the `ANY` option for `COUNT`.'], ['7.0.0', 'Added support for uppercase unit names.']],
    keySpecs: [READ_KEY, storeSpec('STORE', 6), storeSpec('STOREDIST', 6)],
    args: `key longitude:double latitude:double radius:double ${UNIT} ${RADIUS_OPTIONS} [COUNT count:integer [ANY^6.2.0]]@count [ASC | DESC]@order [STORE key] [STOREDIST key]`,
  },
  {
    name: 'georadiusbymember',
    arity: -5,
    flags: ['write', 'denyoom'],
    group: 'geo',
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments',
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    keySpecs: [READ_KEY, storeSpec('STORE', 5), storeSpec('STOREDIST', 5)],
    args: `key member radius:double ${UNIT} ${RADIUS_OPTIONS} [COUNT count:integer [ANY]]@count [ASC | DESC]@order [STORE key] [STOREDIST key]`,
  },
  {
    name: 'georadiusbymember_ro',
    arity: -5,
    flags: ['readonly'],
    group: 'geo',
    summary: 'A read-only variant for GEORADIUSBYMEMBER',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments',
    keySpecs: [READ_KEY],
    args: `key member radius:double ${UNIT} ${RADIUS_OPTIONS} [COUNT count:integer [ANY]]@count [ASC | DESC]@order`,
  },
  {
    name: 'georadius_ro',
    arity: -6,
    flags: ['readonly'],
    group: 'geo',
    summary: 'A read-only variant for GEORADIUS',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` argument',
    history: [['6.2.0', 'Added the `ANY` option for `COUNT`.']],
    keySpecs: [READ_KEY],
    args: `key longitude:double latitude:double radius:double ${UNIT} ${RADIUS_OPTIONS} [COUNT count:integer [ANY^6.2.0]]@count [ASC | DESC]@order`,
  },
  {
    name: 'geosearch',
    arity: -7,
    flags: ['readonly'],
    group: 'geo',
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    keySpecs: [READ_KEY],
    args: `key ${SEARCH_ARGS} ${RADIUS_OPTIONS}`,
  },
  {
    name: 'geosearchstore',
    arity: -8,
    flags: ['write', 'denyoom'],
    group: 'geo',
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { lastKey: 0, step: 1, limit: 0 } },
    ],
    args: `destination:key source:key ${SEARCH_ARGS} [STOREDIST]`,
  },
];
