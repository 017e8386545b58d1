/**
 * The vocabulary generators are written in. A command family (families/*.ts) is data: a list of
 * commands, each with a weight, a function that draws its arguments from a `Gen`, and, when its
 * reply is not fixed byte for byte by Redis' contract, the rule that compares it (compare.ts).
 * A later type (hashes, sets, sorted sets, lists) adds one such file and one line in
 * families/index.ts; everything else (sequences, replay, minimizing, reports) stays as it is.
 *
 * Arguments given as strings are turned into bytes as latin1, one byte per character, so
 * '\xff' is the byte 0xff and binary values are easy to write.
 */
import { mulberry32 } from '../support/prng.js';
import type { ReplyRule } from './compare.js';

export type Arg = string | Buffer;

/** Sends one command to one server and resolves with its raw reply. */
export type Call = (args: readonly Buffer[]) => Promise<Buffer>;

/**
 * Runs a command as several calls and returns one reply standing for all of them (SCAN iterated
 * to its end). Only used outside MULTI; inside, the command is queued as sent.
 */
export type Exchange = (call: Call, args: readonly Buffer[]) => Promise<Buffer>;

export interface CommandSpec {
  /** The command name, upper case. Replies are matched to their rule by it. */
  readonly name: string;
  /** How often it is drawn, relative to every other command of every family. */
  readonly weight: number;
  /** The arguments after the name. */
  readonly args: (g: Gen) => Arg[];
  /** How its reply is compared; byte for byte when absent. */
  readonly rule?: ReplyRule;
  /** Rules by subcommand (the first argument, upper case), over `rule`. */
  readonly subcommandRules?: Readonly<Record<string, ReplyRule>>;
  /** Outside MULTI, how it is run when one call is not enough to compare (SCAN). */
  readonly exchange?: Exchange;
  /**
   * The "too few arguments" mutation leaves fewer than this many arguments after the name, never
   * more: SPOP with its count dropped pops a random member, and the two servers would go on with
   * different sets.
   */
  readonly truncateBelow?: number;
  /**
   * False: never drawn with one argument too many. BLPOP's last argument is its timeout, and an
   * extra value there could be 0, which blocks both servers for ever.
   */
  readonly extraArgument?: false;
  /**
   * Sent on the watching connection (session.ts: a subscriber to every keyspace event on each
   * server) instead of the main one: SUBSCRIBE and its kin, whose notices and messages are then
   * compared as that connection's stream. Drawn only in sequences that have a watcher.
   */
  readonly onWatcher?: true;
}

/**
 * Several commands that only make sense together (MULTI ... EXEC), drawn like one command.
 * `command` draws any single command of any family, name included, for the block to wrap.
 */
export interface BlockSpec {
  readonly name: string;
  readonly weight: number;
  readonly steps: (g: Gen, command: () => Arg[]) => Arg[][];
}

export interface Family {
  readonly name: string;
  readonly commands: readonly CommandSpec[];
  readonly blocks?: readonly BlockSpec[];
}

export function toBytes(arg: Arg): Buffer {
  return Buffer.isBuffer(arg) ? arg : Buffer.from(arg, 'latin1');
}

/**
 * Keys come from a small pool so commands collide: most of them plain, plus the empty key and a
 * binary one (NUL, CR LF, a byte that is not UTF-8), both legal in Redis.
 */
const KEYS: readonly string[] = ['k1', 'k2', 'k3', 'k1', 'k2', 'k3', 'k4', '', 'k\x00\r\n\xff'];

/** Values for string commands: the shapes Redis treats specially. */
const VALUES: readonly string[] = [
  '', 'v', 'hello', 'a b', '0', '1', '-1', '42', '10000', '-0', '00', '+1', ' 1', '1 ', '1\x00',
  '9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809',
  '3.14', '-2.5', '1e3', '1E3', '1e400', '.5', '5.', '0x10', 'inf', '-inf', 'nan',
  '\x00', '\r\n', 'a\x00b', '\xff\xfe', '\x80', 'x'.repeat(44), 'y'.repeat(45), 'abcdefghij'.repeat(12),
];

/** Integer arguments (counts, offsets, increments, indexes) around the edges Redis checks. */
const INTEGERS: readonly string[] = [
  '0', '1', '-1', '2', '-2', '3', '5', '7', '8', '10', '-10', '100', '-100',
  '2147483647', '-2147483648', '4294967296', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '-9223372036854775809', '1.5', '', 'abc', ' 1', '+1', '0x1', '-0', '00', '007', '1e2',
];

/** Far enough in the future that nothing expires during a run, in seconds (about 2100 to 2200). */
const FUTURE_SECONDS = 4_102_444_800;

export class Gen {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** One of `items`, each as likely as its weight. */
  weighted<T extends { readonly weight: number }>(items: readonly T[]): T {
    let roll = this.random() * items.reduce((sum, item) => sum + item.weight, 0);
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item;
    }
    return items[items.length - 1];
  }

  key(): string {
    return this.pick(KEYS);
  }

  /** `min` to `max` keys from the pool (repeats allowed, as clients send them). */
  keys(min: number, max: number): string[] {
    return Array.from({ length: this.between(min, max) }, () => this.key());
  }

  value(): Arg {
    return this.chance(0.1) ? this.bytes(this.int(9)) : this.pick(VALUES);
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    // Mostly bytes with structure (all-zero, all-one, nibbles), which bit commands care about.
    for (let i = 0; i < n; i++) out[i] = this.chance(0.3) ? this.int(256) : this.pick([0, 0xff, 0x0f, 0xf0, 0x80, 0x01]);
    return out;
  }

  integer(): string {
    return this.chance(0.3) ? String(this.between(-50, 50)) : this.pick(INTEGERS);
  }

  /**
   * An expiry argument. Relative ones are at least 100 s (nothing may expire while a sequence
   * runs: the two servers would see it expire at different moments) and drawn from ~30 years, so
   * two of them never land close enough for GT/LT to depend on which millisecond each server ran
   * in; absolute ones are far in the future or in the past. Plus what Redis rejects or treats
   * specially: zero, negative, overflowing, not a number. No valid relative value is a fixed
   * one: the same relative expiry set twice a millisecond apart is GT on one server and not on
   * the other (9223372036854775 is an overflow in seconds, but a valid, repeatable 292 000 years
   * in milliseconds, so it is only drawn in seconds).
   */
  expiry(unit: 's' | 'ms', absolute: boolean): string {
    const scale = unit === 's' ? 1 : 1000;
    const roll = this.int(20);
    if (roll < 13) {
      const seconds = absolute ? FUTURE_SECONDS + this.int(3_000_000_000) : 100 + this.int(1_000_000_000);
      return String(seconds * scale + (unit === 'ms' ? this.int(1000) : 0));
    }
    if (roll < 16) return absolute ? this.pick(['1', '1000000000', String(1_600_000_000 * scale)]) : this.pick(['0', '-1', '-100']);
    const overflowingSeconds = unit === 's' ? ['9223372036854775', '9223372036854776'] : [];
    return this.pick(['0', '-1', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '1.5', 'abc', '', ...overflowingSeconds]);
  }
}
