/**
 * A sequence is what the tester replays on both servers: commands, and in the restart variant one
 * point where StrataKV is killed with SIGKILL and started again. It is a pure function of its
 * options, so a seed printed with a failure regenerates it exactly.
 *
 * On top of the families' own choices, a few mutations apply to any drawn command, so every
 * family (present and future) gets them without writing them: a wrong number of arguments
 * (trailing ones dropped, or one extra), the name in another letter case, and now and then a
 * command that does not exist. Inside MULTI these become queued-command errors.
 */
import { ALL_BLOCKS, ALL_COMMANDS, MAIN_COMMANDS } from './families/index.js';
import { Gen, toBytes, type Arg } from './gen.js';

export type Step = { readonly kind: 'command'; readonly args: readonly Buffer[] } | { readonly kind: 'restart' };

export interface SequenceOptions {
  readonly seed: number;
  /** 2, or 3 for a sequence that starts with HELLO 3 on both servers. */
  readonly protocol: 2 | 3;
  /** Number of steps, blocks counted by their commands (a block may end a little past it). */
  readonly length: number;
  /** Kill and restart StrataKV once, somewhere in the middle third. */
  readonly restart: boolean;
  /**
   * A watching connection on each server receives every keyspace event (and runs the pubsub
   * family's subscriptions); its stream is compared after each command (session.ts).
   */
  readonly events?: boolean;
}

export interface Sequence extends SequenceOptions {
  readonly steps: readonly Step[];
}

const BLOCK_SHARE = 0.05;

export function generateSequence(options: SequenceOptions): Sequence {
  const g = new Gen(options.seed);
  const drawable = options.events === true ? ALL_COMMANDS : MAIN_COMMANDS;
  const drawCommand = (): Arg[] => {
    const spec = g.weighted(drawable);
    return mutate(g, [spec.name, ...spec.args(g)], spec.truncateBelow, spec.extraArgument !== false);
  };
  const drawBlock = (): Arg[][] => g.weighted(ALL_BLOCKS).steps(g, drawCommand);

  const steps: Step[] = [];
  const restartAt = options.restart ? g.between(Math.floor(options.length / 3), Math.floor((2 * options.length) / 3)) : -1;
  while (steps.length < options.length) {
    const drawn = ALL_BLOCKS.length > 0 && g.chance(BLOCK_SHARE) ? drawBlock() : [drawCommand()];
    for (const args of drawn) {
      if (steps.length === restartAt) steps.push({ kind: 'restart' });
      steps.push({ kind: 'command', args: args.map(toBytes) });
    }
  }
  return { ...options, steps };
}

/** Options whose value is an expiry: an argument added after one must not be a short one. */
const EXPIRY_OPTIONS = new Set(['EX', 'PX', 'EXAT', 'PXAT']);

function mutate(g: Gen, args: Arg[], truncateBelow = Infinity, extraArgument = true): Arg[] {
  const roll = g.int(1000);
  // Too few (args[0] is the name, so keeping k elements leaves k - 1 arguments).
  if (roll < 20 && args.length > 1) return args.slice(0, g.between(1, Math.min(args.length - 1, truncateBelow)));
  if (roll < 30 && extraArgument) {
    // One too many (or a valid variadic call). After an expiry option with no value yet, the
    // extra one would become its value, and a value such as PX 1 expires a key while the two
    // servers are still running the sequence, each at its own moment: it is not a number then.
    const last = toBytes(args[args.length - 1]).toString('latin1').toUpperCase();
    return [...args, EXPIRY_OPTIONS.has(last) ? g.pick(['', 'abc']) : g.value()];
  }
  if (roll < 33) return ['NOSUCHCOMMAND', ...args.slice(1)];
  if (roll < 130) return [mixCase(g, toBytes(args[0]).toString('latin1')), ...args.slice(1)];
  return args;
}

function mixCase(g: Gen, name: string): string {
  if (g.chance(0.5)) return name.toLowerCase();
  return [...name].map((c) => (g.chance(0.5) ? c.toLowerCase() : c.toUpperCase())).join('');
}
