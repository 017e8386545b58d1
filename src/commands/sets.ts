/**
 * Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SINTER
 * SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
 *
 * Each handler checks its arguments in the order Redis' t_set.c does (so the same bad command
 * gets the same error), opens its sets (src/types/collection.ts) and uses src/types/set.ts.
 * Commands that name their members are synchronous unless a read needs the disk (then they
 * return retryAfter(...) having written nothing). Commands that walk sets run asynchronously:
 * the dispatcher holds their keys meanwhile, so nothing else writes them; they reply once their
 * write is durable. Random picks (SRANDMEMBER, SPOP) are synchronous while the set's pick tree
 * (member-random.ts) holds what they need, and asynchronous in the same way otherwise. Replies that
 * Redis takes from an intset come in numeric order, the others in member byte order (see set.ts).
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import type { Keyspace, KeyspaceBatch } from '../keyspace/keyspace.js';
import { ValueType, binaryKey, valueType } from '../keyspace/encoding.js';
import { decodeMeta } from '../keyspace/collection-encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, INT64_MIN, argIs, parseIntegerArg, type Int64 } from '../keyspace/numbers.js';
import { ERR_RANDOM_COUNT_RANGE, durable, memberScanCommand, notify, notifyCollection, notifyEmptied, notifyStore, replyTooBig, retryAfter, whenReady, type ScanOptions } from './command-support.js';
import { Collection, WRONG_TYPE, openCollection, openOrCreate } from '../types/collection.js';
import {
  NewSet, addMember, allIntegers, diffAddsFirstSetWhole, freshFlags, integerValue, intersect, intsetLimit, isIntset, membersInSetOrder,
  randomSetMembers, readAll, readMembership, removeMember, scanMembers, sortNumerically, subtract, unite,
} from '../types/set.js';
import { shuffle } from '../types/member-random.js';
import { NOTIFY_SET } from '../pubsub/keyspace-events.js';

const ERR_NOT_POSITIVE = 'ERR value is out of range, must be positive';

function maxIntset(ctx: CommandContext): number {
  return intsetLimit(ctx.server.config.setMaxIntsetEntries);
}

// ---------------------------------------------------------------- members named by the command

function saddCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const set = openOrCreate(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Set);
  if (set instanceof Promise) return retryAfter(set, saddCommand, ctx, argv);
  if (set === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const members = argv.slice(2);
  const found = readMembership(set, members);
  if (found instanceof Promise) return retryAfter(found, saddCommand, ctx, argv);
  const batch = ks.batch();
  const max = maxIntset(ctx);
  // The same member twice in one command is added once.
  const seen = new Set<BinaryKey>();
  for (let i = 0; i < members.length; i++) {
    const name = binaryKey(members[i]);
    if (found[i] || seen.has(name)) continue;
    seen.add(name);
    addMember(set, batch, members[i], max);
  }
  if (seen.size === 0) return ctx.reply.integer(0);
  const write = set.commit(batch);
  notifyCollection(ctx, NOTIFY_SET, 'sadd', set);
  ctx.reply.integer(seen.size);
  return durable(write);
}

function sremCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const set = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Set, false);
  if (set === null) return ctx.reply.integer(0);
  if (set instanceof Promise) return retryAfter(set, sremCommand, ctx, argv);
  if (set === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const members = argv.slice(2);
  const found = readMembership(set, members);
  if (found instanceof Promise) return retryAfter(found, sremCommand, ctx, argv);
  const batch = ks.batch();
  const removed = new Set<BinaryKey>();
  for (let i = 0; i < members.length; i++) {
    const name = binaryKey(members[i]);
    if (!found[i] || removed.has(name)) continue;
    removed.add(name);
    removeMember(set, batch, members[i]);
  }
  if (removed.size === 0) return ctx.reply.integer(0);
  const write = set.commit(batch);
  notifyCollection(ctx, NOTIFY_SET, 'srem', set);
  ctx.reply.integer(removed.size);
  return durable(write);
}

function scardCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const set = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Set, true);
  if (set === null) return ctx.reply.integer(0);
  if (set instanceof Promise) return retryAfter(set, scardCommand, ctx, argv);
  if (set === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.integer(set.meta.count);
}

function sismemberCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const set = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Set, true);
  if (set === null) return ctx.reply.integer(0);
  if (set instanceof Promise) return retryAfter(set, sismemberCommand, ctx, argv);
  if (set === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const found = readMembership(set, [argv[2]]);
  if (found instanceof Promise) return retryAfter(found, sismemberCommand, ctx, argv);
  ctx.reply.integer(found[0] ? 1 : 0);
}

/** SMISMEMBER: a missing key is an empty set (zeros), as Redis answers. */
function smismemberCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const set = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Set, true);
  if (set instanceof Promise) return retryAfter(set, smismemberCommand, ctx, argv);
  if (set === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const members = argv.slice(2);
  const found = set === null ? members.map(() => false) : readMembership(set, members);
  if (found instanceof Promise) return retryAfter(found, smismemberCommand, ctx, argv);
  ctx.reply.arrayHeader(found.length);
  for (const f of found) ctx.reply.integer(f ? 1 : 0);
}

