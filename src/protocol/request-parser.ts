/**
 * Parses client requests: RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline commands
 * (`GET k\r\n`, as typed in telnet), with Redis 7.0's limits and exact protocol error texts.
 *
 * Why not redis-parser: it parses *replies* (it treats `-` as an error, `:` as an integer...), has
 * no inline mode, and cannot refuse a 4 GB bulk length before buffering it. Requests need the
 * server's rules, the ones Redis' processMultibulkBuffer/processInlineBuffer apply, so that is what
 * this module implements.
 *
 * Zero copy in the common case: arguments are views (subarray) into the chunk read from the
 * socket. A request split across reads keeps the parsed arguments and only re-reads the unfinished
 * element; a large bulk that spans many reads is gathered chunk by chunk and joined once.
 */
import { splitArgs as splitInline } from './inline.js';

/** Redis' PROTO_INLINE_MAX_SIZE: the longest inline request or count line (`*N`, `$N`). */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Redis refuses larger multibulk counts (7.0: INT_MAX). */
const MAX_MULTIBULK = 2147483647;
/** Before AUTH, Redis accepts only small requests (so an unauthenticated peer cannot make it allocate). */
const UNAUTH_MAX_MULTIBULK = 10;
const UNAUTH_MAX_BULK = 16384;

const STAR = 0x2a;
const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

/** Receives parsed requests. Implemented by the connection (a method call, no closure per request). */
export interface RequestSink {
  /** One complete request; argv[0] is the command name. Buffers may be views into the read chunk. */
  onRequest(argv: Buffer[]): void;
  /** A protocol error: reply `-ERR <message>` and close the connection once it is sent. */
  onProtocolError(message: string): void;
}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLength: number;
}

/**
 * Redis' string2ll over bytes [start, end): optional '-', digits, no leading zeros or '+', no
 * spaces, fits in a signed 64-bit integer. Returns NaN when it is not such a number. Values beyond
 * 2^53 lose precision but stay far beyond every limit they are compared with.
 */
function parseLength(buf: Buffer, start: number, end: number): number {
  if (start >= end) return NaN;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i >= end) return NaN;
  }
  if (end - i > 19) return NaN;
  const first = buf[i];
  if (first === 0x30) return end - i === 1 && !negative ? 0 : NaN;
  let value = 0;
  for (; i < end; i++) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  if (value >= 2 ** 63) return NaN; // beyond a signed 64-bit integer (compared as a double: precise enough for limits)
  return negative ? -value : value;
}

/**
 * Index of the first CR at or after `from`, or -1. Count lines (`$3`) are a few bytes long, and a
 * short JS scan beats the native indexOf call's fixed cost; long lines fall back to indexOf.
 */
function findCR(buf: Buffer, from: number, len: number): number {
  const stop = from + 24 < len ? from + 24 : len;
  for (let i = from; i < stop; i++) if (buf[i] === CR) return i;
  return stop === len ? -1 : buf.indexOf(CR, stop);
}

export class RequestParser {
  /** Set by the connection: before AUTH, requests are limited as in Redis. */
  authRequired = false;
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Arguments of the request being read, or null between requests. */
  private args: Buffer[] | null = null;
  /** Elements still to read for `args`. */
  private argsLeft = 0;
  /** Length of the bulk being read, or -1 when its `$N` line is next. */
  private bulkLength = -1;
  /** Reads gathered while waiting for the rest of a large bulk; joined once it is complete. */
  private gathered: Buffer[] | null = null;
  private gatheredBytes = 0;
  private gatherTarget = 0;
  private halted = false;

  constructor(private readonly sink: RequestSink, private readonly limits: ParserLimits) {}

  /** Bytes received and not yet turned into requests (client-query-buffer-limit applies to them). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.gatheredBytes;
  }

  /** Stop delivering requests (QUIT, CLIENT KILL, protocol error); the rest of the input is ignored. */
  halt(): void {
    this.halted = true;
    this.buf = EMPTY;
    this.pos = 0;
    this.gathered = null;
    this.gatheredBytes = 0;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /** Feeds one read from the socket; calls the sink for every complete request in it. */
  feed(chunk: Buffer): void {
    if (this.halted) return;
    if (this.gathered !== null) {
      this.gathered.push(chunk);
      this.gatheredBytes += chunk.length;
      if (this.gatheredBytes < this.gatherTarget) return;
      this.buf = Buffer.concat(this.gathered, this.gatheredBytes);
      this.pos = 0;
      this.gathered = null;
      this.gatheredBytes = 0;
    } else if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    }
    this.parse();
  }

