/**
 * RESP2/RESP3 reply encoding straight into a reusable byte slab.
 *
 * One ReplyWriter per connection. Handlers append replies; the connection takes the bytes written
 * since its last flush (`take()`) and hands them to the socket in one write per read batch. The
 * slab is never copied on flush: `take()` returns a view, and the writer keeps appending after it.
 * Only when the slab is full does it move to a fresh one (the old one stays alive for as long as
 * the socket still references it). When the socket reports that everything it was given has
 * reached the kernel, the connection calls `recycle()` and the writer rewinds to the slab's start,
 * so a connection that keeps up with its replies allocates nothing per request.
 *
 * Strings are written as latin1 (one byte per char): keys and values travel as binary strings.
 */
import type { TimeSlice } from '../util/time-slice.js';

/** Default slab size; a reply larger than this gets a slab of its own size. */
const SLAB_BYTES = 16 * 1024;
/** A slab grown beyond this for one large reply is dropped once that reply is sent. */
const MAX_KEPT_SLAB_BYTES = 1024 * 1024;

const CR = 0x0d;
const LF = 0x0a;

/** `%.17g` as C prints it, which is how Redis 7.0 formats doubles (ZSCORE, RESP3 ','). */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const exp = d.toExponential(16); // 17 significant digits, correctly rounded, e.g. "-1.2340000000000000e+5"
  const ePos = exp.indexOf('e');
  const negative = exp.charCodeAt(0) === 0x2d;
  const digits = (negative ? exp.slice(1, ePos) : exp.slice(0, ePos)).replace('.', '');
  const x = Number(exp.slice(ePos + 1));
  const sign = negative ? '-' : '';
  if (x < -4 || x >= 17) {
    const frac = digits.slice(1).replace(/0+$/, '');
    const absExp = Math.abs(x);
    return `${sign}${digits[0]}${frac ? '.' + frac : ''}e${x < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`;
  }
  let intPart: string;
  let frac: string;
  if (x >= 0) {
    intPart = digits.slice(0, x + 1);
    frac = digits.slice(x + 1);
  } else {
    intPart = '0';
    frac = '0'.repeat(-x - 1) + digits;
  }
  frac = frac.replace(/0+$/, '');
  return `${sign}${intPart}${frac ? '.' + frac : ''}`;
}

/** Decimal digits in buf[start, end) (no sign). */
function parseDecimal(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (buf[i] - 0x30);
  return n;
}

export class ReplyWriter {
  /** Protocol version of the connection; HELLO switches it. */
  resp: 2 | 3 = 2;
  /**
   * Error replies written so far. The dispatcher compares it before and after a call to count
   * failed calls (INFO commandstats/errorstats) and to spot queue-time errors inside MULTI.
   */
  errors = 0;
  /** Text of the last error reply written (without '-'), for errorstats and EXECABORT. */
  lastError = '';
  /**
   * False when the last error reply was already counted in errorstats where it arose (a script
   * passing on the error of a command it called, as Redis' ERR_REPLY_FLAG_NO_STATS_UPDATE): the
   * call still counts as failed.
   */
  lastErrorCounted = true;

  private buf: Buffer;
  /** First byte not yet taken by the connection. */
  private start = 0;
  /** Bytes handed out by take() so far; with start/end it gives a position that survives slab switches. */
  private taken = 0;
  /** End of the written bytes. */
  private end = 0;

  constructor(initialBytes: number = SLAB_BYTES) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written and not yet taken. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  /**
   * Total bytes written so far (taken or not). Comparing positions tells whether a handler wrote
   * anything; `rewind(position)` drops what was written after it (CLIENT REPLY OFF/SKIP).
   */
  get position(): number {
    return this.taken + this.end - this.start;
  }

  rewind(position: number): void {
    const end = position - this.taken + this.start;
    // Bytes already taken cannot be dropped any more.
    if (end >= this.start && end <= this.end) this.end = end;
  }

