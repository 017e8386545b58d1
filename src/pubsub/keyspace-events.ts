/**
 * Keyspace notifications (Redis' notify.c): a command that changes a key tells this module what
 * happened (`notify(class, event, key, db)`), and when `notify-keyspace-events` lets that class
 * through, two messages go out through the Pub/Sub hub:
 *   `__keyspace@<db>__:<key>`   → the event name   (flag K)
 *   `__keyevent@<db>__:<event>` → the key          (flag E)
 * Call sites follow Redis' own notifyKeyspaceEvent calls one for one (same classes, names, order),
 * so a subscriber sees the same message sequence as from redis-server 7.0.
 *
 * Notifications are off by default; then a call costs one integer test.
 */
import type { PubSubHub, Subscriber } from './hub.js';

/** Event classes and the two channel kinds: Redis' NOTIFY_* bits (values are ours, only the letters are public). */
export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_MODULE = 1 << 12; // d
export const NOTIFY_NEW = 1 << 13; // n
/** 'A': every class but key misses and new keys (Redis' NOTIFY_ALL). */
export const NOTIFY_ALL =
  NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

/** Redis' error text for a bad class character (CONFIG SET and the conf file). */
export const ERR_EVENT_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

const FLAG_OF_CHAR: Readonly<Record<string, number>> = {
  A: NOTIFY_ALL,
  g: NOTIFY_GENERIC,
  $: NOTIFY_STRING,
  l: NOTIFY_LIST,
  s: NOTIFY_SET,
  h: NOTIFY_HASH,
  z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED,
  e: NOTIFY_EVICTED,
  K: NOTIFY_KEYSPACE,
  E: NOTIFY_KEYEVENT,
  t: NOTIFY_STREAM,
  m: NOTIFY_KEY_MISS,
  d: NOTIFY_MODULE,
  n: NOTIFY_NEW,
};

/** Redis' keyspaceEventsStringToFlags: the flags of a class string, or -1 when a character is unknown. */
export function keyspaceEventsFromString(classes: string): number {
  let flags = 0;
  for (const ch of classes) {
    const flag = FLAG_OF_CHAR[ch];
    if (flag === undefined) return -1;
    flags |= flag;
  }
  return flags;
}

/** Class letters in the order Redis prints them when not every class of 'A' is on. */
const CLASS_LETTERS: ReadonlyArray<readonly [number, string]> = [
  [NOTIFY_GENERIC, 'g'],
  [NOTIFY_STRING, '$'],
  [NOTIFY_LIST, 'l'],
  [NOTIFY_SET, 's'],
  [NOTIFY_HASH, 'h'],
  [NOTIFY_ZSET, 'z'],
  [NOTIFY_EXPIRED, 'x'],
  [NOTIFY_EVICTED, 'e'],
  [NOTIFY_STREAM, 't'],
  [NOTIFY_MODULE, 'd'],
  [NOTIFY_NEW, 'n'],
];

/**
 * Redis' keyspaceEventsFlagsToString, the form CONFIG GET and CONFIG REWRITE print. As in 7.0, 'n'
 * sits among the class letters that 'A' replaces, so "An" prints as "A" (and reads back without n).
 */
export function keyspaceEventsToString(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out += 'A';
  else for (const [flag, letter] of CLASS_LETTERS) if ((flags & flag) !== 0) out += letter;
  if ((flags & NOTIFY_KEYSPACE) !== 0) out += 'K';
  if ((flags & NOTIFY_KEYEVENT) !== 0) out += 'E';
  if ((flags & NOTIFY_KEY_MISS) !== 0) out += 'm';
  return out;
}

/**
 * The notifier. `flags` follows the `notify-keyspace-events` directive (the server sets it at start
 * and on CONFIG SET); `publisher` is the client whose command is running (set around each command
 * by the dispatcher), so that a RESP3 client subscribed to its own keys gets the messages before
 * its reply, where Redis puts them.
 */
export class KeyspaceEvents {
  flags = 0;
  publisher: Subscriber | null = null;
  private hub: PubSubHub | null = null;

  /** Where messages go; until attached (a keyspace without a server) nothing is sent. */
  attach(hub: PubSubHub): void {
    this.hub = hub;
  }

  /** Redis' notifyKeyspaceEvent. `key` is a binary key (latin1, one char per byte). */
  notify(type: number, event: string, key: string, db: number): void {
    const flags = this.flags;
    if ((flags & type) === 0 || this.hub === null) return;
    const hub = this.hub;
    // Nobody listens at all: nothing to build (the usual case of notifications left on).
    if (hub.channelCount === 0 && hub.patternCount === 0) return;
    if ((flags & NOTIFY_KEYSPACE) !== 0) hub.publishText(`__keyspace@${db}__:${key}`, event, this.publisher);
    if ((flags & NOTIFY_KEYEVENT) !== 0) hub.publishText(`__keyevent@${db}__:${event}`, key, this.publisher);
  }
}