/**
 * SMOVE, in Redis' order: a missing source answers 0 before any type check; then both keys must
 * be sets; moving within one set answers whether the member is there. Otherwise the member
 * leaves the source (which is deleted once empty) and joins the destination, in one batch.
 */
function smoveCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const source = openCollection(ks, db, binaryKey(argv[1]), ValueType.Set, false);
  if (source instanceof Promise) return retryAfter(source, smoveCommand, ctx, argv);
  const destination = openOrCreate(ks, db, binaryKey(argv[2]), ValueType.Set);
  if (destination instanceof Promise) return retryAfter(destination, smoveCommand, ctx, argv);
  if (source === null) return ctx.reply.integer(0);
  if (source === WRONG_TYPE || destination === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const member = argv[3];
  const inSource = readMembership(source, [member]);
  if (inSource instanceof Promise) return retryAfter(inSource, smoveCommand, ctx, argv);
  if (source.key === destination.key) return ctx.reply.integer(inSource[0] ? 1 : 0);
  if (!inSource[0]) return ctx.reply.integer(0);
  const inDestination = readMembership(destination, [member]);
  if (inDestination instanceof Promise) return retryAfter(inDestination, smoveCommand, ctx, argv);
  const batch = ks.batch();
  removeMember(source, batch, member);
  source.stage(batch);
  notifyCollection(ctx, NOTIFY_SET, 'srem', source);
  if (!inDestination[0]) {
    addMember(destination, batch, member, maxIntset(ctx));
    destination.stage(batch);
    notify(ctx, NOTIFY_SET, 'sadd', destination.key);
  }
  const write = batch.commit();
  ctx.reply.integer(1);
  return durable(write);
}

// ---------------------------------------------------------------- one whole set

function smembersCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const set = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Set, true);
  if (set instanceof Promise) return retryAfter(set, smembersCommand, ctx, argv);
  if (set === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (set === null) return ctx.reply.setHeader(0);
  return membersInSetOrder(set).then((members) => replySet(ctx, members));
}

function replySet(ctx: CommandContext, members: readonly BinaryKey[]): void {
  ctx.reply.setHeader(members.length);
  for (const m of members) ctx.reply.bulk(m);
}

/** SSCAN's pages (memberScanCommand checks the arguments): types/set.ts, scanMembers. */
async function sscanPage(ctx: CommandContext, set: Collection, cursor: string, options: ScanOptions): Promise<void> {
  const page = await scanMembers(set, cursor, options.count, options.pattern);
  // The cursor must be durable before a client can rely on it (a crash must not forget it).
  if (page.durable !== undefined) await page.durable;
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk(page.cursor);
  ctx.reply.arrayHeader(page.members.length);
  for (const m of page.members) ctx.reply.bulk(m);
}

// ---------------------------------------------------------------- random members

