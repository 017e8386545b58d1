/**
 * Turns client input into requests: RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) decoded by
 * redis-parser, and inline commands (`GET k\r\n`, as typed in telnet) split by our own inline code,
 * with Redis 7.0's limits and exact protocol error texts.
 *
 * redis-parser is a *reply* parser: it trusts the peer (it reads `$abc` as some number, takes
 * `:1` or `-x` inside an array as integers and errors, would buffer a `$4000000000` bulk), and it
 * has no inline mode. So before bytes reach it, a framer walks each request's headers only — the
 * `*N` line, each `$len` line, then skips `len + 2` payload bytes without reading them — applying
 * Redis' processMultibulkBuffer checks. Only whole, validated multibulk requests are handed to
 * redis-parser; a request still incomplete at the end of a read is held back by the framer (its
 * payload never inspected twice) and handed over, joined into one buffer, once its last byte
 * arrives. That keeps redis-parser on its zero-copy path: every execute() gets complete requests,
 * so it returns argv as views into the read and never copies a read's tail into a new buffer or
 * gathers a large bulk into its shared, tripled-in-size buffer pool.
 */
import { splitArgs as splitInline } from './inline.js';
import { RespDecoder } from './redis-parser.js';

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

/** Where the framer is inside the current request. */
const enum Frame {
  /** Between requests: the next byte decides multibulk (`*`) or inline. */
  Start,
  /** Reading the `*N` line. */
  CountLine,
  /** Reading an argument's `$len` line. */
  BulkLine,
  /** Skipping an argument's payload and its CRLF. */
  Payload,
  /** Reading an inline request up to its LF. */
  InlineLine,
}

