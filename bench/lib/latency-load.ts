/**
 * Open-loop SET load for the latency bench: requests are scheduled by the clock (request i is due
 * at start + i / rate), not by replies, and each latency runs from the scheduled send time to the
 * reply. A server that stalls therefore cannot slow the client down and hide its own stall
 * (coordinated omission): everything due during the stall is still sent, and charged the wait.
 */
import net from 'node:net';
import hdr from 'hdr-histogram-js';
import { Rng } from './rng.js';

export interface LoadPlan {
  readonly port: number;
  /** Target SET requests per second over all connections. */
  readonly rate: number;
  readonly connections: number;
  readonly valueSize: number;
  /** Keys are drawn uniformly from [0, keyspace). */
  readonly keyspace: number;
  readonly seed: number;
}

/** Latency summary of the replies that arrived in one window, in milliseconds. */
export interface WindowLatency {
  readonly completed: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Requests sent but not yet answered when the window closed. */
  readonly outstanding: number;
}

type Histogram = ReturnType<typeof hdr.build>;

const KEY_DIGITS = 12;
/** Timers cannot fire finer than ~1 ms; whatever is due is sent in one pipelined write per connection. */
const TICK_MS = 1;
/** Bounds one tick's work so a client that fell behind still yields to reply handling. */
const MAX_BATCH_PER_TICK = 20_000;
/** Histogram unit: microseconds, up to one hour. */
const HISTOGRAM_MAX_US = 3_600_000_000;
const LF = 0x0a;
const MINUS = 0x2d;

/**
 * `*3 SET k<12 digits> <value>` with the key digits at a fixed offset, so each request is the
 * template copied and 12 bytes rewritten in place.
 */
function setTemplate(valueSize: number, rng: Rng): { template: Buffer; keyOffset: number } {
  const head = `*3\r\n$3\r\nSET\r\n$${KEY_DIGITS + 1}\r\nk`;
  const value = Buffer.allocUnsafe(valueSize);
  for (let i = 0; i < valueSize; i++) value[i] = 0x61 + rng.below(26);
  const template = Buffer.concat([
    Buffer.from(head, 'latin1'), Buffer.alloc(KEY_DIGITS, 0x30), Buffer.from(`\r\n$${valueSize}\r\n`, 'latin1'), value, Buffer.from('\r\n', 'latin1'),
  ]);
  return { template, keyOffset: head.length };
}

/** Scheduled send times of one connection's unanswered requests, oldest first (a growable ring). */
class PendingTimes {
  private times = new Float64Array(4096);
  private head = 0;
  size = 0;

  push(time: number): void {
    if (this.size === this.times.length) this.grow();
    this.times[(this.head + this.size) & (this.times.length - 1)] = time;
    this.size++;
  }

  shift(): number {
    const time = this.times[this.head];
    this.head = (this.head + 1) & (this.times.length - 1);
    this.size--;
    return time;
  }

  private grow(): void {
    const bigger = new Float64Array(this.times.length * 2);
    for (let i = 0; i < this.size; i++) bigger[i] = this.times[(this.head + i) & (this.times.length - 1)];
    this.times = bigger;
    this.head = 0;
  }
}

/** One socket: replies to SET are single lines (+OK or -ERR), so counting LFs counts replies. */
class LoadConnection {
  readonly pending = new PendingTimes();
  private atLineStart = true;

  constructor(readonly socket: net.Socket, private readonly load: OpenLoopLoad) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    const now = performance.now();
    let pos = 0;
    while (pos < chunk.length) {
      if (this.atLineStart && chunk[pos] === MINUS) this.load.errors++;
      const lf = chunk.indexOf(LF, pos);
      if (lf < 0) {
        this.atLineStart = false;
        return;
      }
      this.atLineStart = true;
      pos = lf + 1;
      this.load.record(now - this.pending.shift());
    }
  }
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