/** SRANDMEMBER key [count]: the count is checked before the key, as Redis does. */
function srandmemberCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (argv.length > 3) return ctx.reply.error(ERR_SYNTAX);
  let count: Int64 | undefined;
  if (argv.length === 3) {
    count = parseIntegerArg(argv[2]);
    if (count === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
    if (count === INT64_MIN) return ctx.reply.error(ERR_RANDOM_COUNT_RANGE);
  }
  const set = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Set, true);
  if (set instanceof Promise) return retryAfter(set, srandmemberCommand, ctx, argv);
  if (set === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (count === undefined) {
    if (set === null) return ctx.reply.nullBulk();
    return whenReady(randomSetMembers(set, 1, true), (picked) => ctx.reply.bulk(picked[0] ?? null));
  }
  // With a count the reply is an array, even empty and even in RESP3.
  if (set === null || count === 0) return ctx.reply.arrayHeader(0);
  const size = set.meta.count;
  if (count < 0) {
    const n = -count;
    if (replyTooBig(ctx, n)) return;
    return whenReady(randomSetMembers(set, Number(n), false), (picked) => replyArray(ctx, picked));
  }
  // Distinct members; all of them when the count reaches the size, in the set's own order.
  if (count >= size) return membersInSetOrder(set).then((members) => replyArray(ctx, members));
  return whenReady(randomSetMembers(set, Number(count), true), (picked) => replyArray(ctx, picked));
}

function replyArray(ctx: CommandContext, members: readonly BinaryKey[]): void {
  ctx.reply.arrayHeader(members.length);
  for (const m of members) ctx.reply.bulk(m);
}

/** Redis' SPOP_MOVE_STRATEGY_MUL: when what stays is at most 1/5 of what goes, Redis builds the rest as a new set. */
const SPOP_REBUILD_FACTOR = 5;

/** SPOP key [count]: the count is checked before the key, as Redis does. */
function spopCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (argv.length > 3) return ctx.reply.error(ERR_SYNTAX);
  let count: Int64 | undefined;
  if (argv.length === 3) {
    count = parseIntegerArg(argv[2]);
    if (count === undefined || count < 0) return ctx.reply.error(ERR_NOT_POSITIVE);
  }
  const set = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Set, false);
  if (set instanceof Promise) return retryAfter(set, spopCommand, ctx, argv);
  if (set === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (count === undefined) {
    if (set === null) return ctx.reply.nullBulk();
    const picked = randomSetMembers(set, 1, true);
    if (picked instanceof Promise) return picked.then((members) => popLater(ctx, set, { members, single: true }));
    return popNow(ctx, set, { members: picked, single: true });
  }
  if (set === null || count === 0) return ctx.reply.setHeader(0);
  const size = set.meta.count;
  if (count >= size) return popAll(ctx, set, maxIntset(ctx));
  if ((size - Number(count)) * SPOP_REBUILD_FACTOR <= count) return popMost(ctx, set, Number(count), maxIntset(ctx));
  // Few of many: picked one by one, removed in one batch, answered in the order picked.
  const picked = randomSetMembers(set, Number(count), true);
  if (picked instanceof Promise) return picked.then((members) => popLater(ctx, set, { members }));
  return popNow(ctx, set, { members: picked });
}

/** What SPOP takes: the members, the flags the set keeps, whether it takes everything (the key goes), one member (a bulk reply). */
interface Popped {
  members: BinaryKey[];
  flags?: number;
  all?: boolean;
  single?: boolean;
}

/** Removes what SPOP takes from `set`, in the step it was opened in; answers at once, durable later, as SREM. */
function popNow(ctx: CommandContext, set: Collection, popped: Popped): Promise<void> {
  const write = set.commit(stagePop(set, popped));
  // Redis: 'spop', the reply, then 'del' if the set is gone.
  ctx.server.keyspace.events.notify(NOTIFY_SET, 'spop', set.key, set.db);
  replyPopped(ctx, popped);
  notifyEmptied(ctx, set);
  return durable(write);
}

