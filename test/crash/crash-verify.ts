/**
 * After a restart: compares what the server holds with what the ledger says it must hold.
 *
 * - An acknowledged write is there, with its value, unless the policy allows losing it
 *   (`everysec`: acknowledged less than the loss window before the kill). `always` allows nothing.
 * - A write that was in flight at the kill may be there or not, but whole: MSET and MULTI/EXEC
 *   keys are all present or all absent, never some.
 * - Writes from earlier cycles keep the presence their own check found: once recovered, a key
 *   never disappears, and a key found missing never comes back.
 * - A counter is at least its last checked value plus the acknowledged increments since (and at
 *   least the largest value an acknowledged INCR returned), at most that plus every INCR sent.
 * - DBSIZE equals the number of keys known present: no stray or resurrected keys.
 * Collections are checked by crash-collections.ts.
 */
import { CycleLedger, OpKind, OpState, counterKey, describe } from './crash-ledger.js';
import type { RespRequester, RespValue } from './crash-resp.js';

export interface LossPolicy {
  readonly fsync: 'always' | 'everysec';
  /** `everysec`: writes acknowledged more than this long before the kill must survive. */
  readonly lossWindowMs: number;
  /** performance.now() at the kill. */
  readonly killAt: number;
}

export interface CycleCheck {
  /** Acknowledged ops of the killed cycle that were checked. */
  ackedChecked: number;
  /** Keys of earlier cycles checked again. */
  olderKeysChecked: number;
  /** Acknowledged ops whose writes were missing (allowed only within the everysec window). */
  lost: number;
  /** Of those, the ones acknowledged longer than the window before the kill (always a failure). */
  lostBeyondWindow: number;
  /** Ops in flight at the kill that were found applied / not applied. */
  inFlightApplied: number;
  inFlightDropped: number;
  /** Of ackedChecked, the collection clients' ops (crash-collections.ts); collection keys read whole. */
  collectionOpsChecked: number;
  collectionKeysChecked: number;
  readonly failures: string[];
}

export function emptyCheck(): CycleCheck {
  return { ackedChecked: 0, olderKeysChecked: 0, lost: 0, lostBeyondWindow: 0, inFlightApplied: 0, inFlightDropped: 0, collectionOpsChecked: 0, collectionKeysChecked: 0, failures: [] };
}

const MGET_CHUNK = 1000;
const MGETS_IN_FLIGHT = 4;
const MAX_FAILURES_LISTED = 30;

/** What the checks know between cycles: counters' last checked values, keys known present. */
export class KnownState {
  readonly counterFloor: number[];
  presentKeys = 0;
  presentCounters = 0;
  /** Collection keys present after the last check (crash-collections.ts). */
  presentCollections = 0;

  constructor(readonly counters: number) {
    this.counterFloor = new Array<number>(counters).fill(0);
  }
}

function fail(check: CycleCheck, message: string): void {
  if (check.failures.length < MAX_FAILURES_LISTED) check.failures.push(message);
  else if (check.failures.length === MAX_FAILURES_LISTED) check.failures.push('(more failures not listed)');
}

/** MGET in chunks, a few chunks in flight. */
async function fetchValues(requester: RespRequester, keys: readonly string[]): Promise<Array<string | null>> {
  const values: Array<string | null> = new Array<string | null>(keys.length);
  const step = MGET_CHUNK * MGETS_IN_FLIGHT;
  for (let start = 0; start < keys.length; start += step) {
    const commands: string[][] = [];
    for (let c = start; c < Math.min(keys.length, start + step); c += MGET_CHUNK) {
      commands.push(['MGET', ...keys.slice(c, Math.min(keys.length, c + MGET_CHUNK))]);
    }
    const replies = await requester.pipeline(commands);
    let at = start;
    for (const reply of replies) {
      if (!Array.isArray(reply)) throw new Error(`MGET answered ${describe(reply)}`);
      for (const value of reply) {
        if (value !== null && typeof value !== 'string') throw new Error(`MGET returned ${describe(value)}`);
        values[at++] = value;
      }
    }
  }
  return values;
}

/** Checks the cycle that was just killed, then settles its ledger to presence only. */
export async function checkKilledCycle(
  requester: RespRequester,
  ledger: CycleLedger,
  known: KnownState,
  policy: LossPolicy,
): Promise<CycleCheck> {
  const check = emptyCheck();
  for (const failure of ledger.replyFailures) fail(check, `unexpected reply during the load: ${failure}`);
  const mustSurviveBefore = policy.fsync === 'always' ? Infinity : policy.killAt - policy.lossWindowMs;

  const keys: string[] = [];
  for (let op = 0; op < ledger.count; op++) {
    for (let j = 0; j < ledger.width[op]; j++) keys.push(ledger.key(op, j));
  }
  const values = await fetchValues(requester, keys);

  const present = new Uint8Array(ledger.count);
  let at = 0;
  for (let op = 0; op < ledger.count; op++) {
    const width = ledger.width[op];
    const state = ledger.state[op] as OpState;
    if (ledger.kind[op] === OpKind.Incr) {
      if (state === OpState.Acked) check.ackedChecked++;
      continue;
    }
    let found = 0;
    for (let j = 0; j < width; j++, at++) {
      const value = values[at];
      if (value === null) continue;
      found++;
      if (value !== ledger.value(op, j)) fail(check, `cycle ${ledger.cycle} op ${op}: ${ledger.key(op, j)} holds ${describe(value)}, not the value written`);
    }
    if (found !== 0 && found !== width) {
      fail(check, `cycle ${ledger.cycle} op ${op}: ${opName(ledger.kind[op])} half-applied, ${found} of ${width} keys present`);
    }
    present[op] = found === width ? 1 : 0;
    known.presentKeys += found;
    if (state === OpState.Acked) {
      check.ackedChecked++;
      if (found === 0) {
        check.lost++;
        const beyond = ledger.ackAt[op] < mustSurviveBefore;
        if (beyond) check.lostBeyondWindow++;
        if (beyond) {
          const age = (policy.killAt - ledger.ackAt[op]).toFixed(0);
          fail(check, `cycle ${ledger.cycle} op ${op}: acknowledged ${opName(ledger.kind[op])} (${age} ms before the kill) lost: ${ledger.key(op, 0)}`);
        }
      }
    } else if (state === OpState.InFlight) {
      if (found === 0) check.inFlightDropped++;
      else check.inFlightApplied++;
    }
  }

  await checkCounters(requester, ledger, known, mustSurviveBefore, check);
  ledger.settle(present);
  return check;
}

