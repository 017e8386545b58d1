/**
 * Pub/Sub: who listens to what, and the fan-out of a published message.
 *
 * Three namespaces, as in Redis 7.0: channels (SUBSCRIBE), patterns (PSUBSCRIBE, matched with
 * Redis' glob rules against every published channel) and shard channels (SSUBSCRIBE; with no
 * cluster there is one shard, so they are simply a namespace of their own that SPUBLISH reaches).
 *
 * Names are binary: a channel or pattern is held as a latin1 string, one char per byte, so any
 * byte sequence is its own key and comes back out byte for byte.
 *
 * Ordering: a channel's subscribers are served in the order they subscribed, then every pattern
 * that matches in the order patterns were first subscribed, each pattern's subscribers in their
 * order. (Redis walks its pattern dictionary in hash order, which changes per process; insertion
 * order is one of the orders it may produce, and a stable one.)
 *
 * A message is encoded once per publish and protocol, whatever the number of receivers.
 */
import { globMatch } from '../util/glob.js';

/** Who can receive messages: a client connection. */
export interface Subscriber {
  readonly subscriptions: ClientSubscriptions;
  /**
   * Takes one encoded message. `publisher` is the client whose command published it: a message a
   * client publishes to itself belongs at this point of its own reply stream (PUBLISH inside EXEC).
   */
  deliver(message: PushMessage, publisher: Subscriber | null): void;
}

/** One client's subscriptions, in subscription order (UNSUBSCRIBE without arguments follows it). */
export class ClientSubscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  /** Channels and patterns: the count SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE and PUNSUBSCRIBE reply with. */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Anything at all: the client is in Pub/Sub mode (CLIENT LIST flag P; RESP2 restricts its commands). */
  get active(): boolean {
    return this.channels.size !== 0 || this.patterns.size !== 0 || this.shardChannels.size !== 0;
  }
}

/** One element of a push: a bulk string, an integer (a subscription count) or null (no channel). */
export type PushPart = string | Buffer | number | null;

/**
 * A message or a subscription notice, as the bytes a client of either protocol gets: an array
 * (`*n`) in RESP2, a push (`>n`) in RESP3. Encoded on first use per protocol, then shared by
 * every receiver.
 */
export class PushMessage {
  private resp2: Buffer | null = null;
  private resp3: Buffer | null = null;

  constructor(private readonly parts: readonly PushPart[]) {}

  encoded(resp: 2 | 3): Buffer {
    if (resp === 2) return (this.resp2 ??= encodePush(this.parts, 2));
    return (this.resp3 ??= encodePush(this.parts, 3));
  }
}

function encodePush(parts: readonly PushPart[], resp: 2 | 3): Buffer {
  const heads: string[] = [];
  let size = 0;
  for (const p of parts) {
    let head: string;
    if (p === null) head = resp === 3 ? '_\r\n' : '$-1\r\n';
    else if (typeof p === 'number') head = `:${p}\r\n`;
    else {
      head = `$${p.length}\r\n`;
      size += p.length + 2;
    }
    heads.push(head);
    size += head.length;
  }
  const top = `${resp === 3 ? '>' : '*'}${parts.length}\r\n`;
  const out = Buffer.allocUnsafe(top.length + size);
  let at = out.latin1Write(top, 0);
  for (let i = 0; i < parts.length; i++) {
    at += out.latin1Write(heads[i], at);
    const p = parts[i];
    if (p === null || typeof p === 'number') continue;
    at += typeof p === 'string' ? out.latin1Write(p, at) : p.copy(out, at);
    at += out.latin1Write('\r\n', at);
  }
  return out;
}

const MESSAGE = 'message';
const PMESSAGE = 'pmessage';
const SMESSAGE = 'smessage';

/** A pattern subscription: its subscribers, in subscription order. */
interface PatternEntry {
  readonly subscribers: Set<Subscriber>;
}

export class PubSubHub {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, PatternEntry>();
  private readonly shardChannels = new Map<string, Set<Subscriber>>();

  /** Channels with at least one subscriber (INFO pubsub_channels). */
  get channelCount(): number {
    return this.channels.size;
  }

  /** Distinct patterns subscribed by anyone (INFO pubsub_patterns, PUBSUB NUMPAT). */
  get patternCount(): number {
    return this.patterns.size;
  }

  /** Shard channels with at least one subscriber (INFO pubsubshard_channels). */
  get shardChannelCount(): number {
    return this.shardChannels.size;
  }

  /** Adds a channel subscription; false when the client already had it. */
  subscribe(client: Subscriber, channel: string): boolean {
    return addTo(this.channels, client, client.subscriptions.channels, channel);
  }

  unsubscribe(client: Subscriber, channel: string): boolean {
    return removeFrom(this.channels, client, client.subscriptions.channels, channel);
  }

