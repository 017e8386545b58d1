/**
 * Replays a sequence on StrataKV and redis-server side by side and judges every pair of replies.
 *
 * Each replay starts from scratch: fresh connections (database 0, no MULTI, no WATCH), HELLO 3
 * first for a RESP3 sequence, then FLUSHALL, SCRIPT FLUSH and FUNCTION FLUSH on both, so a replayed or minimized sequence sees
 * exactly what the original saw. Commands are pipelined in batches (a replay of a few hundred
 * commands takes milliseconds, which is what makes minimizing cheap); a command with an exchange
 * (SCAN to the end) and a restart step are run on their own, as they need round trips.
 *
 * Inside MULTI, EXEC's array is judged element by element, each by its queued command's rule
 * (class Transaction).
 *
 * With `events`, each server also gets a watching connection (class Watchers): it turns keyspace
 * notifications on (every class, new keys too) and PSUBSCRIBEs to every keyspace and keyevent
 * channel; the pubsub family's SUBSCRIBE and kin run on it. Commands then go one at a time, and
 * after each one everything each watcher received (notices and messages, up to the reply of a
 * PING sent then, so no timing is involved) must be the same bytes on both servers: the
 * pub/sub message-sequence comparison, for keyspace events and PUBLISH alike.
 */
import { exact, hello, type ReplyRule } from './compare.js';
import { ruleOf, specOf } from './families/index.js';
import type { Exchange } from './gen.js';
import { CONFIG_DEFAULTS } from './families/server.js';
import { parseReply } from './resp.js';
import type { Step } from './sequence.js';
import { encodeCommand, RawClient } from '../e2e/helpers.js';

export interface Endpoint {
  /** The port to connect to now (StrataKV's changes when it restarts). */
  port(): number;
  /** SIGKILL and start again on the same data directory; StrataKV only. */
  restart?(): Promise<void>;
}

/** A command whose replies differ, the two replies, and why they do not agree under its rule. */
export interface Differing {
  readonly args: readonly Buffer[];
  readonly ours: Buffer;
  readonly theirs: Buffer;
  readonly reason: string;
}

export interface Mismatch extends Differing {
  /** Index of the step in the steps replayed; -1 for the HELLO 3 that opens a RESP3 replay. */
  readonly index: number;
  /** The replies stand for a whole exchange (SCAN iterated to its end), not one call. */
  readonly exchanged: boolean;
  /** What differs: the step itself, or for EXEC the queued command whose element differs. */
  readonly differing: Differing;
  /** The commands sent before it on the same connections (since the replay began or restarted). */
  readonly history: ReadonlyArray<readonly Buffer[]>;
}

/** Whether a mismatch is a documented known difference, and if so whether the data diverged. */
export type KnownCheck = (mismatch: Mismatch) => { readonly id: string; readonly diverges: boolean } | undefined;

export interface ReplayResult {
  /** The first mismatch that is not a known difference (or one whose data diverged), or null. */
  readonly mismatch: Mismatch | null;
  /** Known differences met on the way. A diverging one ends the replay (and is also `mismatch`). */
  readonly known: ReadonlyArray<{ readonly id: string; readonly mismatch: Mismatch }>;
  /** Pairs of replies compared. */
  readonly compared: number;
}

const BATCH = 64;
const QUEUED = Buffer.from('+QUEUED\r\n');
const OK = Buffer.from('+OK\r\n');