  /**
   * Whether the bytes written since `position` (not yet taken) are one or more complete replies,
   * with no aggregate still waiting for elements. The dispatcher uses it to tell a handler that
   * finished its reply and returned a durability promise from one that is still producing it.
   */
  completeSince(position: number): boolean {
    let i = position - this.taken + this.start;
    const end = this.end;
    if (i < this.start || i >= end) return false;
    const b = this.buf;
    let pending = 0;
    while (i < end) {
      if (pending === 0) pending = 1;
      const type = b[i];
      const lf = b.indexOf(LF, i);
      if (lf < 0 || lf >= end) return false;
      pending--;
      if (type === 0x24 || type === 0x3d || type === 0x21) {
        // $ = ! : a length-prefixed body follows unless the length is negative
        if (b[i + 1] !== 0x2d) i = lf + 1 + parseDecimal(b, i + 1, lf - 1) + 2;
        else i = lf + 1;
      } else if (type === 0x2a || type === 0x7e || type === 0x3e || type === 0x25 || type === 0x7c) {
        // * ~ > % | : that many elements follow (maps and attributes count pairs)
        if (b[i + 1] !== 0x2d) {
          const n = parseDecimal(b, i + 1, lf - 1);
          pending += type === 0x25 || type === 0x7c ? 2 * n : n;
        }
        i = lf + 1;
      } else {
        i = lf + 1;
      }
    }
    return pending === 0 && i === end;
  }

  /** The bytes written since `position` and not taken yet, as a view (no copy); null when they are gone or none. */
  bytesSince(position: number): Buffer | null {
    const from = position - this.taken + this.start;
    if (from < this.start || from >= this.end) return null;
    return this.buf.subarray(from, this.end);
  }

  /** The bytes written since the last take(), as a view (no copy), or null when there are none. */
  take(): Buffer | null {
    return this.takeUntil(this.position);
  }

  /** Like take(), but only the bytes written before `position` (an earlier value of `position`). */
  takeUntil(position: number): Buffer | null {
    const end = Math.min(this.end, position - this.taken + this.start);
    if (end <= this.start) return null;
    const out = this.buf.subarray(this.start, end);
    this.taken += end - this.start;
    this.start = end;
    return out;
  }

  /**
   * The caller promises that no buffer returned by take() is referenced any more (the socket has
   * handed everything to the kernel), so writing may restart at the beginning of the slab.
   */
  recycle(): void {
    if (this.start !== this.end) return;
    this.start = this.end = 0;
    // Do not keep a slab that one huge reply grew for the rest of the connection's life.
    if (this.buf.length > MAX_KEPT_SLAB_BYTES) this.buf = Buffer.allocUnsafe(SLAB_BYTES);
  }

  /** Appends pre-encoded RESP bytes. */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  ok(): void {
    this.reserve(5);
    const b = this.buf;
    let i = this.end;
    b[i++] = 0x2b; // +
    b[i++] = 0x4f; // O
    b[i++] = 0x4b; // K
    b[i++] = CR;
    b[i++] = LF;
    this.end = i;
  }

  /** A simple string (`+text`). The text must not contain CR or LF. */
  simple(s: string): void {
    this.reserve(s.length + 3);
    this.buf[this.end++] = 0x2b;
    this.writeLatin1(s);
    this.crlf();
  }

