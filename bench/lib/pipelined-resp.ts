/**
 * Pipelined RESP over raw sockets for the beyond-RAM bench: a SET loader that writes each key of
 * [0, n) exactly once, and a closed-loop GET driver. Both keep a bounded number of requests in
 * flight per connection (topped up as replies arrive) and build requests by copying a template
 * and rewriting the 12 key digits in place, so the client costs far less per request than the
 * server and the rate measured is the server's.
 */
import net from 'node:net';
import { KEY_DIGITS, KEY_PREFIX, VALUE_DIGITS_OFFSET, writeDigits } from './key-space.js';

const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const DOLLAR = 0x24;

export interface PipelineShape {
  readonly port: number;
  readonly connections: number;
  /** Requests in flight per connection at most. */
  readonly window: number;
  /** Requests per socket write; a connection is topped up once a whole batch fits its window. */
  readonly batch: number;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** `*N\r\n` + one bulk string per argument. */
function commandTemplate(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

/** The key argument of a template, its digits rewritten per request. */
const PLACEHOLDER_KEY = KEY_PREFIX + '0'.repeat(KEY_DIGITS);

/** Where the 12 digits of the placeholder key sit in a template. */
function keyDigitsOffset(template: Buffer): number {
  const at = template.indexOf(PLACEHOLDER_KEY, 0, 'latin1');
  if (at < 0) throw new Error('template has no key placeholder');
  return at + KEY_PREFIX.length;
}

export interface LoadPlan extends PipelineShape {
  /** Keys 0..n-1 are written, in the order `order(0..n-1)`. */
  readonly n: number;
  readonly order: (j: number) => number;
  /** The value template (see key-space.ts valueTemplate); its digits are rewritten per key. */
  readonly value: Buffer;
  /** Called about every `progressEvery` acknowledged SETs with the count so far. */
  readonly onProgress: (acknowledged: number) => void;
  readonly progressEvery: number;
}

/**
 * SETs every key of [0, n) exactly once over `connections` pipelined connections and resolves
 * once every SET is acknowledged. Rejects at the first error reply or lost connection: a load
 * with failed writes measures nothing.
 */
export async function loadKeys(plan: LoadPlan): Promise<void> {
  const template = commandTemplate(['SET', PLACEHOLDER_KEY, plan.value]);
  const keyAt = keyDigitsOffset(template);
  const valueAt = template.length - 2 - plan.value.length + VALUE_DIGITS_OFFSET;
  const size = template.length;
  const sockets = await Promise.all(Array.from({ length: plan.connections }, () => connect(plan.port)));
  let nextJ = 0;
  let acknowledged = 0;
  let nextProgress = plan.progressEvery;

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      for (const socket of sockets) socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };

    const inFlight = new Int32Array(sockets.length);
    const pump = (c: number): void => {
      while (inFlight[c] + plan.batch <= plan.window && nextJ < plan.n) {
        const count = Math.min(plan.batch, plan.n - nextJ);
        const out = Buffer.allocUnsafe(count * size);
        for (let k = 0; k < count; k++) {
          const at = k * size;
          template.copy(out, at);
          const index = plan.order(nextJ + k);
          writeDigits(out, at + keyAt, index);
          writeDigits(out, at + valueAt, index);
        }
        nextJ += count;
        inFlight[c] += count;
        sockets[c].write(out);
      }
    };

    sockets.forEach((socket, c) => {
      // Every SET reply is one line (+OK or -ERR ...), so replies are counted by line ends.
      let atLineStart = true;
      socket.on('data', (chunk: Buffer) => {
        let pos = 0;
        let replies = 0;
        while (pos < chunk.length) {
          if (atLineStart && chunk[pos] === MINUS) {
            const end = chunk.indexOf(LF, pos);
            finish(new Error(`SET failed: ${chunk.toString('latin1', pos, end < 0 ? chunk.length : end).trim()}`));
            return;
          }
          const lf = chunk.indexOf(LF, pos);
          if (lf < 0) {
            atLineStart = false;
            break;
          }
          atLineStart = true;
          pos = lf + 1;
          replies++;
        }
        inFlight[c] -= replies;
        acknowledged += replies;
        if (acknowledged >= nextProgress) {
          plan.onProgress(acknowledged);
          nextProgress += plan.progressEvery;
        }
        if (acknowledged === plan.n) finish();
        else pump(c);
      });
      socket.on('error', (error) => finish(new Error(`load connection failed: ${error.message}`)));
      socket.on('close', () => finish(new Error(`the server closed a load connection after ${acknowledged} acknowledged SETs`)));
      pump(c);
    });
  });
}

/** What the GET replies of one counting window were. */
export interface GetWindow {
  readonly replies: number;
  readonly seconds: number;
}

/** Totals over the driver's whole run; anything but `values` means the data is not what was loaded. */
export interface GetTotals {
  readonly values: number;
  readonly nils: number;
  readonly errors: number;
  readonly wrongSizes: number;
  readonly firstError: string;
}

export interface GetPlan extends PipelineShape {
  /** The key index of the next GET. */
  readonly nextIndex: () => number;
  /** Every value is expected to be this long. */
  readonly valueSize: number;
}