export async function replay(steps: readonly Step[], protocol: 2 | 3, strata: Endpoint, redis: Endpoint, isKnown: KnownCheck = () => undefined, events = false): Promise<ReplayResult> {
  const known: Array<{ id: string; mismatch: Mismatch }> = [];
  let compared = 0;
  /** Where the current connections began: a mismatch's history starts there. */
  let connectedAt = 0;
  /** The result to return when step `index` differs, or null to go on (a known, non-diverging difference). */
  const stopAt = (index: number, ours: Buffer, theirs: Buffer, differing: Differing, exchanged: boolean): ReplayResult | null => {
    const history = steps.slice(connectedAt, index).flatMap((s) => (s.kind === 'command' ? [s.args] : []));
    const step = steps[index];
    const args = step.kind === 'command' ? step.args : [];
    const mismatch: Mismatch = { index, args, ours, theirs, reason: differing.reason, exchanged, differing, history };
    const hit = isKnown(mismatch);
    if (hit !== undefined) known.push({ id: hit.id, mismatch });
    return hit === undefined || hit.diverges ? { mismatch, known, compared } : null;
  };

  let pair = await Pair.open(strata, redis, protocol);
  let watchers: Watchers | null = null;
  const transaction = new Transaction();
  /** After step `index`: the watchers' streams compared, or null when they agree (or there are none). */
  const watched = async (index: number): Promise<ReplayResult | null> => {
    if (watchers === null) return null;
    const [ours, theirs] = await watchers.drain();
    compared++;
    if (ours.equals(theirs)) return null;
    const step = steps[index];
    const differing: Differing = { args: step.kind === 'command' ? step.args : [], ours, theirs, reason: 'the watching connection received other notices or messages' };
    return stopAt(index, ours, theirs, differing, false);
  };
  try {
    if (pair.helloMismatch !== null) return { mismatch: pair.helloMismatch, known, compared };
    await pair.flushAll();
    if (events) watchers = await Watchers.open(strata, redis, protocol);
    let i = 0;
    while (i < steps.length) {
      const step = steps[i];
      if (step.kind === 'restart') {
        pair.close();
        await watchers?.close();
        if (strata.restart === undefined) throw new Error('a restart step needs a restartable StrataKV');
        await strata.restart();
        pair = await Pair.open(strata, redis, protocol);
        if (events) watchers = await Watchers.open(strata, redis, protocol);
        if (pair.helloMismatch !== null) return { mismatch: { ...pair.helloMismatch, index: i }, known, compared };
        // A restarted Redis has no cached scripts either (they are not persisted): redis-server
        // forgets them as StrataKV did.
        await pair.theirs.command('SCRIPT', 'FLUSH');
        transaction.reset();
        connectedAt = ++i;
        continue;
      }

      const spec = specOf(step.args[0]);
      if (watchers !== null && spec?.onWatcher === true) {
        // Its notices and any error are the watcher's stream, compared below.
        watchers.send(step.args);
        const stop = await watched(i);
        if (stop) return stop;
        i++;
        continue;
      }

      const exchange = spec?.exchange;
      if (exchange !== undefined && !transaction.open) {
        const [ours, theirs] = await Promise.all([runExchange(pair.ours, exchange, step.args), runExchange(pair.theirs, exchange, step.args)]);
        compared++;
        const differing = judge(step.args, exact, ours, theirs);
        const stop = (differing && stopAt(i, ours, theirs, differing, true)) || (await watched(i));
        if (stop) return stop;
        i++;
        continue;
      }

      // Up to BATCH plain commands, written at once to both servers, then their replies in order.
      const batch: Array<readonly Buffer[]> = [step.args];
      for (let j = i + 1; j < steps.length && batch.length < (watchers === null ? BATCH : 1); j++) {
        const next = steps[j];
        if (next.kind !== 'command' || specOf(next.args[0])?.exchange !== undefined) break;
        batch.push(next.args);
      }
      const bytes = Buffer.concat(batch.map((args) => encodeCommand([...args])));
      pair.ours.write(bytes);
      pair.theirs.write(bytes);
      for (const args of batch) {
        const [ours, theirs] = await Promise.all([readOrFailure(pair.ours), readOrFailure(pair.theirs)]);
        compared++;
        const differing = transaction.judge(args, ours, theirs);
        const stop = (differing && stopAt(i, ours, theirs, differing, false)) || (await watched(i));
        if (stop) return stop;
        i++;
      }
    }
    return { mismatch: null, known, compared };
  } finally {
    pair.close();
    await watchers?.close();
  }
}

/** Every keyspace event class and new keys ('A' leaves key misses and new keys out; misses are left out here too). */
const WATCH_CLASSES = 'KEAn';
const WATCH_PATTERN = '__key*@*__:*';
const SYNC = 'watch-sync';
/** The PING's reply: in subscribed RESP2 a [pong, argument] array, otherwise the argument. */
const SYNC_REPLIES = [Buffer.from(`*2\r\n$4\r\npong\r\n$${SYNC.length}\r\n${SYNC}\r\n`), Buffer.from(`$${SYNC.length}\r\n${SYNC}\r\n`)];