/** The same after reads: on the set as it is now (the dispatcher held it), answering once the write is durable. */
async function popLater(ctx: CommandContext, set: Collection, popped: Popped): Promise<void> {
  const current = await reopen(set);
  if (current === null || popped.members.length === 0) return popped.single ? ctx.reply.nullBulk() : ctx.reply.setHeader(0);
  const write = current.commit(stagePop(current, popped));
  // Written before the write is durable, the reply still waits for this promise to leave.
  ctx.server.keyspace.events.notify(NOTIFY_SET, 'spop', current.key, current.db);
  replyPopped(ctx, popped);
  notifyEmptied(ctx, current);
  await write;
}


function stagePop(set: Collection, popped: Popped): KeyspaceBatch {
  const batch = set.ks.batch();
  // Taking everything deletes the key, as DEL does: the members go with their version, to the sweep.
  if (popped.all === true) set.meta.count = 0;
  else for (const m of popped.members) removeMember(set, batch, m);
  if (popped.flags !== undefined) set.meta.flags = popped.flags;
  return batch;
}

function replyPopped(ctx: CommandContext, popped: Popped): void {
  if (popped.single === true) ctx.reply.bulk(popped.members[0] ?? null);
  else replySet(ctx, popped.members);
}

/** SPOP with a count reaching the size: the whole set, in the order of the copy Redis makes of it (SUNION's), and the key goes. */
async function popAll(ctx: CommandContext, set: Collection, max: number): Promise<void> {
  const members = await readAll(set);
  if (allIntegers(members) && members.length <= max) sortNumerically(members);
  return popLater(ctx, set, { members, all: true });
}

/**
 * SPOP taking most of a set (SPOP_REBUILD_FACTOR): Redis draws what stays and builds it as a new
 * set, whose encoding is set afresh, and answers the rest in the old set's order (numeric for an
 * intset).
 */
async function popMost(ctx: CommandContext, set: Collection, count: number, max: number): Promise<void> {
  const all = await readAll(set);
  const kept = new Set(shuffle([...all]).slice(0, all.length - count));
  const members = all.filter((m) => !kept.has(m));
  if (isIntset(set.meta)) sortNumerically(members);
  return popLater(ctx, set, { members, flags: freshFlags(allIntegers([...kept]), kept.size, max) });
}

/**
 * The set again, as it is now, after an asynchronous read: null if it is gone or is another
 * incarnation (it can only have expired meanwhile: the dispatcher holds the key).
 */
async function reopen(set: Collection): Promise<Collection | null> {
  for (;;) {
    const now = openCollection(set.ks, set.db, set.key, ValueType.Set, false);
    if (now instanceof Promise) {
      await now;
      continue;
    }
    if (now === null || now === WRONG_TYPE || now.meta.version !== set.meta.version) return null;
    return now;
  }
}

// ---------------------------------------------------------------- several sets

/**
 * The sets at `keys` in order (null: no such key), or WRONG_TYPE at the first key of another
 * type (Redis checks every key before anything else), or a Promise when a lookup needs the disk.
 */
function openSets(ks: Keyspace, db: number, keys: readonly BinaryKey[]): Array<Collection | null> | typeof WRONG_TYPE | Promise<unknown> {
  const values = ks.lookupMany(db, keys, true);
  if (values instanceof Promise) return values;
  const sets: Array<Collection | null> = [];
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    if (value === null) sets.push(null);
    else if (valueType(value) !== ValueType.Set) return WRONG_TYPE;
    else sets.push(new Collection(ks, db, keys[i], value, decodeMeta(value)));
  }
  return sets;
}

function keysOf(argv: Buffer[], from: number, to = argv.length): BinaryKey[] {
  const keys: BinaryKey[] = [];
  for (let i = from; i < to; i++) keys.push(binaryKey(argv[i]));
  return keys;
}

/** Smallest first, as Redis orders SINTER's sets (a stable sort: equal sizes keep their order). */
function bySize(sets: readonly Collection[]): Collection[] {
  return [...sets].sort((a, b) => a.meta.count - b.meta.count);
}

/** Collects a result in memory, for a reply. */
class Collected {
  readonly members: BinaryKey[] = [];
  readonly add = (member: BinaryKey): void => {
    this.members.push(member);
  };
}

function sinterCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const sets = openSets(ctx.server.keyspace, ctx.client.db, keysOf(argv, 1));
  if (sets instanceof Promise) return retryAfter(sets, sinterCommand, ctx, argv);
  if (sets === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (sets.includes(null)) return ctx.reply.setHeader(0);
  const ordered = bySize(sets as Collection[]);
  const result = new Collected();
  // Redis answers in the smallest set's order: numeric when it is an intset.
  return intersect(ordered, result.add).then(() => replySet(ctx, isIntset(ordered[0].meta) ? sortNumerically(result.members) : result.members));
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit], with Redis' checks and texts. */
function sintercardCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const numkeys = parseIntegerArg(argv[1]);
  if (numkeys === undefined || numkeys < 1) return ctx.reply.error('ERR numkeys should be greater than 0');
  if (numkeys > argv.length - 2) return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  const end = 2 + Number(numkeys);
  let limit = 0;
  for (let j = end; j < argv.length; j++) {
    if (argIs(argv[j], 'limit') && j + 1 < argv.length) {
      const parsed = parseIntegerArg(argv[++j]);
      if (parsed === undefined || parsed < 0) return ctx.reply.error("ERR LIMIT can't be negative");
      limit = typeof parsed === 'bigint' ? 0 : parsed;
    } else {
      return ctx.reply.error(ERR_SYNTAX);
    }
  }
  const sets = openSets(ctx.server.keyspace, ctx.client.db, keysOf(argv, 2, end));
  if (sets instanceof Promise) return retryAfter(sets, sintercardCommand, ctx, argv);
  if (sets === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (sets.includes(null)) return ctx.reply.integer(0);
  return intersect(bySize(sets as Collection[]), () => undefined, limit).then((n) => ctx.reply.integer(n));
}

function sunionCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const sets = openSets(ctx.server.keyspace, ctx.client.db, keysOf(argv, 1));
  if (sets instanceof Promise) return retryAfter(sets, sunionCommand, ctx, argv);
  if (sets === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const max = maxIntset(ctx);
  const result = new Collected();
  return unite(existing(sets), result.add).then(() => {
    // Redis answers from the set it built: an intset (numeric order) when the result qualifies as one.
    const members = result.members;
    replySet(ctx, isFreshIntset(allIntegers(members), members.length, max) ? sortNumerically(members) : members);
  });
}

function sdiffCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const sets = openSets(ctx.server.keyspace, ctx.client.db, keysOf(argv, 1));
  if (sets instanceof Promise) return retryAfter(sets, sdiffCommand, ctx, argv);
  if (sets === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const first = sets[0];
  if (first === null) return ctx.reply.setHeader(0);
  const max = maxIntset(ctx);
  const result = new Collected();
  const firstSet = new FirstSetCheck();
  return subtract(first, existing(sets.slice(1)), result.add, firstSet.inspect).then(() => {
    const members = result.members;
    const flags = diffFlags(sets, firstSet.integers, allIntegers(members), members.length, max);
    replySet(ctx, flags === 0 ? sortNumerically(members) : members);
  });
}

/** Whether a set Redis builds afresh comes out an intset. */
function isFreshIntset(integers: boolean, count: number, max: number): boolean {
  return freshFlags(integers, count, max) === 0;
}

/** Watches whether every member of SDIFF's first set is an integer (Redis' second algorithm converts by them). */
class FirstSetCheck {
  integers = true;
  readonly inspect = (member: BinaryKey): void => {
    if (this.integers && integerValue(member) === undefined) this.integers = false;
  };
}

/**
 * The encoding flags of SDIFF's result as Redis builds it: from the whole first set when Redis
 * picks its second algorithm (it adds the first set, then removes), else from the result.
 */
function diffFlags(sets: ReadonlyArray<Collection | null>, firstIntegers: boolean, resultIntegers: boolean, resultCount: number, max: number): number {
  const sizes = existing(sets).map((s) => s.meta.count);
  if (diffAddsFirstSetWhole(sizes)) return freshFlags(firstIntegers, sizes[0], max);
  return freshFlags(resultIntegers, resultCount, max);
}

function existing(sets: ReadonlyArray<Collection | null>): Collection[] {
  return sets.filter((s): s is Collection => s !== null);
}

