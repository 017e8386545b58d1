/**
 * The model-based tester's contract. redis-server 7.0, the differential tester's oracle, has no
 * command newer than 7.0; for those commands the oracle is a model instead: a small in-memory
 * implementation of the documented semantics, written for the test, that answers every command
 * with the exact RESP2 bytes Redis documents. The runner (runner.ts) replays seeded sequences on
 * a real StrataKV and on a fresh model side by side and compares the replies byte for byte.
 *
 * ## Adding a family
 * 1. Write `test/diff/model/<name>.ts` exporting a `ModelFamily`:
 *    - `commands`: what to draw. Each spec names the command (upper case), a weight, and draws
 *      its arguments from the seeded `Gen` (../gen.ts: keys from a small shared pool, values,
 *      integers, expiries). Draw invalid input too (wrong option combinations, wrong arity, bad
 *      numbers): the model must then answer the server's error bytes. The runner sends the name
 *      in a random letter case, so the model matches names case-insensitively (`nameOf`).
 *    - `newModel()`: a fresh model of an EMPTY database 0 (the runner FLUSHALLs the server
 *      before each replay). It must answer every command its family draws, including the
 *      supporting ones it uses to set up state (GET, DEL, RPUSH to make a non-string key, ...).
 * 2. Add one line to families.ts. model.test.ts and fuzz.ts then run it.
 *
 * ## Replies
 * `apply` returns the raw RESP2 reply (reply.ts has the encoders: `ok`, `int`, `bulk`, `nil`,
 * `err`, `wrongType`, `arityError`, `syntaxError`, ...). Sequences run in RESP2 only.
 *
 * ## Time
 * `apply` is told the time: `nowMs` is Date.now() read just after the server's reply arrived, so
 * it is never earlier than the moment the server ran the command. A model compares expiry
 * instants with it (a key whose expire time is <= nowMs is gone). The server and the model never
 * agree to the millisecond, so a family must only draw expiries that are far from "now": relative
 * ones of at least ~100 s and absolute ones far in the future, or already in the past (they
 * expire at once on both). `Gen.expiry` draws exactly those. Replies that read the clock (TTL,
 * PTTL) must be reduced by the model and the family to what cannot race: the sign (-2, -1, or
 * "some positive number"), e.g. by sending them only inside a read the model can answer exactly,
 * or by having the spec's `normalize` map the server's reply before it is compared.
 */
import type { Arg, Gen } from '../gen.js';

/** A model of one database: applies commands in order, answering as the server must. */
export interface Model {
  /**
   * Applies one command (`args[0]` is the name as sent, any letter case) at time `nowMs`
   * (milliseconds since the epoch) and returns the exact RESP2 reply bytes.
   */
  apply(args: readonly Buffer[], nowMs: number): Buffer;
}

export interface ModelCommandSpec {
  /** The command name, upper case. */
  readonly name: string;
  /** How often it is drawn, relative to the family's other commands. */
  readonly weight: number;
  /** The arguments after the name. */
  readonly args: (g: Gen) => Arg[];
  /**
   * Maps both the server's reply and the model's before they are compared, for replies that
   * depend on the clock (TTL: any positive number becomes ":1"). Absent: compared as they are.
   */
  readonly normalize?: (reply: Buffer) => Buffer;
}

export interface ModelFamily {
  /** Selects the family on the command line (fuzz.ts --family) and in failure reports. */
  readonly name: string;
  readonly commands: readonly ModelCommandSpec[];
  /** A model of an empty database. */
  newModel(): Model;
}

/** The command name of `args`, upper case. */
export function nameOf(args: readonly Buffer[]): string {
  return args[0].toString('latin1').toUpperCase();
}

/** An argument, upper case, for matching option tokens (NX, IFEQ, ...). */
export function token(arg: Buffer | undefined): string {
  return arg === undefined ? '' : arg.toString('latin1').toUpperCase();
}