/** A watching connection to each server (see the top of this file). */
class Watchers {
  private constructor(private readonly ours: RawClient, private readonly theirs: RawClient) {}

  static async open(strata: Endpoint, redis: Endpoint, protocol: 2 | 3): Promise<Watchers> {
    const [ours, theirs] = await Promise.all([Watchers.connect(strata.port(), protocol), Watchers.connect(redis.port(), protocol)]);
    return new Watchers(ours, theirs);
  }

  private static async connect(port: number, protocol: 2 | 3): Promise<RawClient> {
    const client = await RawClient.connect(port);
    if (protocol === 3) await client.command('HELLO', '3');
    const set = await client.command('CONFIG', 'SET', 'notify-keyspace-events', WATCH_CLASSES);
    if (!set.equals(OK)) throw new Error(`CONFIG SET notify-keyspace-events answered ${JSON.stringify(set.toString('latin1'))}`);
    await client.command('PSUBSCRIBE', WATCH_PATTERN);
    return client;
  }

  send(args: readonly Buffer[]): void {
    const bytes = encodeCommand([...args]);
    this.ours.write(bytes);
    this.theirs.write(bytes);
  }

  /** What each watcher received since the last drain, as one buffer each. */
  async drain(): Promise<[Buffer, Buffer]> {
    const [ours, theirs] = await Promise.all([Watchers.drainOne(this.ours), Watchers.drainOne(this.theirs)]);
    return [ours, theirs];
  }

  private static async drainOne(client: RawClient): Promise<Buffer> {
    client.write(encodeCommand(['PING', SYNC]));
    const frames: Buffer[] = [];
    try {
      for (;;) {
        const frame = await client.readReply(15_000);
        if (SYNC_REPLIES.some((r) => r.equals(frame))) return Buffer.concat(frames);
        frames.push(frame);
      }
    } catch (error) {
      frames.push(Buffer.from(`?no reply: ${(error as Error).message}`, 'latin1'));
      return Buffer.concat(frames);
    }
  }

  /**
   * RESET first, its reply awaited: the servers have dropped the subscriptions before the next
   * replay starts, so its PUBLISH and PUBSUB counts cannot see this one's watchers.
   */
  async close(): Promise<void> {
    await Promise.all([Watchers.reset(this.ours), Watchers.reset(this.theirs)]);
    this.ours.close();
    this.theirs.close();
  }

  private static async reset(client: RawClient): Promise<void> {
    try {
      client.write(encodeCommand(['RESET']));
      while (!(await client.readReply(15_000)).equals(RESET)) {
        // messages still arriving
      }
    } catch {
      // A closed connection holds no subscriptions either.
    }
  }
}

const RESET = Buffer.from('+RESET\r\n');

/**
 * Follows MULTI through Redis' replies (the reference): after MULTI's +OK, every +QUEUED command
 * is remembered, so that EXEC's array can be judged element by element, each element by its own
 * command's rule. Replies inside the transaction (+QUEUED or an error) compare byte for byte.
 */
class Transaction {
  private queued: Array<readonly Buffer[]> | null = null;

  get open(): boolean {
    return this.queued !== null;
  }

  reset(): void {
    this.queued = null;
  }

  /** How the replies to `args` differ, given the transaction state, which they then move on. */
  judge(args: readonly Buffer[], ours: Buffer, theirs: Buffer): Differing | null {
    const name = args[0].toString('latin1').toUpperCase();
    if (this.queued === null) {
      if (name === 'MULTI' && theirs.equals(OK)) this.queued = [];
      return judge(args, ruleOf(args), ours, theirs);
    }
    // EXEC and DISCARD end the transaction, unless refused for their arity (then it goes on).
    if ((name === 'EXEC' || name === 'DISCARD') && !theirs.toString('latin1').startsWith('-ERR wrong number of arguments')) {
      const queued = this.queued;
      this.queued = null;
      return name === 'EXEC' ? judgeExec(args, queued, ours, theirs) : judge(args, exact, ours, theirs);
    }
    if (theirs.equals(QUEUED)) this.queued.push(args);
    return judge(args, exact, ours, theirs);
  }
}

/** A connection to each server, opened the same way. */
class Pair {
  private constructor(readonly ours: RawClient, readonly theirs: RawClient, readonly helloMismatch: Mismatch | null) {}

