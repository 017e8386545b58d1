/**
 * What the runner asks of an engine under test. Each implementation writes its own tight loops in
 * its own fastest honest idiom; the runner only times them and checks their answers.
 */
import type { KeySet, Workload } from './workload.js';

export type ImplName = 'stratakv' | 'classic-level';
export const IMPLS: readonly ImplName[] = ['stratakv', 'classic-level'];

/** single: one operation awaited at a time. batch: the engine's fastest honest grouping. */
export type Mode = 'single' | 'batch';

export const WRITE_BATCH = 1000;
export const READ_BATCH = 100;

export interface EngineConfig {
  readonly memtableBytes: number;
  readonly cacheBytes: number;
  /** Pass the engine's own log lines (flushes, compactions) through to stderr. */
  readonly verbose?: boolean;
}

export interface Target {
  readonly impl: ImplName;
  /** One line describing the configuration, for the header. */
  readonly description: string;
  open(dir: string): Promise<void>;
  close(): Promise<void>;
  /** Puts present.key(order[j]) = valueFor(order[j], generation) for every j, in order. */
  write(order: Int32Array, generation: number, mode: Mode): Promise<void>;
  /** Looks up keys.key(order[j]) for every j; returns how many were found. */
  read(keys: KeySet, order: Int32Array, mode: Mode): Promise<number>;
  /** Iterates the whole database in key order; returns the number of entries seen. */
  scan(mode: Mode): Promise<number>;
  /** For each j, seeks to keys.key(order[j]) and reads the entry there; returns how many landed exactly on it. */
  seek(keys: KeySet, order: Int32Array, mode: Mode): Promise<number>;
  /**
   * A synchronous lookup path, if the engine has one that is not its honest best (e.g. it blocks
   * the event loop on disk reads): timed and printed for reference, never compared.
   */
  readSync?(keys: KeySet, order: Int32Array): number;
  /** One plain lookup, for verification outside the timed loops. */
  get(key: string): Promise<Buffer | undefined>;
  /** Engine-specific facts worth printing after a run (levels, write amplification, ...). */
  describeState(): string;
}

export type TargetFactory = (workload: Workload, config: EngineConfig) => Target;