/** scanFrame() results other than a frame's end offset. */
const NEED_MORE = -1;
const INVALID = -2;

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
  private readonly decoder: RespDecoder;
  private halted = false;

  // ---- framer state, kept across reads
  private frame = Frame.Start;
  /** Arguments of the current multibulk request not yet complete. */
  private argsLeft = 0;
  /** Payload bytes (plus CRLF) of the current argument still to skip. */
  private payloadLeft = 0;
  /** The start of a `*N`/`$len` line split across reads (Redis waits for its CR and one byte more). */
  private partialLine: Buffer | null = null;
  /** Reads (or their tails) holding the start of the request still incomplete. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes of the unfinished element (header line, payload or inline line) from earlier reads. */
  private elementBytes = 0;
  /** The first byte and the number of the header line readSplitLine() last completed. */
  private lineType = 0;
  private lineNumber = NaN;
  /** Set with INVALID: the protocol error to report once the requests before it are delivered. */
  private errorMessage = '';

  constructor(private readonly sink: RequestSink, private readonly limits: ParserLimits) {
    this.decoder = new RespDecoder({
      returnBuffers: true,
      returnReply: (reply) => this.onDecoded(reply as Buffer[] | null),
      // Unreachable: the framer lets only `*N` of `$len` bulks through. Treated as a protocol error anyway.
      returnError: (error) => this.fail(`Protocol error: ${error.message}`),
      returnFatalError: (error) => this.fail(`Protocol error: ${error.message}`),
    });
  }

  /** Bytes received and not yet turned into requests (client-query-buffer-limit applies to them). */
  get bufferedBytes(): number {
    return this.elementBytes;
  }

  /**
   * Bytes held for the request not yet complete, all its arguments so far. bufferedBytes counts
   * only the unfinished argument, as Redis' query buffer does; this bounds the rest (`*2147483647`
   * followed by an endless stream of small arguments), which Redis would keep as argv.
   */
  get unfinishedRequestBytes(): number {
    return this.heldBytes;
  }

  /**
   * Stop delivering requests (QUIT, CLIENT KILL, protocol error); the rest of the input is ignored.
   * May be called from onRequest while redis-parser is inside execute(): its state is left alone
   * (resetting it there would break its loop) and whatever it still decodes is dropped.
   */
  halt(): void {
    this.halted = true;
    this.held = [];
    this.heldBytes = 0;
    this.partialLine = null;
    this.elementBytes = 0;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /** Feeds one read from the socket; calls the sink for every complete request in it. */
  feed(chunk: Buffer): void {
    const len = chunk.length;
    if (this.halted || len === 0) return;
    let pos = 0;
    if (this.heldBytes > 0) {
      // Finish the request begun in earlier reads; it is delivered on its own, joined once.
      const end = this.scanFrame(chunk, 0);
      if (end < 0) {
        if (end === INVALID) this.fail(this.errorMessage);
        else this.hold(chunk);
        return;
      }
      const request = Buffer.concat([...this.held, chunk.subarray(0, end)], this.heldBytes + end);
      this.held = [];
      this.heldBytes = 0;
      if (request[0] === STAR) this.decode(request);
      else this.parseInline(request, 0, request.length);
      if (this.halted) return;
      pos = end;
    }
    // Whole multibulk requests in [decodeFrom, pos) go to redis-parser in one execute().
    let decodeFrom = pos;
    while (pos < len) {
      const start = pos;
      const end = this.scanFrame(chunk, start);
      if (end < 0) {
        if (decodeFrom < start) this.decode(chunk.subarray(decodeFrom, start));
        if (this.halted) return;
        if (end === INVALID) this.fail(this.errorMessage);
        else this.hold(chunk.subarray(start));
        return;
      }
      if (chunk[start] !== STAR) {
        if (decodeFrom < start) this.decode(chunk.subarray(decodeFrom, start));
        if (this.halted) return;
        this.parseInline(chunk, start, end);
        if (this.halted) return;
        decodeFrom = end;
      }
      pos = end;
    }
    if (decodeFrom < len) this.decode(chunk.subarray(decodeFrom, len));
  }

  /** Keeps the start of an incomplete request until the read that completes it. */
  private hold(tail: Buffer): void {
    this.held.push(tail);
    this.heldBytes += tail.length;
  }

  private decode(requests: Buffer): void {
    try {
      this.decoder.execute(requests);
    } catch (err) {
      // A sink that throws leaves redis-parser mid-buffer; start the next execute() clean.
      this.decoder.reset();
      throw err;
    }
  }

  private onDecoded(argv: Buffer[] | null): void {
    // `*0` and `*-1` decode to [] and null: empty requests, skipped as Redis does.
    if (this.halted || argv === null || argv.length === 0) return;
    this.sink.onRequest(argv);
  }

  /**
   * Advances the framer over `buf` from `from` through the current request. Returns the offset just
   * past the request's last byte, NEED_MORE when the read ends first, or INVALID (errorMessage set).
   * Header lines are checked in Redis' order: "too big" while no CR has come, then the type byte,
   * then the number and its limits. State lives in locals and is stored only when the read ends
   * inside the request: most requests start and end within one read.
   */
  private scanFrame(buf: Buffer, from: number): number {
    const len = buf.length;
    let frame = this.frame;
    let argsLeft = this.argsLeft;
    let i = from;
    /** Where the unfinished element starts in this read, and its bytes from earlier reads. */
    let element = from;
    let carried = this.elementBytes;
    for (;;) {
      let number: number;
      switch (frame) {
        case Frame.Start:
          frame = buf[i] === STAR ? Frame.CountLine : Frame.InlineLine;
          break;
        case Frame.InlineLine: {
          const lf = buf.indexOf(LF, i);
          if (lf < 0) {
            if (carried + len - element > PROTO_INLINE_MAX_SIZE) return this.invalid('Protocol error: too big inline request');
            return this.suspend(frame, argsLeft, carried + len - element);
          }
          this.frame = Frame.Start;
          this.elementBytes = 0;
          return lf + 1;
        }
        case Frame.CountLine: {
          const cr = this.partialLine === null ? findCR(buf, i, len) : -1;
          if (cr >= 0 && cr + 1 < len) {
            number = parseLength(buf, i + 1, cr);
            i = cr + 2;
          } else {
            const next = this.readSplitLine(buf, i, 'Protocol error: too big mbulk count string');
            if (next < 0) return next === INVALID ? next : this.suspend(frame, argsLeft, carried + len - element);
            number = this.lineNumber;
            i = next;
          }
          if (Number.isNaN(number) || number > MAX_MULTIBULK) return this.invalid('Protocol error: invalid multibulk length');
          if (number > UNAUTH_MAX_MULTIBULK && this.authRequired) return this.invalid('Protocol error: unauthenticated multibulk length');
          element = i;
          carried = 0;
          if (number <= 0) {
            this.frame = Frame.Start;
            this.elementBytes = 0;
            return i;
          }
          argsLeft = number;
          frame = Frame.BulkLine;
          break;
        }
        case Frame.BulkLine: {
          const cr = this.partialLine === null ? findCR(buf, i, len) : -1;
          let type: number;
          if (cr >= 0 && cr + 1 < len) {
            type = buf[i];
            number = parseLength(buf, i + 1, cr);
            i = cr + 2;
          } else {
            const next = this.readSplitLine(buf, i, 'Protocol error: too big bulk count string');
            if (next < 0) return next === INVALID ? next : this.suspend(frame, argsLeft, carried + len - element);
            type = this.lineType;
            number = this.lineNumber;
            i = next;
          }
          if (type !== DOLLAR) return this.invalid(`Protocol error: expected '$', got '${String.fromCharCode(type)}'`);
          if (Number.isNaN(number) || number < 0 || number > this.limits.maxBulkLength) return this.invalid('Protocol error: invalid bulk length');
          if (number > UNAUTH_MAX_BULK && this.authRequired) return this.invalid('Protocol error: unauthenticated bulk length');
          element = i;
          carried = 0;
          this.payloadLeft = number + 2;
          frame = Frame.Payload;
          break;
        }
        case Frame.Payload: {
          const payloadLeft = this.payloadLeft;
          if (len - i < payloadLeft) {
            this.payloadLeft = payloadLeft - (len - i);
            return this.suspend(frame, argsLeft, carried + len - element);
          }
          i += payloadLeft;
          element = i;
          carried = 0;
          if (--argsLeft === 0) {
            this.frame = Frame.Start;
            this.elementBytes = 0;
            return i;
          }
          frame = Frame.BulkLine;
          break;
        }
      }
      if (i >= len) return this.suspend(frame, argsLeft, 0);
    }
  }

  /** The read ended inside a request: keep where the framer is, for the next read. */
  private suspend(frame: Frame, argsLeft: number, elementBytes: number): number {
    this.frame = frame;
    this.argsLeft = argsLeft;
    this.elementBytes = elementBytes;
    return NEED_MORE;
  }

  /**
   * A `*N` / `$len` line that does not end within this read, or began in an earlier one (rare: at
   * most once per read, so its pieces are simply joined). Returns the offset after its CR and the
   * byte that follows (not checked, as in Redis), setting lineType and lineNumber; NEED_MORE; or
   * INVALID when more than PROTO_INLINE_MAX_SIZE bytes came without a complete line.
   */
  private readSplitLine(buf: Buffer, from: number, tooBig: string): number {
    const len = buf.length;
    const partial = this.partialLine ?? buf.subarray(from, from);
    let cr: number;
    let next: number;
    if (partial.length > 0 && partial[partial.length - 1] === CR) {
      cr = partial.length - 1;
      next = from + 1;
    } else {
      const crHere = findCR(buf, from, len);
      if (crHere < 0 || crHere + 1 >= len) {
        if (partial.length + len - from > PROTO_INLINE_MAX_SIZE) return this.invalid(tooBig);
        this.partialLine = Buffer.concat([partial, buf.subarray(from)]);
        return NEED_MORE;
      }
      cr = partial.length + crHere - from;
      next = crHere + 2;
    }
    const line = Buffer.concat([partial, buf.subarray(from, next)]);
    this.partialLine = null;
    this.lineType = line[0];
    this.lineNumber = parseLength(line, 1, cr);
    return next;
  }

  private invalid(message: string): number {
    this.errorMessage = message;
    return INVALID;
  }

  /** One inline request: the line in [start, end), end just past its LF. */
  private parseInline(buf: Buffer, start: number, end: number): void {
    let lineEnd = end - 1;
    if (lineEnd > start && buf[lineEnd - 1] === CR) lineEnd--;
    const words = splitInline(buf.toString('latin1', start, lineEnd));
    if (words === null) {
      this.fail('Protocol error: unbalanced quotes in request');
      return;
    }
    if (words.length === 0) return;
    const argv = new Array<Buffer>(words.length);
    for (let i = 0; i < words.length; i++) argv[i] = Buffer.from(words[i], 'latin1');
    this.sink.onRequest(argv);
  }

  private fail(message: string): void {
    if (this.halted) return;
    this.halt();
    this.sink.onProtocolError(message);
  }
}
