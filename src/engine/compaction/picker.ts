/**
 * Chooses the next compaction from a Version, leveled as LevelDB does:
 * L0 is scored by file count (its tables overlap, so reads probe each), L1+ by bytes against a
 * target that grows 10x per level. The highest score >= 1 wins.
 */
import type { BinaryKey } from '../types.js';
import type { FileMeta } from '../manifest/version-edit.js';
import type { Version } from '../manifest/version-set.js';

export interface PickedCompaction {
  readonly level: number;
  readonly inputs: readonly FileMeta[];
  /** Overlapping files of level + 1, merged with the inputs. */
  readonly nextInputs: readonly FileMeta[];
  readonly outputLevel: number;
  /** A single L1+ file with nothing below to merge with is moved by a manifest edit alone. */
  readonly trivialMove: boolean;
  /** No deeper level holds any key in the range: tombstones can go. */
  readonly bottommost: boolean;
}

export interface PickerOptions {
  readonly l0CompactionTrigger: number;
  readonly levelBaseBytes: number;
}

export function levelTargetBytes(level: number, base: number): number {
  return base * 10 ** (level - 1);
}

function keyRange(files: readonly FileMeta[]): [BinaryKey, BinaryKey] {
  let smallest = files[0].smallest;
  let largest = files[0].largest;
  for (const f of files) {
    if (f.smallest < smallest) smallest = f.smallest;
    if (f.largest > largest) largest = f.largest;
  }
  return [smallest, largest];
}

/** Builds a compaction of `inputs` (from `level`) into level + 1. */
export function compactionFor(version: Version, level: number, inputs: readonly FileMeta[], allowTrivialMove: boolean): PickedCompaction {
  const outputLevel = level + 1;
  const [smallest, largest] = keyRange(inputs);
  const nextInputs = version.overlapping(outputLevel, smallest, largest);
  let bottommost = true;
  for (let l = outputLevel + 1; l < version.levels.length && bottommost; l++) {
    if (version.overlapping(l, smallest, largest).length > 0) bottommost = false;
  }
  const trivialMove = allowTrivialMove && level > 0 && inputs.length === 1 && nextInputs.length === 0;
  return { level, inputs, nextInputs, outputLevel, trivialMove, bottommost };
}

/**
 * @param compactPointers per level, the largest key of the last file compacted there, so a level
 * is compacted round-robin across its key space rather than always at its start.
 */
export function pickCompaction(version: Version, options: PickerOptions, compactPointers: (BinaryKey | undefined)[]): PickedCompaction | undefined {
  const last = version.levels.length - 1;
  let bestLevel = -1;
  let bestScore = 1;
  for (let level = 0; level < last; level++) {
    const score =
      level === 0
        ? version.levels[0].length / options.l0CompactionTrigger
        : version.levelBytes(level) / levelTargetBytes(level, options.levelBaseBytes);
    if (score >= bestScore) {
      bestScore = score;
      bestLevel = level;
    }
  }
  if (bestLevel < 0) return undefined;
  if (bestLevel === 0) return compactionFor(version, 0, version.levels[0], false);
  const files = version.levels[bestLevel];
  const pointer = compactPointers[bestLevel];
  const next = (pointer !== undefined && files.find((f) => f.smallest > pointer)) || files[0];
  return compactionFor(version, bestLevel, [next], true);
}