  /**
   * An error reply. `message` starts with its code ('ERR ...', 'WRONGTYPE ...', 'NOAUTH ...').
   * CR and LF become spaces, as Redis does, so a message cannot break the framing (where Redis
   * formats the message with addReplyErrorFormat it also trims them off the end first: the caller
   * does that, see expiry.ts). Arguments quoted in a message are latin1 text (one char per byte,
   * see cString), so a message within latin1 is written one byte per char and an argument comes
   * back as the bytes it was; anything wider (text of other origin) as UTF-8.
   */
  error(message: string): void {
    let text = message;
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) text = text.replace(/[\r\n]/g, ' ');
    this.errors++;
    this.lastError = text;
    this.lastErrorCounted = true;
    const latin1 = !/[^\x00-\xff]/.test(text);
    this.reserve((latin1 ? text.length : Buffer.byteLength(text, 'utf8')) + 3);
    this.buf[this.end++] = 0x2d; // -
    this.end += latin1 ? this.buf.latin1Write(text, this.end) : this.buf.utf8Write(text, this.end);
    this.crlf();
  }

  /** An error reply whose error was counted already (see lastErrorCounted). */
  errorCountedElsewhere(message: string): void {
    this.error(message);
    this.lastErrorCounted = false;
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && Number.isSafeInteger(n)) {
      this.reserve(24);
      this.buf[this.end++] = 0x3a; // :
      this.writeDecimal(n);
      this.crlf();
      return;
    }
    this.prefixedText(0x3a, typeof n === 'bigint' ? n.toString() : String(Math.trunc(n)));
  }

  /** A bulk string; a string is written as latin1 (binary string). null → the null bulk. */
  bulk(value: Buffer | string | null): void {
    if (value === null) {
      this.nullBulk();
      return;
    }
    const n = value.length;
    this.reserve(n + 24);
    const b = this.buf;
    b[this.end++] = 0x24; // $
    this.writeDecimal(n);
    b[this.end++] = CR;
    b[this.end++] = LF;
    if (typeof value === 'string') this.writeLatin1(value);
    else {
      b.set(value, this.end);
      this.end += n;
    }
    b[this.end++] = CR;
    b[this.end++] = LF;
  }

  /** A bulk string from text that may hold any Unicode (INFO, CLIENT LIST): written as UTF-8. */
  bulkText(text: string): void {
    const n = Buffer.byteLength(text, 'utf8');
    this.reserve(n + 24);
    this.buf[this.end++] = 0x24;
    this.writeDecimal(n);
    this.crlf();
    this.end += this.buf.utf8Write(text, this.end);
    this.crlf();
  }

  nullBulk(): void {
    if (this.resp === 3) this.nullResp3();
    else this.raw5(0x24, 0x2d, 0x31); // $-1
  }

  nullArray(): void {
    if (this.resp === 3) this.nullResp3();
    else this.raw5(0x2a, 0x2d, 0x31); // *-1
  }

  arrayHeader(n: number): void {
    this.header(0x2a, n);
  }

  bulkArray(items: ReadonlyArray<Buffer | string | null>): void {
    this.header(0x2a, items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i]);
  }

  /**
   * bulkArray for replies of millions of items (KEYS *): written a few thousand at a time, with the
   * event loop given a turn whenever `slice` says so, so other clients are served meanwhile. Safe
   * because nothing else writes into this reply before it is complete: the connection holds back
   * pushes (invalidations, messages) while a reply is in progress.
   */
  async bulkArrayInSlices(items: ReadonlyArray<Buffer | string | null>, slice: TimeSlice): Promise<void> {
    this.header(0x2a, items.length);
    for (let i = 0; i < items.length; i++) {
      this.bulk(items[i]);
      if ((i & 4095) === 4095 && slice.due) await slice.yieldTurn();
    }
  }

  /** A map of n pairs: RESP3 `%n`, RESP2 a flat array of 2n elements. */
  mapHeader(n: number): void {
    if (this.resp === 3) this.header(0x25, n);
    else this.header(0x2a, n * 2);
  }

  /** A set of n members: RESP3 `~n`, RESP2 an array. */
  setHeader(n: number): void {
    this.header(this.resp === 3 ? 0x7e : 0x2a, n);
  }

  /** An out-of-band push (MONITOR, invalidations): RESP3 `>n`, RESP2 an array. */
  pushHeader(n: number): void {
    this.header(this.resp === 3 ? 0x3e : 0x2a, n);
  }

  /** A double: RESP3 `,`, RESP2 a bulk string, both formatted as Redis 7.0 does (`%.17g`). */
  double(d: number): void {
    const text = formatDouble(d);
    if (this.resp === 3) this.prefixedText(0x2c, text);
    else this.bulk(text);
  }

  /** A double already formatted by its command (GEOPOS's `%.17Lf`): RESP3 `,`, RESP2 a bulk string. */
  doubleText(text: string): void {
    if (this.resp === 3) this.prefixedText(0x2c, text);
    else this.bulk(text);
  }

  /** A boolean: RESP3 `#t`/`#f`, RESP2 the integers 1/0. */
  bool(b: boolean): void {
    if (this.resp === 3) this.raw4(0x23, b ? 0x74 : 0x66);
    else this.raw4(0x3a, b ? 0x31 : 0x30);
  }

  /** Verbatim text (INFO, CLIENT INFO): RESP3 `=len\r\ntxt:...`, RESP2 a bulk string. */
  verbatim(text: string, format = 'txt'): void {
    if (this.resp !== 3) {
      this.bulkText(text);
      return;
    }
    const n = Buffer.byteLength(text, 'utf8') + 4;
    this.reserve(n + 24);
    this.buf[this.end++] = 0x3d; // =
    this.writeDecimal(n);
    this.crlf();
    this.end += this.buf.latin1Write(format.slice(0, 3) + ':', this.end);
    this.end += this.buf.utf8Write(text, this.end);
    this.crlf();
  }

  // --- internals -------------------------------------------------------------------------------

  /** Makes room for `n` more bytes, moving unflushed bytes to a fresh slab if needed. */
  private reserve(n: number): void {
    if (this.end + n <= this.buf.length) return;
    const pending = this.end - this.start;
    if (this.start === 0 && pending === 0 && n <= this.buf.length) return;
    // A reply that outgrows its slab (KEYS, a giant MGET) grows geometrically: sizing the new slab
    // to just fit would copy everything pending on every element, quadratic in the reply's size.
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, pending + n, pending > 0 ? 2 * pending : 0));
    // The old slab may still be referenced by a socket write in flight, so never write into it
    // again; copy only the bytes not yet taken.
    if (pending > 0) this.buf.copy(next, 0, this.start, this.end);
    this.buf = next;
    this.start = 0;
    this.end = pending;
  }

  /** Copies a binary string; short ones in JS, which beats the native call's fixed cost. Room must be reserved. */
  private writeLatin1(s: string): void {
    const n = s.length;
    if (n > 24) {
      this.end += this.buf.latin1Write(s, this.end);
      return;
    }
    const b = this.buf;
    let i = this.end;
    for (let k = 0; k < n; k++) b[i++] = s.charCodeAt(k);
    this.end = i;
  }

  private crlf(): void {
    this.buf[this.end++] = CR;
    this.buf[this.end++] = LF;
  }

  private header(type: number, n: number): void {
    this.reserve(24);
    this.buf[this.end++] = type;
    this.writeDecimal(n);
    this.crlf();
  }

  private prefixedText(type: number, text: string): void {
    this.reserve(text.length + 3);
    this.buf[this.end++] = type;
    this.end += this.buf.latin1Write(text, this.end);
    this.crlf();
  }

  private nullResp3(): void {
    this.raw4(0x5f, -1); // _
  }

  /** Writes `a b [c]` + CRLF; c < 0 means a two-byte body. */
  private raw4(a: number, b: number): void {
    this.reserve(4);
    const buf = this.buf;
    let i = this.end;
    buf[i++] = a;
    if (b >= 0) buf[i++] = b;
    buf[i++] = CR;
    buf[i++] = LF;
    this.end = i;
  }

  private raw5(a: number, b: number, c: number): void {
    this.reserve(5);
    const buf = this.buf;
    let i = this.end;
    buf[i++] = a;
    buf[i++] = b;
    buf[i++] = c;
    buf[i++] = CR;
    buf[i++] = LF;
    this.end = i;
  }

  /** Writes a safe integer in decimal without allocating a string. Room must be reserved. */
  private writeDecimal(n: number): void {
    const b = this.buf;
    if (n < 0) {
      b[this.end++] = 0x2d;
      n = -n;
    }
    if (n < 10) {
      b[this.end++] = 0x30 + n;
      return;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    let i = this.end + digits;
    this.end = i;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      b[--i] = 0x30 + (n - q * 10);
      n = q;
    }
    b[--i] = 0x30 + n;
  }
}

declare global {
  interface Buffer {
    /** Node's internal fast path for `write(s, offset, 'latin1')`; returns bytes written. */
    latin1Write(s: string, offset?: number, length?: number): number;
    /** Node's internal fast path for `write(s, offset, 'utf8')`; returns bytes written. */
    utf8Write(s: string, offset?: number, length?: number): number;
    /** Node's internal fast path for `toString('latin1', start, end)`. */
    latin1Slice(start?: number, end?: number): string;
  }
}
