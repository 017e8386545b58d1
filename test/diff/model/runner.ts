/**
 * The model-based tester's driver, shared by the bounded test (model.test.ts) and the long run
 * (fuzz.ts): seeded sequences of one family's commands run on a real StrataKV and on the family's
 * model (types.ts); the first reply that differs is minimized (../minimize.ts, the differential
 * tester's ddmin) and printed with the command line that replays it.
 *
 * Sequence i of a run has seed `seed + i`. Each replay starts from a fresh connection, FLUSHALL
 * and a fresh model, then sends the commands pipelined in batches and judges each reply against
 * the model's answer as it arrives (the model is applied in the same order, with the time read
 * after the server's reply, see types.ts "Time").
 */
import { Gen, toBytes } from '../gen.js';
import { minimize } from '../minimize.js';
import { cliLine, quoted } from '../report.js';
import type { Step } from '../sequence.js';
import { encodeCommand, RawClient } from '../../e2e/helpers.js';
import type { ModelCommandSpec, ModelFamily } from './types.js';

export interface ModelPlan {
  /** Seed of the first sequence; sequence i uses seed + i. */
  readonly seed: number;
  /** Run this many sequences, or until `deadline` (Date.now()), whichever comes first. */
  readonly sequences: number;
  readonly deadline: number;
  /** Commands per sequence. */
  readonly length: number;
  /** Stop after this many failures. */
  readonly maxFailures: number;
  /** Time allowed to minimize one failure. */
  readonly minimizeMs: number;
}

export interface ModelOutcome {
  readonly sequences: number;
  /** Replies compared. */
  readonly compared: number;
  readonly failures: readonly string[];
}

/** The commands of sequence `seed` of `family`, names in a random letter case. */
export function generateModelSequence(family: ModelFamily, seed: number, length: number): Array<readonly Buffer[]> {
  const g = new Gen(seed);
  const out: Array<readonly Buffer[]> = [];
  while (out.length < length) {
    const spec = g.weighted(family.commands);
    out.push([mixCase(g, spec.name), ...spec.args(g)].map(toBytes));
  }
  return out;
}

function mixCase(g: Gen, name: string): string {
  const roll = g.int(10);
  if (roll < 7) return name;
  if (roll < 9) return name.toLowerCase();
  return [...name].map((c) => (g.chance(0.5) ? c.toLowerCase() : c.toUpperCase())).join('');
}

export interface ModelMismatch {
  /** Index of the differing command in the replayed commands. */
  readonly index: number;
  readonly args: readonly Buffer[];
  /** What the model says the server must answer, and what it answered (both normalized). */
  readonly expected: Buffer;
  readonly actual: Buffer;
}

export interface ModelReplay {
  readonly mismatch: ModelMismatch | null;
  readonly compared: number;
}

const BATCH = 64;
const OK = Buffer.from('+OK\r\n');

/** Replays `commands` on the server at `port` (after FLUSHALL) and on a fresh model. */
export async function replayOnModel(family: ModelFamily, port: number, commands: ReadonlyArray<readonly Buffer[]>): Promise<ModelReplay> {
  const client = await RawClient.connect(port);
  try {
    const flushed = await client.command('FLUSHALL');
    if (!flushed.equals(OK)) throw new Error(`FLUSHALL answered ${JSON.stringify(flushed.toString('latin1'))}`);
    const model = family.newModel();
    const specs = new Map<string, ModelCommandSpec>(family.commands.map((c) => [c.name, c]));
    let compared = 0;
    for (let start = 0; start < commands.length; start += BATCH) {
      const batch = commands.slice(start, start + BATCH);
      client.write(Buffer.concat(batch.map((args) => encodeCommand([...args]))));
      for (let j = 0; j < batch.length; j++) {
        const args = batch[j];
        let actual: Buffer;
        try {
          actual = await client.readReply(15_000);
        } catch (error) {
          actual = Buffer.from(`?no reply: ${(error as Error).message}`, 'latin1');
        }
        const normalize = specs.get(args[0].toString('latin1').toUpperCase())?.normalize ?? ((b: Buffer) => b);
        const expected = normalize(model.apply(args, Date.now()));
        actual = actual[0] === 0x3f ? actual : normalize(actual);
        compared++;
        if (!expected.equals(actual)) return { mismatch: { index: start + j, args, expected, actual }, compared };
      }
    }
    return { mismatch: null, compared };
  } finally {
    client.close();
  }
}

/** Runs `plan` for `family` against the StrataKV at `port`. */
export async function runModelPlan(family: ModelFamily, port: number, plan: ModelPlan, progress: (line: string) => void = () => undefined): Promise<ModelOutcome> {
  const failures: string[] = [];
  let compared = 0;
  let sequences = 0;
  while (sequences < plan.sequences && Date.now() < plan.deadline && failures.length < plan.maxFailures) {
    const seed = (plan.seed + sequences) >>> 0;
    sequences++;
    const commands = generateModelSequence(family, seed, plan.length);
    const result = await replayOnModel(family, port, commands);
    compared += result.compared;
    if (result.mismatch === null) continue;
    progress(`${family.name} seed ${seed}: a difference at command ${result.mismatch.index}; minimizing`);
    const { steps, mismatch, reproduced } = await shrink(family, port, commands.slice(0, result.mismatch.index + 1), result.mismatch, Date.now() + plan.minimizeMs);
    failures.push(formatModelFailure(family, seed, plan.length, result.mismatch.index + 1, steps, mismatch, reproduced));
    progress(failures[failures.length - 1]);
  }
  return { sequences, compared, failures };
}

const asStep = (args: readonly Buffer[]): Step => ({ kind: 'command', args });
const argsOf = (step: Step): readonly Buffer[] => (step.kind === 'command' ? step.args : []);

/** Minimizes the commands before a difference, replaying on the same server. */
async function shrink(family: ModelFamily, port: number, commands: ReadonlyArray<readonly Buffer[]>, original: ModelMismatch, deadline: number): Promise<{ steps: Array<readonly Buffer[]>; mismatch: ModelMismatch; reproduced: boolean }> {
  let latest = original;
  const reproduces = async (candidate: readonly Step[]): Promise<boolean> => {
    const result = await replayOnModel(family, port, candidate.map(argsOf));
    if (result.mismatch === null || result.mismatch.index !== candidate.length - 1) return false;
    latest = result.mismatch;
    return true;
  };
  const all = commands.map(asStep);
  if (!(await reproduces(all))) return { steps: [...commands], mismatch: original, reproduced: false };
  const minimal = await minimize(all.slice(0, -1), all[all.length - 1], reproduces, { deadline, maxReplays: 2000 });
  return { steps: minimal.map(argsOf), mismatch: latest, reproduced: true };
}

function formatModelFailure(family: ModelFamily, seed: number, length: number, originalLength: number, steps: ReadonlyArray<readonly Buffer[]>, mismatch: ModelMismatch, reproduced: boolean): string {
  const lines = [
    `StrataKV and the ${family.name} model differ (seed ${seed}):`,
    `  replay:  npm run build && node dist/test/diff/model/fuzz.js --family ${family.name} --seed ${seed} --sequences 1 --length ${length}`,
    reproduced
      ? `  minimized from ${originalLength} commands to ${steps.length}; paste on an empty database:`
      : `  did NOT differ again when replayed (timing-dependent?); the original ${originalLength} commands:`,
    ...steps.map((args) => `    ${cliLine(args)}`),
    `  the last command's reply:`,
    `    model (documented): ${quoted(mismatch.expected)}`,
    `    stratakv:           ${quoted(mismatch.actual)}`,
  ];
  return lines.join('\n');
}
