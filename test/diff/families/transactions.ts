/**
 * Transactions: MULTI blocks of any other commands ending in EXEC or DISCARD (EXEC's array is
 * compared element by element, each by its own command's rule), blocks with a queued error (the
 * wrong-arity and unknown-command mutations of sequence.ts reach inside blocks too, and give
 * EXECABORT), WATCH before a block with the watched key changed or not in between, and the stray
 * ones: EXEC or DISCARD without MULTI, MULTI inside MULTI, WATCH inside MULTI.
 */
import type { Arg, BlockSpec, CommandSpec, Family, Gen } from '../gen.js';

const block: BlockSpec = {
  name: 'MULTI-block',
  weight: 4,
  steps: (g: Gen, command: () => Arg[]) => {
    const steps: Arg[][] = [];
    if (g.chance(0.3)) {
      steps.push(['WATCH', ...g.keys(1, 2)]);
      for (let i = g.int(3); i > 0; i--) steps.push(command());
    }
    steps.push(['MULTI']);
    for (let i = g.int(6); i > 0; i--) steps.push(command());
    const end = g.int(10);
    if (end < 8) steps.push(['EXEC']);
    else if (end < 9) steps.push(['DISCARD']);
    // else: left open; the next commands are queued until some later EXEC or DISCARD.
    return steps;
  },
};

const commands: CommandSpec[] = [
  { name: 'MULTI', weight: 0.5, args: () => [] },
  { name: 'EXEC', weight: 0.5, args: () => [] },
  { name: 'DISCARD', weight: 0.5, args: () => [] },
  { name: 'WATCH', weight: 0.5, args: (g) => g.keys(1, 2) },
  { name: 'UNWATCH', weight: 0.5, args: () => [] },
];

export const transactions: Family = { name: 'transactions', commands, blocks: [block] };
