/**
 * The keyspace's compaction filter, loaded by the engine inside its compaction worker (see
 * keyspaceDbOptions in keyspace.ts); `now` is taken on the main thread when the compaction is
 * planned. It drops two kinds of entries nobody can read any more:
 *
 * - String values whose expire time has passed, so expired keys stop costing disk even if nobody
 *   reads them. Expiry index entries stay: the active expiry cycle needs them to learn that a
 *   counted key disappeared (see Keyspace.expireIndexed). Metadata is never touched, nor are
 *   expired collection metadata records: the expiry cycle deletes those through the keyspace,
 *   which records their members for the sweep (dropped here, nobody would know their version).
 * - Members of dead collection versions (docs/format.md, "Collections"): it looks the owner's
 *   metadata up in the tables of the planned version and drops the member when the metadata is
 *   gone, of another type, expired, or of another version, unless a reservation record says the
 *   version is being built (a RENAME's copy). Members of one (key, version) come together in key
 *   order, so the verdict of the last lookup serves the whole run.
 *
 * The engine must not let a dropped value uncover an older version of the same key in a deeper
 * level (it writes a tombstone instead unless nothing older can exist below).
 */
import type { BinaryKey } from '../engine/types.js';
import type { KeyLookup } from '../engine/compaction/table-view.js';
import { META_RESERVED_PREFIX, NAMESPACE_BYTES, TAG_DATA, ValueType, valueType } from './encoding.js';
import { MemberTag, parseMemberKey, versionOf, type MemberKeyParts } from './collection-encoding.js';

const TAG_DATA_CODE = TAG_DATA.charCodeAt(0);
const EXPIRE_FLAG = 0x80;
const TWO_32 = 0x1_0000_0000;

export interface CompactionFilterOptions {
  now: number;
}

/** The type whose members carry `tag`. */
function ownerType(tag: MemberTag): ValueType {
  switch (tag) {
    case MemberTag.HashField:
    case MemberTag.HashFieldExpiry:
      return ValueType.Hash;
    case MemberTag.SetMember:
      return ValueType.Set;
    case MemberTag.ZSetByMember:
    case MemberTag.ZSetByScore:
    case MemberTag.ZSetRank:
      return ValueType.ZSet;
    case MemberTag.ListElement:
      return ValueType.List;
    case MemberTag.StreamEntry:
    case MemberTag.StreamGroup:
    case MemberTag.StreamConsumer:
    case MemberTag.StreamPending:
    case MemberTag.StreamConsumerPending:
      return ValueType.Stream;
  }
}

function expired(value: Buffer, now: number): boolean {
  if (value.length < 9 || (value[0] & EXPIRE_FLAG) === 0) return false;
  return value.readInt32BE(1) * TWO_32 + value.readUInt32BE(5) <= now;
}

export function createCompactionFilter(options: CompactionFilterOptions, view: KeyLookup): (key: BinaryKey, value: Buffer) => boolean {
  const now = options.now;
  // The last owner looked up: its member prefix and whether its members are dead.
  let lastPrefix = '';
  let lastDead = false;

  const memberIsDead = (key: BinaryKey, parts: MemberKeyParts): boolean => {
    const meta = view.get(parts.metaKey);
    const live = meta !== undefined && valueType(meta) === ownerType(parts.tag) && !expired(meta, now) && versionOf(meta) === parts.version;
    // A version being built (a RENAME's copy) has no metadata yet but a reservation record.
    return !live && view.get(META_RESERVED_PREFIX + key.slice(0, parts.prefixLength)) === undefined;
  };

  return (key: BinaryKey, value: Buffer): boolean => {
    if (key.length <= NAMESPACE_BYTES) return false;
    // Namespace 0 is metadata, whatever follows it.
    if (key.charCodeAt(0) === 0 && key.charCodeAt(1) === 0 && key.charCodeAt(2) === 0 && key.charCodeAt(3) === 0) return false;
    if (key.charCodeAt(NAMESPACE_BYTES) === TAG_DATA_CODE) return valueType(value) === ValueType.String && expired(value, now);
    if (lastPrefix !== '' && key.startsWith(lastPrefix)) return lastDead;
    const parts = parseMemberKey(key);
    if (parts === undefined) return false;
    lastPrefix = key.slice(0, parts.prefixLength);
    lastDead = memberIsDead(key, parts);
    return lastDead;
  };
}
