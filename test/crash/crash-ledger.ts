/**
 * What the crash loop's clients sent and what the server acknowledged, one cycle at a time.
 *
 * Every write touches keys no other write touches (`k:<cycle>:<op>:<j>`), and each value starts
 * with its own key, so after a restart the ledger alone says what must be there, what may be
 * there, and what a value must look like. Counters (`ctr:<n>`) are the one shared state: their
 * INCR replies say which value the server claimed durable.
 *
 * Ops live in parallel typed arrays (a long bench run records millions of them); once a cycle
 * has been checked after its restart, only whether each op's keys are present is kept.
 */

export const enum OpKind {
  Set = 0,
  MSet = 1,
  Incr = 2,
  /** MULTI, SET × width, INCR counter, EXEC. */
  Multi = 3,
}

export const enum OpState {
  /** Sent, no reply read before the server died: it may or may not have been applied. */
  InFlight = 1,
  Acked = 2,
  /** The server answered with an error (never expected; reported as a failure when it happens). */
  Rejected = 3,
}

const INITIAL_CAPACITY = 1024;
const PADDING = 'v'.repeat(512);

export function counterKey(counter: number): string {
  return `ctr:${counter}`;
}

export class CycleLedger {
  count = 0;
  kind = new Uint8Array(INITIAL_CAPACITY);
  width = new Uint8Array(INITIAL_CAPACITY);
  state = new Uint8Array(INITIAL_CAPACITY);
  counter = new Uint8Array(INITIAL_CAPACITY);
  /** performance.now() when the reply was read (acknowledged ops only). */
  ackAt = new Float64Array(INITIAL_CAPACITY);
  /** The counter value an acknowledged INCR (alone or inside MULTI) returned. */
  incrReply = new Float64Array(INITIAL_CAPACITY);
  /** After the check: 1 when the op's keys were found after the restart, 0 when not. */
  present: Uint8Array | null = null;
  /** Unexpected replies seen while the load ran (shape mismatches, error replies). */
  readonly replyFailures: string[] = [];

  constructor(readonly cycle: number) {}

  /** Records a new op as sent and returns its id. */
  add(kind: OpKind, width: number, counter: number): number {
    if (this.count === this.kind.length) this.grow();
    const op = this.count++;
    this.kind[op] = kind;
    this.width[op] = width;
    this.counter[op] = counter;
    this.state[op] = OpState.InFlight;
    return op;
  }

  key(op: number, j: number): string {
    return `k:${this.cycle}:${op}:${j}`;
  }

  /** The value a write stores under `key(op, j)`: the key itself, then a length that varies by op. */
  value(op: number, j: number): string {
    const padding = 8 + ((op * 37 + j * 11 + this.cycle * 5) % 240);
    return `${this.key(op, j)}|${PADDING.slice(0, padding)}`;
  }

  /** Files the op's final reply; a reply of the wrong shape is recorded as a failure. */
  acknowledge(op: number, reply: unknown, at: number): void {
    const problem = this.checkReply(op, reply);
    if (problem !== null) {
      this.state[op] = OpState.Rejected;
      if (this.replyFailures.length < 20) this.replyFailures.push(`cycle ${this.cycle} op ${op}: ${problem}`);
      return;
    }
    this.state[op] = OpState.Acked;
    this.ackAt[op] = at;
  }

  /** Keeps only presence once the cycle has been checked; frees the per-reply arrays. */
  settle(present: Uint8Array): void {
    this.present = present;
    this.ackAt = new Float64Array(0);
    this.incrReply = new Float64Array(0);
    this.counter = new Uint8Array(0);
  }

  private checkReply(op: number, reply: unknown): string | null {
    switch (this.kind[op] as OpKind) {
      case OpKind.Set:
      case OpKind.MSet:
        return reply === 'OK' ? null : `expected OK, got ${describe(reply)}`;
      case OpKind.Incr:
        if (typeof reply !== 'number') return `expected an integer from INCR, got ${describe(reply)}`;
        this.incrReply[op] = reply;
        return null;
      case OpKind.Multi: {
        const width = this.width[op];
        if (!Array.isArray(reply) || reply.length !== width + 1) return `expected ${width + 1} EXEC results, got ${describe(reply)}`;
        for (let j = 0; j < width; j++) if (reply[j] !== 'OK') return `EXEC result ${j} is ${describe(reply[j])}`;
        const last: unknown = reply[width];
        if (typeof last !== 'number') return `EXEC's INCR result is ${describe(last)}`;
        this.incrReply[op] = last;
        return null;
      }
    }
  }

  private grow(): void {
    const capacity = this.kind.length * 2;
    const widen = <T extends Uint8Array | Float64Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.kind = widen(this.kind, new Uint8Array(capacity));
    this.width = widen(this.width, new Uint8Array(capacity));
    this.state = widen(this.state, new Uint8Array(capacity));
    this.counter = widen(this.counter, new Uint8Array(capacity));
    this.ackAt = widen(this.ackAt, new Float64Array(capacity));
    this.incrReply = widen(this.incrReply, new Float64Array(capacity));
  }
}

export function describe(reply: unknown): string {
  if (reply !== null && typeof reply === 'object' && 'message' in reply) return `error "${String(reply.message)}"`;
  return JSON.stringify(reply)?.slice(0, 200) ?? String(reply);
}
