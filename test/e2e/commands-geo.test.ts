/**
 * GEO commands end to end, side by side with a real redis-server 7.0 (every expected reply is
 * redis-server's, asked now, compared byte for byte): the documented examples (Palermo and
 * Catania), the limits of the geohash (±180, the Mercator latitudes, the cell past the end),
 * GEOHASH strings, every unit, the searches with every option in RESP2 and RESP3, a set of
 * thousands of points searched from many centres (skiplist-encoded: read by score ranges), the
 * STORE forms (scores, STOREDIST, deleting the destination), their keyspace events, WATCH, and the
 * errors in Redis' order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, TestClients, redisTest, startRedis, startServer, type TestServer } from './helpers.js';
import { mulberry32 } from '../support/prng.js';

let strata: TestServer;
let redis: TestServer | null = null;
const clients = new TestClients();
let ours: RawClient;
let theirs: RawClient;

test.before(async () => {
  [strata, redis] = await Promise.all([startServer(), startRedis()]);
  ours = await RawClient.connect(strata.port);
  if (redis !== null) theirs = await RawClient.connect(redis.port);
});

test.after(async () => {
  ours?.close();
  theirs?.close();
  clients.disconnectAll();
  await Promise.all([strata?.stop(), redis?.stop()]);
});

type Arg = string | Buffer | number;

/** Sends one command to both servers; their raw replies must be the same bytes. Returns ours. */
async function both(...args: Arg[]): Promise<string> {
  const [a, b] = await Promise.all([ours.command(...args), theirs.command(...args)]);
  assert.is(a.toString('latin1'), b.toString('latin1'), args.map((x) => String(x).slice(0, 40)).join(' '));
  return a.toString('latin1');
}

/** HELLO on both servers (the replies carry each server's connection id). */
async function hello(protocol: string): Promise<void> {
  await Promise.all([ours.command('HELLO', protocol), theirs.command('HELLO', protocol)]);
}

const SICILY = ['13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'];