async function checkCounters(requester: RespRequester, ledger: CycleLedger, known: KnownState, mustSurviveBefore: number, check: CycleCheck): Promise<void> {
  const sent = new Array<number>(known.counters).fill(0);
  const required = new Array<number>(known.counters).fill(0);
  const largestReply = new Array<number>(known.counters).fill(0);
  for (let op = 0; op < ledger.count; op++) {
    const kind = ledger.kind[op];
    if (kind !== OpKind.Incr && kind !== OpKind.Multi) continue;
    const counter = ledger.counter[op];
    sent[counter]++;
    if (ledger.state[op] === OpState.Acked && ledger.ackAt[op] < mustSurviveBefore) {
      required[counter]++;
      if (ledger.incrReply[op] > largestReply[counter]) largestReply[counter] = ledger.incrReply[op];
    }
  }
  const replies = await requester.pipeline(sent.map((_, c) => ['GET', counterKey(c)]));
  known.presentCounters = 0;
  for (let c = 0; c < known.counters; c++) {
    const reply: RespValue = replies[c];
    if (reply !== null && typeof reply !== 'string') throw new Error(`GET ${counterKey(c)} answered ${describe(reply)}`);
    const value = reply === null ? 0 : Number(reply);
    const floor = known.counterFloor[c];
    const atLeast = Math.max(floor + required[c], largestReply[c]);
    const atMost = floor + sent[c];
    if (!(value >= atLeast && value <= atMost)) {
      fail(check, `cycle ${ledger.cycle}: ${counterKey(c)} is ${reply === null ? 'missing' : value}, expected ${atLeast}..${atMost} ` +
        `(was ${floor}, ${required[c]} increments acknowledged that must survive, largest such reply ${largestReply[c]}, ${sent[c]} sent)`);
    }
    known.counterFloor[c] = value;
    if (value > 0) known.presentCounters++;
  }
}

/**
 * Re-checks the keys of earlier cycles: all of them, or a seeded sample of about `limit` ops
 * (long runs would otherwise spend most of their time re-reading old data).
 */
export async function checkEarlierCycles(
  requester: RespRequester,
  ledgers: readonly CycleLedger[],
  limit: number,
  random: () => number,
  check: CycleCheck,
): Promise<void> {
  let total = 0;
  for (const ledger of ledgers) total += ledger.count;
  const keep = total <= limit ? 1 : limit / total;
  const ownerLedger: CycleLedger[] = [];
  const ownerOp: number[] = [];
  const ownerIndex: number[] = [];
  const keys: string[] = [];
  for (const ledger of ledgers) {
    for (let op = 0; op < ledger.count; op++) {
      if (ledger.width[op] === 0 || (keep < 1 && random() >= keep)) continue;
      for (let j = 0; j < ledger.width[op]; j++) {
        ownerLedger.push(ledger);
        ownerOp.push(op);
        ownerIndex.push(j);
        keys.push(ledger.key(op, j));
      }
    }
  }
  const values = await fetchValues(requester, keys);
  check.olderKeysChecked += keys.length;
  for (let i = 0; i < keys.length; i++) {
    const ledger = ownerLedger[i];
    const op = ownerOp[i];
    const wasPresent = ledger.present !== null && ledger.present[op] === 1;
    const value = values[i];
    if (wasPresent && value === null) fail(check, `${keys[i]} (cycle ${ledger.cycle}) was recovered after its own crash and is now missing`);
    else if (!wasPresent && value !== null) fail(check, `${keys[i]} (cycle ${ledger.cycle}) was missing after its own crash and is now back`);
    else if (value !== null && value !== ledger.value(op, ownerIndex[i])) fail(check, `${keys[i]} holds ${describe(value)}, not the value written`);
  }
}

/** DBSIZE must be exactly the keys known present plus the counters and the collections. */
export async function checkKeyCount(requester: RespRequester, known: KnownState, check: CycleCheck, cycle: number): Promise<void> {
  const reply = await requester.command('DBSIZE');
  const expected = known.presentKeys + known.presentCounters + known.presentCollections;
  if (reply !== expected) {
    fail(check, `cycle ${cycle}: DBSIZE is ${describe(reply)}, expected ${expected} ` +
      `(${known.presentKeys} keys + ${known.presentCounters} counters + ${known.presentCollections} collections)`);
  }
}

function opName(kind: number): string {
  return ['SET', 'MSET', 'INCR', 'MULTI/EXEC'][kind] ?? `kind ${kind}`;
}