  static async open(strata: Endpoint, redis: Endpoint, protocol: 2 | 3): Promise<Pair> {
    const [ours, theirs] = await Promise.all([RawClient.connect(strata.port()), RawClient.connect(redis.port())]);
    let helloMismatch: Mismatch | null = null;
    if (protocol === 3) {
      const args = [Buffer.from('HELLO'), Buffer.from('3')];
      const [a, b] = await Promise.all([readOrFailure(ours, args), readOrFailure(theirs, args)]);
      const differing = judge(args, hello, a, b);
      if (differing !== null) helloMismatch = { ...differing, index: -1, exchanged: false, differing, history: [] };
    }
    return new Pair(ours, theirs, helloMismatch);
  }

  async flushAll(): Promise<void> {
    const replies = await Promise.all([this.ours.command('FLUSHALL'), this.theirs.command('FLUSHALL')]);
    for (const reply of replies) if (!reply.equals(OK)) throw new Error(`FLUSHALL answered ${JSON.stringify(reply.toString('latin1'))}`);
    // Scripts cached and function libraries loaded by an earlier sequence go too (FLUSHALL keeps both).
    await Promise.all([this.ours.command('SCRIPT', 'FLUSH'), this.theirs.command('SCRIPT', 'FLUSH')]);
    await Promise.all([this.ours.command('FUNCTION', 'FLUSH'), this.theirs.command('FUNCTION', 'FLUSH')]);
    // So is the configuration: the parameters the server family may have changed go back to their defaults.
    const defaults = ['CONFIG', 'SET', ...CONFIG_DEFAULTS.flat()];
    const configured = await Promise.all([this.ours.command(...defaults), this.theirs.command(...defaults)]);
    for (const reply of configured) if (!reply.equals(OK)) throw new Error(`CONFIG SET of the defaults answered ${JSON.stringify(reply.toString('latin1'))}`);
  }

  close(): void {
    this.ours.close();
    this.theirs.close();
  }
}

/**
 * The next reply, or (sending `args` first when given) a stand-in starting with '?', which no
 * RESP reply does, when the connection closed or the reply did not come in time.
 */
async function readOrFailure(client: RawClient, args?: readonly Buffer[]): Promise<Buffer> {
  try {
    if (args !== undefined) client.write(encodeCommand([...args]));
    return await client.readReply(15_000);
  } catch (error) {
    return Buffer.from(`?no reply: ${(error as Error).message}`, 'latin1');
  }
}

async function runExchange(client: RawClient, exchange: Exchange, args: readonly Buffer[]): Promise<Buffer> {
  try {
    return await exchange((request) => client.command(...request), args);
  } catch (error) {
    return Buffer.from(`?no reply: ${(error as Error).message}`, 'latin1');
  }
}

/** How the replies differ under `rule`, or null. A missing reply on either side compares bytes. */
function judge(args: readonly Buffer[], rule: ReplyRule, ours: Buffer, theirs: Buffer): Differing | null {
  const missing = ours[0] === 0x3f || theirs[0] === 0x3f;
  const reason = missing ? (ours.equals(theirs) ? null : 'a reply is missing') : rule(parseReply(ours), parseReply(theirs));
  return reason === null ? null : { args, ours, theirs, reason };
}

/**
 * EXEC's array judged element by element, each with the rule of the command queued for it; any
 * other reply (EXECABORT, the nil of a failed WATCH) byte for byte.
 */
function judgeExec(args: readonly Buffer[], queued: ReadonlyArray<readonly Buffer[]>, ours: Buffer, theirs: Buffer): Differing | null {
  if (ours[0] !== 0x2a || theirs[0] !== 0x2a) return judge(args, exact, ours, theirs);
  const [a, b] = [parseReply(ours), parseReply(theirs)];
  if (a.items.length !== queued.length || b.items.length !== queued.length) return judge(args, exact, ours, theirs);
  for (let k = 0; k < queued.length; k++) {
    const reason = ruleOf(queued[k])(a.items[k], b.items[k]);
    if (reason !== null) return { args: queued[k], ours: a.items[k].raw, theirs: b.items[k].raw, reason: `EXEC element ${k + 1}: ${reason}` };
  }
  return null;
}