  private parse(): void {
    const buf = this.buf;
    const len = buf.length;
    while (!this.halted) {
      if (this.args === null) {
        if (this.pos >= len) break;
        if (buf[this.pos] === STAR) {
          if (!this.readMultibulkHeader(buf, len)) break;
        } else if (!this.readInline(buf, len)) break;
        continue;
      }
      if (this.bulkLength < 0 && !this.readBulkHeader(buf, len)) break;
      if (this.halted) break;
      const need = this.bulkLength + 2;
      if (len - this.pos < need) {
        // Wait for the rest of the bulk; large ones gather reads instead of re-copying per read.
        if (need > 32 * 1024) {
          this.gathered = [buf.subarray(this.pos)];
          this.gatheredBytes = len - this.pos;
          this.gatherTarget = need;
          this.buf = EMPTY;
          this.pos = 0;
        }
        return;
      }
      const arg = buf.subarray(this.pos, this.pos + this.bulkLength);
      this.pos += need;
      this.bulkLength = -1;
      const args = this.args;
      args.push(arg);
      if (--this.argsLeft === 0) {
        this.args = null;
        this.sink.onRequest(args);
      }
    }
    if (this.pos >= len && !this.halted) {
      this.buf = EMPTY;
      this.pos = 0;
    }
  }

  /** `*N\r\n`. Returns false when more input is needed (or after a protocol error). */
  private readMultibulkHeader(buf: Buffer, len: number): boolean {
    const cr = findCR(buf, this.pos, len);
    if (cr < 0 || cr + 1 >= len) {
      if (len - this.pos > PROTO_INLINE_MAX_SIZE) this.fail('Protocol error: too big mbulk count string');
      return false;
    }
    const n = parseLength(buf, this.pos + 1, cr);
    if (Number.isNaN(n) || n > MAX_MULTIBULK) {
      this.fail('Protocol error: invalid multibulk length');
      return false;
    }
    if (n > UNAUTH_MAX_MULTIBULK && this.authRequired) {
      this.fail('Protocol error: unauthenticated multibulk length');
      return false;
    }
    this.pos = cr + 2;
    if (n <= 0) return true; // an empty request is skipped, as Redis does
    this.args = [];
    this.argsLeft = n;
    this.bulkLength = -1;
    return true;
  }

  /** `$N\r\n` of the next argument. Returns false when more input is needed (or after an error). */
  private readBulkHeader(buf: Buffer, len: number): boolean {
    const cr = findCR(buf, this.pos, len);
    if (cr < 0 || cr + 1 >= len) {
      if (len - this.pos > PROTO_INLINE_MAX_SIZE) this.fail('Protocol error: too big bulk count string');
      return false;
    }
    if (buf[this.pos] !== DOLLAR) {
      this.fail(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos])}'`);
      return false;
    }
    const n = parseLength(buf, this.pos + 1, cr);
    if (Number.isNaN(n) || n < 0 || n > this.limits.maxBulkLength) {
      this.fail('Protocol error: invalid bulk length');
      return false;
    }
    if (n > UNAUTH_MAX_BULK && this.authRequired) {
      this.fail('Protocol error: unauthenticated bulk length');
      return false;
    }
    this.pos = cr + 2;
    this.bulkLength = n;
    return true;
  }

  /** One inline request line. Returns false when more input is needed (or after an error). */
  private readInline(buf: Buffer, len: number): boolean {
    const lf = buf.indexOf(LF, this.pos);
    if (lf < 0) {
      if (len - this.pos > PROTO_INLINE_MAX_SIZE) this.fail('Protocol error: too big inline request');
      return false;
    }
    let end = lf;
    if (end > this.pos && buf[end - 1] === CR) end--;
    const line = buf.toString('latin1', this.pos, end);
    this.pos = lf + 1;
    const words = splitInline(line);
    if (words === null) {
      this.fail('Protocol error: unbalanced quotes in request');
      return false;
    }
    if (words.length === 0) return true;
    const argv = new Array<Buffer>(words.length);
    for (let i = 0; i < words.length; i++) argv[i] = Buffer.from(words[i], 'latin1');
    this.sink.onRequest(argv);
    return true;
  }

  private fail(message: string): void {
    this.halt();
    this.sink.onProtocolError(message);
  }
}