/** Parses one connection's stream of GET replies (bulk strings, nil or errors), across chunk boundaries. */
class GetReplyCounter {
  /** Bytes of the current bulk body (plus its CRLF) still to come. */
  private toSkip = 0;
  /** A reply header split across chunks. */
  private partialHeader: Buffer | null = null;

  constructor(private readonly driver: GetDriver) {}

  /** Returns the number of replies completed in this chunk. */
  onData(chunk: Buffer): number {
    let pos = 0;
    let completed = 0;
    while (pos < chunk.length) {
      if (this.toSkip > 0) {
        const take = Math.min(this.toSkip, chunk.length - pos);
        pos += take;
        this.toSkip -= take;
        if (this.toSkip === 0) completed++;
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      if (lf < 0) {
        const rest = chunk.subarray(pos);
        this.partialHeader = this.partialHeader === null ? Buffer.from(rest) : Buffer.concat([this.partialHeader, rest]);
        break;
      }
      let header = chunk.subarray(pos, lf + 1);
      if (this.partialHeader !== null) {
        header = Buffer.concat([this.partialHeader, header]);
        this.partialHeader = null;
      }
      pos = lf + 1;
      if (this.onHeader(header)) completed++;
    }
    return completed;
  }

  /** Returns true when the header was the whole reply (nil, error, anything unexpected). */
  private onHeader(header: Buffer): boolean {
    const end = header.length >= 2 && header[header.length - 2] === CR ? header.length - 2 : header.length - 1;
    if (header[0] === DOLLAR) {
      if (header[1] === MINUS) {
        this.driver.nils++;
        return true;
      }
      let length = 0;
      for (let i = 1; i < end; i++) length = length * 10 + (header[i] - 0x30);
      if (length === this.driver.valueSize) this.driver.values++;
      else this.driver.wrongSizes++;
      this.toSkip = length + 2; // the body and its CRLF, which complete the reply
      return false;
    }
    this.driver.errors++;
    if (this.driver.firstError === '') this.driver.firstError = header.toString('latin1', 0, end);
    return true;
  }
}

/**
 * Closed-loop pipelined GETs: each connection keeps up to `window` GETs in flight, topping up a
 * batch at a time as replies arrive, until stop(). Replies are counted only between
 * beginCounting() and endCounting(), so warm-up and drain are left out of the rate.
 */
export class GetDriver {
  values = 0;
  nils = 0;
  errors = 0;
  wrongSizes = 0;
  firstError = '';
  private counting = false;
  private counted = 0;
  private countingSince = 0;
  private sending = false;
  private failure: Error | null = null;
  private readonly inFlight: Int32Array;
  private readonly template = commandTemplate(['GET', PLACEHOLDER_KEY]);
  private readonly keyAt = keyDigitsOffset(this.template);

  private constructor(private readonly plan: GetPlan, private readonly sockets: net.Socket[]) {
    this.inFlight = new Int32Array(sockets.length);
  }

  get valueSize(): number {
    return this.plan.valueSize;
  }

  static async open(plan: GetPlan): Promise<GetDriver> {
    const sockets = await Promise.all(Array.from({ length: plan.connections }, () => connect(plan.port)));
    const driver = new GetDriver(plan, sockets);
    sockets.forEach((socket, c) => {
      const counter = new GetReplyCounter(driver);
      socket.on('data', (chunk: Buffer) => driver.onReplies(c, counter.onData(chunk)));
      socket.on('error', (error) => (driver.failure ??= new Error(`GET connection failed: ${error.message}`)));
      socket.on('close', () => (driver.failure ??= new Error('the server closed a GET connection')));
    });
    return driver;
  }

  start(): void {
    this.sending = true;
    for (let c = 0; c < this.sockets.length; c++) this.pump(c);
  }

  beginCounting(): void {
    this.counted = 0;
    this.countingSince = performance.now();
    this.counting = true;
  }

  endCounting(): GetWindow {
    this.counting = false;
    this.throwIfFailed();
    return { replies: this.counted, seconds: (performance.now() - this.countingSince) / 1000 };
  }

  /** Stops sending, waits (up to timeoutMs) for the replies still in flight, closes the connections. */
  async stop(timeoutMs: number): Promise<GetTotals> {
    this.sending = false;
    const deadline = performance.now() + timeoutMs;
    while (this.inFlight.some((n) => n > 0) && this.failure === null && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const socket of this.sockets) {
      socket.removeAllListeners('close');
      socket.destroy();
    }
    this.throwIfFailed();
    return { values: this.values, nils: this.nils, errors: this.errors, wrongSizes: this.wrongSizes, firstError: this.firstError };
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  private onReplies(c: number, replies: number): void {
    this.inFlight[c] -= replies;
    if (this.counting) this.counted += replies;
    this.pump(c);
  }

  private pump(c: number): void {
    const { batch, window } = this.plan;
    const size = this.template.length;
    while (this.sending && this.inFlight[c] + batch <= window) {
      const out = Buffer.allocUnsafe(batch * size);
      for (let k = 0; k < batch; k++) {
        const at = k * size;
        this.template.copy(out, at);
        writeDigits(out, at + this.keyAt, this.plan.nextIndex());
      }
      this.inFlight[c] += batch;
      this.sockets[c].write(out);
    }
  }
}
