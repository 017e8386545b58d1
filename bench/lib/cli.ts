/** Argument parsers shared by the bench programs' commander options. */
import { InvalidArgumentError } from 'commander';
import { parseIntList } from './resp-targets.js';

/** A positive integer; underscores allowed as digit separators (`1_000_000`). */
export function positiveInt(text: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError('expected a positive integer');
  return value;
}

/** A comma-separated list of integers. */
export function intList(text: string): number[] {
  try {
    return parseIntList(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** A parser for a comma-separated list of names among `known` (case-insensitive), e.g. `--tests set,get`. */
export function nameList(known: readonly string[]): (text: string) => string[] {
  return (text) => {
    const names = text.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
    const unknown = names.filter((t) => !known.includes(t));
    if (names.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected names among ${known.join(',')}`);
    return names;
  };
}