redisTest(test, 'the documented examples: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS*, GEOSEARCH*', async () => {
  for (const protocol of ['2', '3']) {
    await hello(protocol);
    await both('FLUSHALL');
    assert.is(await both('GEOADD', 'Sicily', ...SICILY), ':2\r\n');
    await both('GEODIST', 'Sicily', 'Palermo', 'Catania');
    for (const unit of ['m', 'km', 'mi', 'ft', 'KM', 'Mi']) await both('GEODIST', 'Sicily', 'Palermo', 'Catania', unit);
    await both('GEODIST', 'Sicily', 'Foo', 'Bar');
    await both('GEOHASH', 'Sicily', 'Palermo', 'Catania', 'nope');
    await both('GEOPOS', 'Sicily', 'Palermo', 'Catania', 'NonExisting');
    await both('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST');
    await both('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD');
    await both('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH');
    await both('GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'DESC', 'COUNT', '1');
    await both('GEOADD', 'Sicily', '13.583333', '37.316667', 'Agrigento');
    await both('GEORADIUSBYMEMBER', 'Sicily', 'Agrigento', '100', 'km');
    await both('GEORADIUSBYMEMBER_RO', 'Sicily', 'Agrigento', '100', 'km', 'WITHDIST', 'ASC');
    await both('GEOADD', 'Sicily', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2');
    await both('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC');
    await both('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHCOORD', 'WITHDIST');
    await both('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '400', '400', 'km', 'DESC', 'COUNT', '2', 'WITHHASH');
    await both('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', '1', 'ANY');
    assert.is(await both('GEOSEARCHSTORE', 'key1', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'COUNT', '3'), ':3\r\n');
    await both('GEOSEARCH', 'key1', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHCOORD', 'WITHDIST', 'WITHHASH');
    await both('GEOSEARCHSTORE', 'key2', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'COUNT', '3', 'STOREDIST');
    await both('ZRANGE', 'key2', '0', '-1', 'WITHSCORES');
    await both('OBJECT', 'ENCODING', 'key2');
  }
  await hello('2');
});

redisTest(test, 'the limits: ±180, the Mercator latitudes, cells past the end, refused pairs, hand-written scores', async () => {
  await both('FLUSHALL');
  await both('GEOADD', 'e', '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw', '180', '-85.05112878', 'se', '-180', '85.05112878', 'nw', '0', '0', 'o');
  await both('ZRANGE', 'e', '0', '-1', 'WITHSCORES');
  await both('GEOPOS', 'e', 'ne', 'sw', 'se', 'nw', 'o');
  await both('GEOHASH', 'e', 'ne', 'sw', 'se', 'nw', 'o');
  await both('GEODIST', 'e', 'ne', 'sw', 'km');
  await both('GEODIST', 'e', 'nw', 'ne');
  for (const [lon, lat] of [['180.0000001', '0'], ['0', '85.05112879'], ['-181', '-86'], ['inf', '0'], ['1e300', '-1e30'], ['-0.0000005', '90']]) {
    await both('GEOADD', 'e', lon, lat, 'x');
  }
  for (const score of ['-1', '1.5', '4503599627370496', '18014398509481984', '9223372036854775808', '18446744073709551616', '1e30', 'inf', '-inf']) {
    await both('ZADD', 'z', score, `s${score}`);
    await both('GEOPOS', 'z', `s${score}`);
    await both('GEOHASH', 'z', `s${score}`);
  }
  await both('GEOSEARCH', 'z', 'FROMLONLAT', '0', '0', 'BYRADIUS', '30000', 'km', 'WITHHASH', 'WITHCOORD', 'ASC');
  await both('GEOSEARCH', 'e', 'FROMLONLAT', '179.99', '85', 'BYRADIUS', '500', 'km', 'WITHDIST', 'WITHCOORD');
  await both('GEOSEARCH', 'e', 'FROMLONLAT', '-179.99', '-85', 'BYBOX', '5000', '200', 'km', 'WITHDIST');
});

/** Seeded points spread over the planet, denser around a few places (poles and antimeridian included). */
function points(seed: number, n: number): string[] {
  const random = mulberry32(seed);
  const places = [[0, 0], [179.5, 20], [-179.5, -20], [10, 84], [-60, -84], [13, 38]];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const [lon, lat] = places[Math.floor(random() * places.length)];
    const spread = random() < 0.2 ? 60 : 2;
    const x = Math.max(-180, Math.min(180, lon + (random() * 2 - 1) * spread));
    const y = Math.max(-85.05112878, Math.min(85.05112878, lat + (random() * 2 - 1) * spread));
    out.push(x.toFixed(6), y.toFixed(6), `p${i}`);
  }
  return out;
}

redisTest(test, 'thousands of points searched from many centres, every shape and option, RESP2 and RESP3', async () => {
  await both('FLUSHALL');
  const all = points(7, 3000);
  for (let i = 0; i < all.length; i += 300) await both('GEOADD', 'big', ...all.slice(i, i + 300));
  await both('OBJECT', 'ENCODING', 'big');
  const random = mulberry32(11);
  const centres = [['0', '0'], ['179.9', '20'], ['-179.9', '-20'], ['10', '84.5'], ['-60', '-84.9'], ['13', '38'], ['180', '0'], ['-180', '85.05112878']];
  const radii = ['0', '1', '5000', '50', '200', '1000', '5000', '12000'];
  for (const protocol of ['2', '3']) {
    await hello(protocol);
    for (const [lon, lat] of centres) {
      for (const radius of radii) {
        const options = [['ASC'], ['DESC', 'COUNT', '7'], ['COUNT', '5', 'ANY'], ['WITHDIST', 'WITHHASH', 'WITHCOORD', 'COUNT', '20'], ['COUNT', '3']][Math.floor(random() * 5)];
        await both('GEORADIUS_RO', 'big', lon, lat, radius, 'km', ...options);
        await both('GEOSEARCH', 'big', 'FROMLONLAT', lon, lat, 'BYBOX', radius, String(Number(radius) / 2), 'km', ...options);
        await both('GEOSEARCH', 'big', 'FROMLONLAT', lon, lat, 'BYRADIUS', radius, 'mi', 'WITHDIST', 'COUNT', '15', 'DESC');
      }
    }
    for (const member of ['p0', 'p1', 'p2', 'p100', 'p2999']) {
      await both('GEORADIUSBYMEMBER_RO', 'big', member, '300', 'km', 'WITHDIST', 'ASC', 'COUNT', '25');
      await both('GEOSEARCH', 'big', 'FROMMEMBER', member, 'BYBOX', '600', '900', 'km', 'ASC', 'WITHCOORD');
    }
  }
  await hello('2');
  // Stored results: a skiplist when large, a listpack when small, as Redis builds them.
  await both('GEORADIUS', 'big', '0', '0', '3000', 'km', 'STORE', 'near');
  await both('OBJECT', 'ENCODING', 'near');
  await both('ZRANGE', 'near', '0', '-1', 'WITHSCORES');
  await both('GEORADIUS', 'big', '0', '0', '300', 'km', 'STORE', 'near');
  await both('OBJECT', 'ENCODING', 'near');
  await both('GEOSEARCHSTORE', 'dists', 'big', 'FROMMEMBER', 'p3', 'BYRADIUS', '100', 'km', 'STOREDIST');
  await both('ZRANGE', 'dists', '0', '-1', 'WITHSCORES');
});

redisTest(test, 'STORE forms: replace the destination, delete it when nothing matches, with keyspace events; WATCH sees them', async () => {
  await both('FLUSHALL');
  await both('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  const events = async (port: number): Promise<{ seen: string[]; stop: () => void }> => {
    const sub = clients.connect({ port });
    const seen: string[] = [];
    sub.on('pmessage', (_p: string, channel: string, message: string) => seen.push(`${channel} ${message}`));
    await sub.psubscribe('__key*__:*');
    return { seen, stop: () => sub.disconnect() };
  };
  const [a, b] = await Promise.all([events(strata.port), events((redis as TestServer).port)]);
  await both('GEOADD', 'Sicily', ...SICILY);
  await both('GEOADD', 'Sicily', 'XX', 'CH', '13.361389', '38.2', 'Palermo', '1', '1', 'New');
  await both('GEOADD', 'Sicily', 'NX', '13.361389', '38.3', 'Palermo', '1', '1', 'New');
  await both('SET', 'dst', 'a string');
  await both('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst');
  await both('TYPE', 'dst');
  await both('GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '500', 'km', 'STOREDIST', 'dst', 'COUNT', '1');
  await both('ZRANGE', 'dst', '0', '-1', 'WITHSCORES');
  await both('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'm');
  await both('EXISTS', 'dst');
  await both('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST');
  await both('GEORADIUS', 'nosuchkey', '15', '37', '200', 'km', 'STORE', 'dst');
  await both('EXISTS', 'dst');
  await both('GEOSEARCHSTORE', 'Sicily', 'Sicily', 'FROMMEMBER', 'Catania', 'BYRADIUS', '1', 'km');
  await both('ZRANGE', 'Sicily', '0', '-1', 'WITHSCORES');
  // WATCH: a STORE that writes the watched key aborts the transaction.
  await both('GEOADD', 'src', ...SICILY);
  await both('WATCH', 'out');
  const writer = await RawClient.connect(strata.port);
  const theirWriter = await RawClient.connect((redis as TestServer).port);
  await Promise.all([writer.command('GEOSEARCHSTORE', 'out', 'src', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '500', 'km'), theirWriter.command('GEOSEARCHSTORE', 'out', 'src', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '500', 'km')]);
  writer.close();
  theirWriter.close();
  await both('MULTI');
  await both('PING');
  assert.is(await both('EXEC'), '*-1\r\n');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(a.seen, b.seen, 'keyspace events');
  assert.ok(a.seen.includes('__keyevent@0__:georadiusstore dst') && a.seen.includes('__keyevent@0__:geosearchstore dst') && a.seen.includes('__keyevent@0__:zadd Sicily'));
  a.stop();
  b.stop();
  await both('CONFIG', 'SET', 'notify-keyspace-events', '');
});

redisTest(test, "errors in Redis' order, WRONGTYPE, missing keys and members", async () => {
  await both('FLUSHALL');
  await both('GEOADD', 'Sicily', ...SICILY);
  await both('SET', 'str', 'x');
  const commands: Arg[][] = [
    ['GEOADD', 'k', '200', '100', 'a'], ['GEOADD', 'k', 'nan', '1', 'a'], ['GEOADD', 'k', '1', 'x', 'a'], ['GEOADD', 'k', 'NX', 'XX', '1', '1', 'a'],
    ['GEOADD', 'k', 'CH', 'CH', 'CH'], ['GEOADD', 'k', '1', '1', 'a', '2'], ['GEOADD', 'str', '1', '1', 'a'], ['GEOADD', 'k', 'GT', '1', '1', 'a'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'xx'], ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km', 'x'], ['GEODIST', 'nokey', 'a', 'b'], ['GEODIST', 'str', 'a', 'b'],
    ['GEOPOS', 'str', 'a'], ['GEOPOS', 'nokey', 'a', 'b'], ['GEOHASH', 'str', 'a'], ['GEOHASH', 'nokey', 'a'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'COUNT', '0'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'ANY'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'nope', 'BYBOX', '1', '-1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '-1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '1', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'STORE', 'x'],
    ['GEOSEARCH', 'Sicily', 'BYRADIUS', '1', 'km', 'ASC', 'ASC'], ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '2', 'ASC', 'DESC'],
    ['GEOSEARCH', 'str', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCHSTORE', 'd', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'WITHDIST'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'STORE', 'x'],
    ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'x'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', 'x'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '9223372036854775808'],
    ['GEORADIUS', 'Sicily', '15', '37', 'abc', 'km'], ['GEORADIUS', 'Sicily', '15', '37', '1', 'cm'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', 'a', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'a', 'km'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'nope', '1', 'km'], ['GEORADIUSBYMEMBER', 'nokey', 'nope', 'x', 'km'],
    ['GEORADIUSBYMEMBER', 'nokey', 'nope', '1', 'km', 'STORE', 'x'], ['GEORADIUSBYMEMBER', 'str', 'nope', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'COUNT', '2', 'ANY', 'COUNT'],
  ];
  for (const c of commands) await both(...c);
  await both('COMMAND', 'GETKEYS', 'GEORADIUS', 'k', '1', '2', '3', 'km', 'STORE', 'a', 'STOREDIST', 'b');
  await both('COMMAND', 'GETKEYS', 'GEOSEARCHSTORE', 'dst', 'src', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'km');
});

test.run();