// ---------------------------------------------------------------- *STORE

const enum StoreOp {
  Inter,
  Union,
  Diff,
}

/**
 * SINTERSTORE, SUNIONSTORE, SDIFFSTORE destination key [key ...]: the result replaces the
 * destination whatever it held (its expire time goes too), an empty result deletes it; the reply
 * is the result's size. The encoding is that of the set Redis builds (freshFlags).
 */
function storeCommand(op: StoreOp): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const ks = ctx.server.keyspace;
    const db = ctx.client.db;
    const sets = openSets(ks, db, keysOf(argv, 2));
    if (sets instanceof Promise) return retryAfter(sets, handler, ctx, argv);
    if (sets === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    return store(ctx, op, binaryKey(argv[1]), sets);
  };
  return handler;
}

async function store(ctx: CommandContext, op: StoreOp, destination: BinaryKey, sets: ReadonlyArray<Collection | null>): Promise<void> {
  const ks = ctx.server.keyspace;
  const max = maxIntset(ctx);
  const result = new NewSet(ks, ctx.client.db, destination);
  try {
    let flags: number;
    if (op === StoreOp.Inter) {
      if (!sets.includes(null)) await intersect(bySize(sets as Collection[]), result.add);
      flags = freshFlags(result.integers, result.count, max);
    } else if (op === StoreOp.Union) {
      await unite(existing(sets), result.add);
      flags = freshFlags(result.integers, result.count, max);
    } else {
      const first = sets[0];
      const firstSet = new FirstSetCheck();
      if (first !== null) await subtract(first, existing(sets.slice(1)), result.add, firstSet.inspect);
      flags = first === null ? 0 : diffFlags(sets, firstSet.integers, result.integers, result.count, max);
    }
    // An intersection with a missing key: Redis deletes the destination (and says so) before it answers.
    const deleteFirst = op === StoreOp.Inter && sets.includes(null);
    await commitOverDestination(ctx, destination, result, flags, STORE_EVENTS[op], deleteFirst);
  } catch (err) {
    await result.abandon().catch(() => undefined);
    throw err;
  }
}

/** Writes the result over the destination's current value, looked up in the same synchronous step. */
async function commitOverDestination(ctx: CommandContext, destination: BinaryKey, result: NewSet, flags: number, event: string, eventsFirst: boolean): Promise<void> {
  const ks = ctx.server.keyspace;
  for (;;) {
    const previous = ks.lookupWrite(ctx.client.db, destination);
    if (previous instanceof Promise) {
      await previous;
      continue;
    }
    const write = result.commit(ks.batch(), previous, flags);
    // Redis answers, then notifies (the reply waits for this promise to leave).
    if (eventsFirst) notifyStore(ctx, NOTIFY_SET, event, destination, result.count > 0, previous);
    ctx.reply.integer(result.count);
    if (!eventsFirst) notifyStore(ctx, NOTIFY_SET, event, destination, result.count > 0, previous);
    await write;
    return;
  }
}

const STORE_EVENTS: Readonly<Record<StoreOp, string>> = { [StoreOp.Inter]: 'sinterstore', [StoreOp.Union]: 'sunionstore', [StoreOp.Diff]: 'sdiffstore' };

// ---------------------------------------------------------------- handlers

/** Handlers by command name; the metadata is in ../command-table/sets.ts. */
export const setHandlers: CommandHandlers = {
  sadd: saddCommand,
  srem: sremCommand,
  scard: scardCommand,
  sismember: sismemberCommand,
  smismember: smismemberCommand,
  smembers: smembersCommand,
  srandmember: srandmemberCommand,
  spop: spopCommand,
  smove: smoveCommand,
  sinter: sinterCommand,
  sintercard: sintercardCommand,
  sinterstore: storeCommand(StoreOp.Inter),
  sunion: sunionCommand,
  sunionstore: storeCommand(StoreOp.Union),
  sdiff: sdiffCommand,
  sdiffstore: storeCommand(StoreOp.Diff),
  sscan: memberScanCommand(ValueType.Set, sscanPage),
};