export class OpenLoopLoad {
  errors = 0;
  private readonly connections: LoadConnection[] = [];
  private readonly rng: Rng;
  private readonly template: Buffer;
  private readonly keyOffset: number;
  private readonly intervalMs: number;
  private histogram: Histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HISTOGRAM_MAX_US, numberOfSignificantValueDigits: 3 });
  private windowErrorsBase = 0;
  private startedAt = 0;
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private socketError: Error | undefined;

  private constructor(private readonly plan: LoadPlan) {
    this.rng = new Rng(plan.seed);
    ({ template: this.template, keyOffset: this.keyOffset } = setTemplate(plan.valueSize, this.rng));
    this.intervalMs = 1000 / plan.rate;
  }

  static async open(plan: LoadPlan): Promise<OpenLoopLoad> {
    const load = new OpenLoopLoad(plan);
    for (let i = 0; i < plan.connections; i++) {
      const socket = await connect(plan.port);
      socket.on('error', (error) => (load.socketError ??= error));
      socket.on('close', () => (load.socketError ??= new Error('server closed a load connection')));
      load.connections.push(new LoadConnection(socket, load));
    }
    return load;
  }

  /** The first error any load socket saw, if one did: the run is not meaningful after that. */
  get failure(): Error | undefined {
    return this.socketError;
  }

  get outstanding(): number {
    let total = 0;
    for (const c of this.connections) total += c.pending.size;
    return total;
  }

  start(): void {
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.sendDue(), TICK_MS);
  }

  stopSending(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves once every sent request is answered, or false after timeoutMs. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.outstanding > 0 && this.socketError === undefined) {
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.outstanding === 0;
  }

  record(latencyMs: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
  }

  /** Summarises the replies since the previous call and starts a new window. */
  takeWindow(): WindowLatency {
    const h = this.histogram;
    const window: WindowLatency = {
      completed: h.totalCount,
      errors: this.errors - this.windowErrorsBase,
      p50Ms: h.totalCount === 0 ? 0 : h.getValueAtPercentile(50) / 1000,
      p99Ms: h.totalCount === 0 ? 0 : h.getValueAtPercentile(99) / 1000,
      p999Ms: h.totalCount === 0 ? 0 : h.getValueAtPercentile(99.9) / 1000,
      maxMs: h.totalCount === 0 ? 0 : h.maxValue / 1000,
      outstanding: this.outstanding,
    };
    h.reset();
    this.windowErrorsBase = this.errors;
    return window;
  }

  close(): void {
    this.stopSending();
    for (const c of this.connections) c.socket.destroy();
  }

  /** Sends every request whose scheduled time has passed, round-robin over the connections. */
  private sendDue(): void {
    const due = Math.floor((performance.now() - this.startedAt) / this.intervalMs) + 1;
    const count = Math.min(due - this.sent, MAX_BATCH_PER_TICK);
    if (count <= 0) return;
    const n = this.connections.length;
    const perConnection = Math.ceil(count / n);
    const size = this.template.length;
    const batches: Buffer[] = [];
    for (let c = 0; c < n; c++) batches.push(Buffer.allocUnsafe(perConnection * size));
    const fill = new Int32Array(n);
    const { template, keyOffset, rng, plan } = this;
    for (let k = 0; k < count; k++) {
      const index = this.sent + k;
      const c = index % n;
      const batch = batches[c];
      const at = fill[c];
      template.copy(batch, at);
      let key = rng.below(plan.keyspace);
      for (let d = KEY_DIGITS - 1; d >= 0; d--) {
        batch[at + keyOffset + d] = 0x30 + (key % 10);
        key = Math.floor(key / 10);
      }
      fill[c] = at + size;
      this.connections[c].pending.push(this.startedAt + index * this.intervalMs);
    }
    this.sent += count;
    for (let c = 0; c < n; c++) if (fill[c] > 0) this.connections[c].socket.write(batches[c].subarray(0, fill[c]));
  }
}
