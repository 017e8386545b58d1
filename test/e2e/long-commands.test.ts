/**
 * Commands that walk millions of keys do it in slices: other clients are served between them,
 * and the reply is still one moment's view (a snapshot), as Redis' blocking KEYS is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { startServer } from './helpers.js';

const KEYS = 200_000;

test('KEYS * over 200 000 keys lets another client\'s commands through while it runs, and answers one snapshot: a transaction run meanwhile is in it whole or not at all', async () => {
  const server = await startServer();
  const loader = new Redis({ port: server.port, lazyConnect: true });
  const walker = new Redis({ port: server.port, lazyConnect: true });
  const other = new Redis({ port: server.port, lazyConnect: true });
  try {
    await Promise.all([loader.connect(), walker.connect(), other.connect()]);
    for (let from = 0; from < KEYS; from += 1000) {
      const args: string[] = [];
      for (let i = from; i < from + 1000; i++) args.push(`old:${i}`, 'v');
      await loader.mset(...args);
    }
    assert.is(await loader.dbsize(), KEYS);

    const order: string[] = [];
    const walk = walker.keys('*').then((keys) => {
      order.push('keys');
      return keys;
    });
    // Once the walk is under way: a command of another client, and a transaction that swaps a
    // thousand old keys for a thousand new ones.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ping = other.ping().then(() => order.push('ping'));
    const swap = other.multi();
    for (let i = 0; i < 1000; i++) swap.del(`old:${i}`).set(`new:${i}`, 'v');
    const swapped = swap.exec().then(() => order.push('exec'));
    const keys = await walk;
    await Promise.all([ping, swapped]);

    // The other client did not wait for the walk (in Redis it would: its KEYS blocks everyone).
    assert.is(order[0], 'ping', `order of replies: ${order.join(', ')}`);
    assert.is(keys.length, KEYS);
    const olds = keys.filter((k) => k.startsWith('old:')).length;
    const news = keys.filter((k) => k.startsWith('new:')).length;
    assert.ok((olds === KEYS && news === 0) || (olds === KEYS - 1000 && news === 1000), `KEYS saw ${olds} old and ${news} new keys: part of a transaction`);
    assert.is(new Set(keys).size, keys.length, 'no key twice');
    assert.is(await loader.dbsize(), KEYS);
  } finally {
    loader.disconnect();
    walker.disconnect();
    other.disconnect();
    await server.stop();
  }
});

test.run();