  ssubscribe(client: Subscriber, channel: string): boolean {
    return addTo(this.shardChannels, client, client.subscriptions.shardChannels, channel);
  }

  sunsubscribe(client: Subscriber, channel: string): boolean {
    return removeFrom(this.shardChannels, client, client.subscriptions.shardChannels, channel);
  }

  psubscribe(client: Subscriber, pattern: string): boolean {
    const own = client.subscriptions.patterns;
    if (own.has(pattern)) return false;
    own.add(pattern);
    let entry = this.patterns.get(pattern);
    if (entry === undefined) {
      entry = { subscribers: new Set() };
      this.patterns.set(pattern, entry);
    }
    entry.subscribers.add(client);
    return true;
  }

  punsubscribe(client: Subscriber, pattern: string): boolean {
    const own = client.subscriptions.patterns;
    if (!own.delete(pattern)) return false;
    const entry = this.patterns.get(pattern);
    if (entry !== undefined) {
      entry.subscribers.delete(client);
      if (entry.subscribers.size === 0) this.patterns.delete(pattern);
    }
    return true;
  }

  /** Drops every subscription of a client without telling it (RESET, disconnection). */
  removeClient(client: Subscriber): void {
    const own = client.subscriptions;
    for (const c of own.channels) this.unsubscribe(client, c);
    for (const p of own.patterns) this.punsubscribe(client, p);
    for (const c of own.shardChannels) this.sunsubscribe(client, c);
  }

  /**
   * PUBLISH: the message to the channel's subscribers, then a pmessage per matching pattern to
   * each of its subscribers. Returns how many deliveries were made (a client subscribed to the
   * channel and to two matching patterns counts three times, as in Redis).
   */
  publish(channel: Buffer, message: Buffer, publisher: Subscriber | null): number {
    return this.fanOut(channel.latin1Slice(0, channel.length), channel, message, publisher);
  }

  /**
   * publish() of a channel and message given as binary strings (latin1, one char per byte), as
   * keyspace notifications build them: no Buffer made for either.
   */
  publishText(channel: string, message: string, publisher: Subscriber | null): number {
    return this.fanOut(channel, channel, message, publisher);
  }

  private fanOut(name: string, channel: Buffer | string, message: Buffer | string, publisher: Subscriber | null): number {
    let receivers = 0;
    const direct = this.channels.get(name);
    if (direct !== undefined) {
      const frame = new PushMessage([MESSAGE, channel, message]);
      // A subscriber closed by its output limit during this loop is deleted from the set; a Set
      // iterator skips deleted entries and goes on with the rest.
      for (const s of direct) {
        s.deliver(frame, publisher);
        receivers++;
      }
    }
    if (this.patterns.size !== 0) {
      for (const [pattern, entry] of this.patterns) {
        if (!globMatch(pattern, name)) continue;
        const frame = new PushMessage([PMESSAGE, pattern, channel, message]);
        for (const s of entry.subscribers) {
          s.deliver(frame, publisher);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** SPUBLISH: the message to the shard channel's subscribers. */
  spublish(channel: Buffer, message: Buffer, publisher: Subscriber | null): number {
    const subscribers = this.shardChannels.get(channel.latin1Slice(0, channel.length));
    if (subscribers === undefined) return 0;
    const frame = new PushMessage([SMESSAGE, channel, message]);
    let receivers = 0;
    for (const s of subscribers) {
      s.deliver(frame, publisher);
      receivers++;
    }
    return receivers;
  }

  /** Active channels (or shard channels) matching `pattern` (all when null). */
  activeChannels(shard: boolean, pattern: string | null): string[] {
    const out: string[] = [];
    for (const name of (shard ? this.shardChannels : this.channels).keys()) {
      if (pattern === null || globMatch(pattern, name)) out.push(name);
    }
    return out;
  }

  /** Subscribers of a channel (or shard channel), patterns not counted (PUBSUB NUMSUB). */
  subscriberCount(shard: boolean, channel: string): number {
    return (shard ? this.shardChannels : this.channels).get(channel)?.size ?? 0;
  }
}

function addTo(index: Map<string, Set<Subscriber>>, client: Subscriber, own: Set<string>, name: string): boolean {
  if (own.has(name)) return false;
  own.add(name);
  let set = index.get(name);
  if (set === undefined) {
    set = new Set();
    index.set(name, set);
  }
  set.add(client);
  return true;
}

function removeFrom(index: Map<string, Set<Subscriber>>, client: Subscriber, own: Set<string>, name: string): boolean {
  if (!own.delete(name)) return false;
  const set = index.get(name);
  if (set !== undefined) {
    set.delete(client);
    if (set.size === 0) index.delete(name);
  }
  return true;
}
