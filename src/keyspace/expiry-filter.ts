/**
 * Compaction filter: drops values whose expire time has passed, so expired keys stop costing
 * disk even if nobody reads them. Loaded by the engine inside its compaction worker (see
 * keyspaceDbOptions in keyspace.ts); `now` is taken on the main thread when the compaction is
 * planned.
 *
 * Only values of top-level keys are dropped. Expiry index entries stay: the active expiry cycle
 * needs them to learn that a counted key disappeared (see Keyspace.expireIndexed), and metadata
 * is never touched.
 *
 * The engine must not let a dropped value uncover an older version of the same key in a deeper
 * level (it writes a tombstone instead unless nothing older can exist below).
 */
import type { BinaryKey } from '../engine/types.js';
import { NAMESPACE_BYTES, TAG_DATA } from './encoding.js';

const TAG_DATA_CODE = TAG_DATA.charCodeAt(0);
const EXPIRE_FLAG = 0x80;
const TWO_32 = 0x1_0000_0000;

export interface ExpiryFilterOptions {
  now: number;
}

export function createCompactionFilter(options: ExpiryFilterOptions): (key: BinaryKey, value: Buffer) => boolean {
  const now = options.now;
  return (key: BinaryKey, value: Buffer): boolean => {
    if (key.length <= NAMESPACE_BYTES || key.charCodeAt(NAMESPACE_BYTES) !== TAG_DATA_CODE) return false;
    // Namespace 0 is metadata, whatever follows it.
    if (key.charCodeAt(0) === 0 && key.charCodeAt(1) === 0 && key.charCodeAt(2) === 0 && key.charCodeAt(3) === 0) return false;
    if (value.length < 9 || (value[0] & EXPIRE_FLAG) === 0) return false;
    return value.readInt32BE(1) * TWO_32 + value.readUInt32BE(5) <= now;
  };
}
