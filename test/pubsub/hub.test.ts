/**
 * The Pub/Sub registry on its own (src/pubsub/hub.ts): bookkeeping on both sides (the hub's
 * indexes and each client's own sets), delivery order and counts, pattern matching with Redis'
 * glob rules over binary names, and that dropping a client leaves nothing behind.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientSubscriptions, PubSubHub, PushMessage, type Subscriber } from '../../src/pubsub/hub.js';

/** A receiver that keeps what it is given, as RESP2 or RESP3 bytes. */
class Recorder implements Subscriber {
  readonly subscriptions = new ClientSubscriptions();
  readonly received: string[] = [];
  constructor(readonly name: string, private readonly resp: 2 | 3 = 2) {}
  deliver(message: PushMessage): void {
    this.received.push(message.encoded(this.resp).toString('latin1'));
  }
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('PushMessage encodes strings, Buffers, integers and null for either protocol', () => {
  const m = new PushMessage(['unsubscribe', null, 0]);
  assert.is(m.encoded(2).toString(), '*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n');
  assert.is(m.encoded(3).toString(), '>3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n');
  const bin = new PushMessage(['message', b('\x00\xff'), Buffer.from([0x0d, 0x0a])]);
  assert.equal([...bin.encoded(2)], [...Buffer.from('*3\r\n$7\r\nmessage\r\n$2\r\n\x00\xff\r\n$2\r\n\r\n\r\n', 'latin1')]);
  assert.is(bin.encoded(2), bin.encoded(2), 'encoded once per protocol');
});

test('publish: channel subscribers first, then each matching pattern; the count is deliveries', () => {
  const hub = new PubSubHub();
  const x = new Recorder('x');
  const y = new Recorder('y', 3);
  assert.ok(hub.subscribe(x, 'news'));
  assert.not.ok(hub.subscribe(x, 'news'), 'already subscribed');
  assert.ok(hub.psubscribe(x, 'n*'));
  assert.ok(hub.psubscribe(x, 'ne?s'));
  assert.ok(hub.psubscribe(y, 'n*'));
  assert.is(x.subscriptions.count, 3);
  assert.is(hub.patternCount, 2);
  assert.is(hub.publish(b('news'), b('hi'), null), 4);
  assert.equal(x.received, [
    '*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n',
    '*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n',
    '*4\r\n$8\r\npmessage\r\n$4\r\nne?s\r\n$4\r\nnews\r\n$2\r\nhi\r\n',
  ]);
  assert.equal(y.received, ['>4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n']);
  assert.is(hub.publish(b('other'), b('hi'), null), 0);
  assert.is(hub.spublish(b('news'), b('hi'), null), 0, 'shard channels are their own namespace');
});

test('glob patterns over binary channel names, as stringmatchlen', () => {
  const hub = new PubSubHub();
  const r = new Recorder('r');
  hub.psubscribe(r, '\x00[\x01-\x03]*');
  hub.psubscribe(r, 'a\\*');
  hub.psubscribe(r, 'h[^e]llo');
  assert.is(hub.publish(b('\x00\x02tail\xff'), b('1'), null), 1);
  assert.is(hub.publish(b('\x00\x04'), b('2'), null), 0);
  assert.is(hub.publish(b('a*'), b('3'), null), 1);
  assert.is(hub.publish(b('ab'), b('4'), null), 0);
  assert.is(hub.publish(b('hallo'), b('5'), null), 1);
  assert.is(hub.publish(b('hello'), b('6'), null), 0);
  assert.is(r.received.length, 3);
});

test('introspection, unsubscribing and removeClient leave the indexes empty', () => {
  const hub = new PubSubHub();
  const clients = Array.from({ length: 5 }, (_, i) => new Recorder(`c${i}`));
  for (const [i, c] of clients.entries()) {
    hub.subscribe(c, 'all');
    hub.subscribe(c, `own${i}`);
    hub.psubscribe(c, 'own*');
    hub.ssubscribe(c, 'shard');
  }
  assert.is(hub.channelCount, 6);
  assert.is(hub.shardChannelCount, 1);
  assert.is(hub.subscriberCount(false, 'all'), 5);
  assert.is(hub.subscriberCount(true, 'shard'), 5);
  assert.is(hub.subscriberCount(false, 'shard'), 0);
  assert.equal(hub.activeChannels(false, 'own[0-1]').sort(), ['own0', 'own1']);
  assert.equal(hub.activeChannels(true, null), ['shard']);
  assert.ok(hub.unsubscribe(clients[0], 'own0'));
  assert.not.ok(hub.unsubscribe(clients[0], 'own0'));
  assert.ok(hub.sunsubscribe(clients[0], 'shard'));
  assert.is(hub.channelCount, 5);
  assert.is(clients[0].subscriptions.count, 2);
  for (const c of clients) hub.removeClient(c);
  assert.is(hub.channelCount, 0);
  assert.is(hub.patternCount, 0);
  assert.is(hub.shardChannelCount, 0);
  for (const c of clients) assert.not.ok(c.subscriptions.active);
  assert.is(hub.publish(b('all'), b('x'), null), 0);
});

test('a subscriber removed while a publish is delivering is skipped, the others still served', () => {
  const hub = new PubSubHub();
  const order: string[] = [];
  class Leaver extends Recorder {
    override deliver(message: PushMessage): void {
      super.deliver(message);
      order.push(this.name);
      // As a connection closed by its output limit: it unsubscribes everything while delivering.
      hub.removeClient(second);
    }
  }
  const first = new Leaver('first');
  const second = new Recorder('second');
  const third = new Recorder('third');
  for (const c of [first, second, third]) hub.subscribe(c, 'ch');
  assert.is(hub.publish(b('ch'), b('m'), null), 2);
  assert.equal(order, ['first']);
  assert.is(second.received.length, 0);
  assert.is(third.received.length, 1);
});

test.run();
