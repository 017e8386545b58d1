/**
 * The differential tester's driver, shared by the bounded test (differential.test.ts) and the
 * long run (fuzz.ts): starts the two servers, runs seeded sequences on them, and turns each
 * mismatch into a minimized, printable failure.
 *
 * Sequence i of a run has seed `seed + i`; its protocol, length and restart flag are printed with
 * any failure, so `fuzz.js --seed S --sequences 1 ...` regenerates exactly that sequence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedis, startServer, type TestServer } from '../e2e/helpers.js';
import { knownDifference } from './known-differences.js';
import { minimize } from './minimize.js';
import { formatFailure, replayCommand, type Failure } from './report.js';
import { generateSequence, type SequenceOptions, type Step } from './sequence.js';
import { replay, type Endpoint, type KnownCheck, type Mismatch, type ReplayResult } from './session.js';

export interface Servers {
  readonly strata: Endpoint;
  readonly redis: Endpoint;
  stop(): Promise<void>;
}

/**
 * redis-server (no persistence, temp dir, free port) and StrataKV. With `restartable`, StrataKV
 * runs with `appendfsync always` on a directory that survives its SIGKILL and restart. Null when
 * redis-server is not installed or does not start (the callers fail or skip, see redisTest).
 */
export async function startServers(restartable: boolean): Promise<Servers | null> {
  const redis = await startRedis();
  if (redis === null) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-diff-'));
  // Rank index buckets of 4 members: the generators' small sets (listpack-sized in Redis) then
  // have indexes that split and merge (src/types/zset-rank.ts).
  const args = [...(restartable ? ['--appendfsync', 'always'] : []), '--zset-rank-bucket-size', '4'];
  let strata: TestServer;
  try {
    strata = await startServer({ dir, args });
  } catch (error) {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    strata: {
      port: () => strata.port,
      restart: restartable
        ? async () => {
          await strata.kill();
          strata = await startServer({ dir, args });
        }
        : undefined,
    },
    redis: { port: () => redis.port },
    async stop() {
      await Promise.all([strata.stop(), redis.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Plan {
  /** Seed of the first sequence; sequence i uses seed + i. */
  readonly seed: number;
  /** Run this many sequences, or until `deadline` (Date.now()), whichever comes first. */
  readonly sequences: number;
  readonly deadline: number;
  readonly length: number;
  /** Sequence i speaks protocols[i % protocols.length]. */
  readonly protocols: ReadonlyArray<2 | 3>;
  readonly restart: boolean;
  /** Every this many sequences, one has a watching connection (SequenceOptions.events); 0: none. */
  readonly eventsEvery: number;
  /** Treat known differences as failures too (fuzz --all). */
  readonly includeKnown: boolean;
  /** Stop after this many failures. */
  readonly maxFailures: number;
  /** Time allowed to minimize one failure. */
  readonly minimizeMs: number;
}

export interface Outcome {
  readonly sequences: number;
  /** Pairs of replies compared. */
  readonly compared: number;
  readonly failures: readonly string[];
  /** How often each known difference was met. */
  readonly known: ReadonlyMap<string, number>;
}

export async function runPlan(servers: Servers, plan: Plan, progress: (line: string) => void = () => undefined): Promise<Outcome> {
  const isKnown: KnownCheck = (m) => {
    if (plan.includeKnown) return undefined;
    const known = knownDifference(m);
    return known && { id: known.id, diverges: known.diverges };
  };
  const failures: string[] = [];
  const known = new Map<string, number>();
  let compared = 0;
  let sequences = 0;
  while (sequences < plan.sequences && Date.now() < plan.deadline && failures.length < plan.maxFailures) {
    const options: SequenceOptions = {
      seed: (plan.seed + sequences) >>> 0,
      protocol: plan.protocols[sequences % plan.protocols.length],
      length: plan.length,
      restart: plan.restart,
      events: plan.eventsEvery > 0 && sequences % plan.eventsEvery === plan.eventsEvery - 1,
    };
    sequences++;
    const { steps } = generateSequence(options);
    let result: ReplayResult;
    try {
      result = await replay(steps, options.protocol, servers.strata, servers.redis, isKnown, options.events === true);
    } catch (error) {
      // StrataKV did not come back after a restart, or a connection could not be opened: the
      // servers are in no state to go on with.
      failures.push(`seed ${options.seed} (replay: ${replayCommand(options)}) broke the run: ${(error as Error).message}`);
      progress(failures[failures.length - 1]);
      break;
    }
    compared += result.compared;
    for (const hit of result.known) known.set(hit.id, (known.get(hit.id) ?? 0) + 1);
    const endedByKnown = result.known.length > 0 && result.known[result.known.length - 1].mismatch === result.mismatch;
    if (result.mismatch === null || endedByKnown) continue;
    progress(`seed ${options.seed}: a mismatch at step ${result.mismatch.index}; minimizing`);
    const failure = await shrink(servers, options, result.mismatch, isKnown, Date.now() + plan.minimizeMs);
    failures.push(formatFailure(failure));
    progress(failures[failures.length - 1]);
  }
  return { sequences, compared, failures, known };
}

/** Minimizes the steps before a mismatch, replaying on the same servers. */
async function shrink(servers: Servers, options: SequenceOptions, mismatch: Mismatch, isKnown: KnownCheck, deadline: number): Promise<Failure> {
  const { steps } = generateSequence(options);
  if (mismatch.index < 0) return { options, originalLength: 0, steps: [], mismatch, reproduced: true };
  const before = steps.slice(0, mismatch.index);
  const last = steps[mismatch.index];
  let latest = mismatch;
  const reproduces = async (candidate: readonly Step[]): Promise<boolean> => {
    const result = await replay(candidate, options.protocol, servers.strata, servers.redis, isKnown, options.events === true);
    const hit = result.mismatch;
    if (hit === null || hit.index !== candidate.length - 1 || result.known.some((k) => k.mismatch === hit)) return false;
    latest = hit;
    return true;
  };
  if (!(await reproduces([...before, last]))) {
    return { options, originalLength: before.length + 1, steps: [...before, last], mismatch, reproduced: false };
  }
  // `latest` ends as the mismatch of the last candidate that reproduced: the minimized one.
  const minimal = await minimize(before, last, reproduces, { deadline, maxReplays: 2000 });
  return { options, originalLength: before.length + 1, steps: minimal, mismatch: latest, reproduced: true };
}
