/**
 * Pub/Sub family: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB *, over the
 * server's PubSubHub (src/pubsub/hub.ts). Replies are Redis 7.0's: a subscription notice per
 * channel, as a push (`>3`) in RESP3 and an array in RESP2, carrying the client's subscription
 * count after it; UNSUBSCRIBE without arguments and nothing to drop still answers once, with a
 * null channel.
 *
 * Channel names and patterns travel as latin1 strings (one char per byte), so binary names are
 * kept and written back byte for byte.
 */
import type { ClientState, CommandContext, CommandHandlers } from './types.js';
import { PushMessage, type PubSubHub } from '../pubsub/hub.js';
import { replyHelp } from './connection.js';
import { cString } from '../keyspace/numbers.js';

/** One namespace's subscribe/unsubscribe pair and the count its notices carry. */
interface Namespace {
  readonly subscribeWord: string;
  readonly unsubscribeWord: string;
  subscribe(hub: PubSubHub, client: ClientState, name: string): boolean;
  unsubscribe(hub: PubSubHub, client: ClientState, name: string): boolean;
  /** The client's own subscriptions in this namespace, in subscription order. */
  own(client: ClientState): ReadonlySet<string>;
  /** The number a notice carries: channels + patterns for those two, shard channels alone for shards. */
  count(client: ClientState): number;
}

const CHANNELS: Namespace = {
  subscribeWord: 'subscribe',
  unsubscribeWord: 'unsubscribe',
  subscribe: (hub, client, name) => hub.subscribe(client, name),
  unsubscribe: (hub, client, name) => hub.unsubscribe(client, name),
  own: (client) => client.subscriptions.channels,
  count: (client) => client.subscriptions.count,
};

const PATTERNS: Namespace = {
  subscribeWord: 'psubscribe',
  unsubscribeWord: 'punsubscribe',
  subscribe: (hub, client, name) => hub.psubscribe(client, name),
  unsubscribe: (hub, client, name) => hub.punsubscribe(client, name),
  own: (client) => client.subscriptions.patterns,
  count: (client) => client.subscriptions.count,
};

const SHARD_CHANNELS: Namespace = {
  subscribeWord: 'ssubscribe',
  unsubscribeWord: 'sunsubscribe',
  subscribe: (hub, client, name) => hub.ssubscribe(client, name),
  unsubscribe: (hub, client, name) => hub.sunsubscribe(client, name),
  own: (client) => client.subscriptions.shardChannels,
  count: (client) => client.subscriptions.shardChannels.size,
};

/**
 * A subscription notice is a push, not a reply: like a message it reaches the client even under
 * CLIENT REPLY OFF or SKIP, as in Redis 7.0.
 */
function notice(ctx: CommandContext, word: string, name: string | null, count: number): void {
  ctx.client.deliver(new PushMessage([word, name, count]), ctx.client);
}

/** One notice per argument, subscribed already or not (the count tells). */
function subscribeAll(ns: Namespace, ctx: CommandContext, argv: Buffer[]): void {
  const { client, server } = ctx;
  for (let i = 1; i < argv.length; i++) {
    const name = argv[i].toString('latin1');
    ns.subscribe(server.pubsub, client, name);
    notice(ctx, ns.subscribeWord, name, ns.count(client));
  }
}

/** The named subscriptions, or every one the client has; a notice for each, or one null notice. */
function unsubscribeAll(ns: Namespace, ctx: CommandContext, argv: Buffer[]): void {
  const { client, server } = ctx;
  if (argv.length > 1) {
    for (let i = 1; i < argv.length; i++) {
      const name = argv[i].toString('latin1');
      ns.unsubscribe(server.pubsub, client, name);
      notice(ctx, ns.unsubscribeWord, name, ns.count(client));
    }
    return;
  }
  const names = [...ns.own(client)];
  if (names.length === 0) {
    notice(ctx, ns.unsubscribeWord, null, ns.count(client));
    return;
  }
  for (const name of names) {
    ns.unsubscribe(server.pubsub, client, name);
    notice(ctx, ns.unsubscribeWord, name, ns.count(client));
  }
}

function publish(ctx: CommandContext, argv: Buffer[]): void {
  ctx.reply.integer(ctx.server.pubsub.publish(argv[1], argv[2], ctx.client));
}

function spublish(ctx: CommandContext, argv: Buffer[]): void {
  ctx.reply.integer(ctx.server.pubsub.spublish(argv[1], argv[2], ctx.client));
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]: at most one pattern, as Redis checks by hand. */
function listChannels(shard: boolean, ctx: CommandContext, argv: Buffer[]): void {
  if (argv.length > 3) {
    ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${cString(argv[1], 128)}'. Try PUBSUB HELP.`);
    return;
  }
  const names = ctx.server.pubsub.activeChannels(shard, argv.length === 3 ? argv[2].toString('latin1') : null);
  ctx.reply.arrayHeader(names.length);
  for (const n of names) ctx.reply.bulk(n);
}

/** PUBSUB NUMSUB / SHARDNUMSUB: channel, count pairs in a flat array (in RESP3 too, as Redis 7.0). */
function countSubscribers(shard: boolean, ctx: CommandContext, argv: Buffer[]): void {
  const hub = ctx.server.pubsub;
  ctx.reply.arrayHeader((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    ctx.reply.bulk(argv[i]);
    ctx.reply.integer(hub.subscriberCount(shard, argv[i].toString('latin1')));
  }
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

/** Handlers by command name; the metadata is in ../command-table/pubsub.ts. */
export const pubsubHandlers: CommandHandlers = {
  subscribe: (ctx, argv) => subscribeAll(CHANNELS, ctx, argv),
  unsubscribe: (ctx, argv) => unsubscribeAll(CHANNELS, ctx, argv),
  psubscribe: (ctx, argv) => subscribeAll(PATTERNS, ctx, argv),
  punsubscribe: (ctx, argv) => unsubscribeAll(PATTERNS, ctx, argv),
  ssubscribe: (ctx, argv) => subscribeAll(SHARD_CHANNELS, ctx, argv),
  sunsubscribe: (ctx, argv) => unsubscribeAll(SHARD_CHANNELS, ctx, argv),
  publish,
  spublish,
  'pubsub|channels': (ctx, argv) => listChannels(false, ctx, argv),
  'pubsub|shardchannels': (ctx, argv) => listChannels(true, ctx, argv),
  'pubsub|numsub': (ctx, argv) => countSubscribers(false, ctx, argv),
  'pubsub|shardnumsub': (ctx, argv) => countSubscribers(true, ctx, argv),
  'pubsub|numpat': (ctx) => ctx.reply.integer(ctx.server.pubsub.patternCount),
  'pubsub|help': (ctx) => replyHelp(ctx, PUBSUB_HELP),
};
