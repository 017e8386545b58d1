/**
 * What a failure prints: the minimized sequence as lines to paste into redis-cli (connected to
 * either server, on an empty database), the command that regenerates the original sequence, and
 * both raw replies of the step that differs, escaped so CR, LF and binary bytes are visible.
 */
import type { Mismatch } from './session.js';
import type { SequenceOptions, Step } from './sequence.js';

/** Bytes as a double-quoted redis-cli string: \" \\ \r \n \t and \xHH for the rest. */
export function quoted(bytes: Buffer): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte > 0x7e) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/** One argument as redis-cli reads it back: bare when it is plain printable text, else quoted. */
function cliArg(arg: Buffer): string {
  const bare = arg.length > 0 && arg.every((b) => b > 0x20 && b < 0x7f && b !== 0x22 && b !== 0x27 && b !== 0x5c);
  return bare ? arg.toString('latin1') : quoted(arg);
}

export function cliLine(args: readonly Buffer[]): string {
  return args.map(cliArg).join(' ');
}

export function stepLine(step: Step): string {
  return step.kind === 'restart' ? '# here StrataKV is killed (SIGKILL) and restarted on its data; both connections are reopened' : cliLine(step.args);
}

/** The shell command that regenerates and replays one sequence. */
export function replayCommand(options: SequenceOptions): string {
  const restart = options.restart ? ' --restart' : '';
  const events = options.events === true ? ' --events' : '';
  return `npm run build && node dist/test/diff/fuzz.js --seed ${options.seed} --sequences 1 --protocol ${options.protocol} --length ${options.length}${restart}${events}`;
}

export interface Failure {
  readonly options: SequenceOptions;
  /** Steps in the original sequence up to and including the one that differed. */
  readonly originalLength: number;
  /** The minimized steps, the differing one last. */
  readonly steps: readonly Step[];
  /** The mismatch as the minimized steps reproduce it (or the original one, if they could not). */
  readonly mismatch: Mismatch;
  /** False when replaying the original sequence did not differ again (timing-dependent?). */
  readonly reproduced: boolean;
}

export function formatFailure(f: Failure): string {
  const { options, mismatch } = f;
  const lines = [
    `StrataKV and redis-server differ (seed ${options.seed}, RESP${options.protocol}${options.restart ? ', with a restart' : ''}):`,
    `  replay:  ${replayCommand(options)}`,
    f.reproduced
      ? `  minimized from ${f.originalLength} steps to ${f.steps.length}; paste on an empty database:`
      : `  did NOT differ again when replayed (timing-dependent?); the original ${f.originalLength} steps end with:`,
  ];
  if (options.protocol === 3) lines.push('    HELLO 3');
  for (const step of f.steps) lines.push(`    ${stepLine(step)}`);
  const element = mismatch.differing.args === mismatch.args ? '' : ` (${cliLine(mismatch.differing.args)})`;
  lines.push(
    `  the last command${mismatch.exchanged ? ' (SCAN iterated to cursor 0; the keys of all pages, sorted, as one page)' : ''}: ${mismatch.reason}${element}`,
    `    redis-server: ${quoted(mismatch.theirs)}`,
    `    stratakv:     ${quoted(mismatch.ours)}`,
  );
  return lines.join('\n');
}
