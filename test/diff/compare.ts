/**
 * Reply comparison rules. The default, and what almost every command uses, is `exact`: the raw
 * bytes must be identical. A few replies are not fixed by Redis' contract, and for those a command
 * names a rule that compares what Redis does promise:
 *
 * - `within(n)`: TTL, PTTL, EXPIRETIME and PEXPIRETIME depend on the clock of each server at the
 *   moment it ran the command; the two servers run it a few milliseconds apart (more under load),
 *   so two non-negative numbers may differ by up to `n`. Negative answers (-1 no expiry, -2 no
 *   key) are exact. A unit mix-up (seconds for milliseconds) is still far outside `n`.
 * - `unordered`: KEYS (and later SMEMBERS, HKEYS, ...) list in hash order, which Redis leaves
 *   undefined: the same elements as a multiset.
 * - `unorderedPairs`: HGETALL (a flat array of field, value in RESP2, a map in RESP3) lists its
 *   pairs in an undefined order: the same pairs as a multiset, each pair kept together.
 * - `scanPage`: one SCAN call. When both cursors are 0 the page ended the scan, so both must have
 *   returned the same key set (duplicates allowed, as during a rehash). A page that does not end
 *   the scan holds whatever the hash order put first: only its shape is compared. Outside MULTI
 *   the SCAN generator iterates to the end instead (see families/keys.ts), which is compared whole.
 * - `hello`: HELLO's map, field by field, except the connection id (each server numbers its own).
 * - `randomKey`: RANDOMKEY answers nil for an empty database and some key otherwise.
 * - `randomPick`: SRANDMEMBER, HRANDFIELD, ZRANDMEMBER pick at random: nil where the other is nil,
 *   otherwise the same type and, for several picks, the same number of elements.
 * - `withTimes(n)`: replies of the consumer group commands that carry clock readings (XPENDING's
 *   idle times, XINFO CONSUMERS' idle, XINFO STREAM FULL's seen-time and delivery times): the same
 *   tree byte for byte except those numbers, which may differ by up to `n` ms.
 *
 * Errors always compare exactly, whatever the rule: error texts are part of the contract.
 */
import { isError, isNil, type RespNode } from './resp.js';

/** Why two replies differ under a rule, or null when they agree. */
export type ReplyRule = (ours: RespNode, theirs: RespNode) => string | null;

export const exact: ReplyRule = (ours, theirs) => (ours.raw.equals(theirs.raw) ? null : 'the bytes differ');

/** The rule unless either reply is an error, which is compared byte for byte. */
function unlessError(rule: ReplyRule): ReplyRule {
  return (ours, theirs) => (isError(ours) || isError(theirs) ? exact(ours, theirs) : rule(ours, theirs));
}

export function within(tolerance: number): ReplyRule {
  return unlessError((ours, theirs) => {
    if (ours.type !== ':' || theirs.type !== ':') return exact(ours, theirs);
    const a = Number(ours.head);
    const b = Number(theirs.head);
    if (a < 0 || b < 0) return exact(ours, theirs);
    return Math.abs(a - b) <= tolerance ? null : `${a} and ${b} are more than ${tolerance} apart`;
  });
}

export const unordered: ReplyRule = unlessError((ours, theirs) => {
  if (ours.type !== theirs.type || ours.head !== theirs.head) return exact(ours, theirs);
  const sorted = (node: RespNode): string[] => node.items.map((item) => item.raw.toString('latin1')).sort();
  return sorted(ours).join('\0') === sorted(theirs).join('\0') ? null : 'different elements (compared as a multiset)';
});

export const unorderedPairs: ReplyRule = unlessError((ours, theirs) => {
  if (ours.type !== theirs.type || ours.head !== theirs.head || ours.items.length % 2 !== 0) return exact(ours, theirs);
  const pairs = (node: RespNode): string[] => {
    const out: string[] = [];
    for (let i = 0; i < node.items.length; i += 2) out.push(node.items[i].raw.toString('latin1') + '\0' + node.items[i + 1].raw.toString('latin1'));
    return out.sort();
  };
  return pairs(ours).join('\0\0') === pairs(theirs).join('\0\0') ? null : 'different pairs (compared as a multiset of pairs)';
});

export const scanPage: ReplyRule = unlessError((ours, theirs) => {
  const shaped = (node: RespNode): boolean =>
    node.type === '*' && node.items.length === 2 && node.items[0].type === '$' && node.items[1].type === '*';
  if (!shaped(ours) || !shaped(theirs)) return exact(ours, theirs);
  const ended = (node: RespNode): boolean => node.items[0].data?.toString('latin1') === '0';
  if (!ended(ours) || !ended(theirs)) return null;
  const keySet = (node: RespNode): string => [...new Set(node.items[1].items.map((k) => k.raw.toString('latin1')))].sort().join('\0');
  return keySet(ours) === keySet(theirs) ? null : 'the scan ended on both with different key sets';
});

/**
 * One HSCAN/SSCAN/ZSCAN page (inside MULTI, where the scan cannot be iterated): when both cursors
 * are 0 the page was the whole collection, compared as a set of elements (`pairs`: field/value or
 * member/score pairs); otherwise only the shape.
 */
export function memberScanPage(pairs: boolean): ReplyRule {
  return unlessError((ours, theirs) => {
    const shaped = (node: RespNode): boolean => node.type === '*' && node.items.length === 2 && node.items[0].type === '$' && node.items[1].type === '*';
    if (!shaped(ours) || !shaped(theirs)) return exact(ours, theirs);
    const ended = (node: RespNode): boolean => node.items[0].data?.toString('latin1') === '0';
    if (!ended(ours) || !ended(theirs)) return null;
    const elements = (node: RespNode): string => {
      const items = node.items[1].items.map((item) => item.raw.toString('latin1'));
      const out = new Set<string>();
      for (let i = 0; i < items.length; i += pairs ? 2 : 1) out.add(pairs ? items[i] + '\0' + items[i + 1] : items[i]);
      return [...out].sort().join('\0\0');
    };
    return elements(ours) === elements(theirs) ? null : 'the scan ended on both with different elements';
  });
}

export const hello: ReplyRule = unlessError((ours, theirs) => {
  if (ours.type !== theirs.type || ours.items.length !== theirs.items.length || ours.items.length % 2 !== 0) return exact(ours, theirs);
  for (let i = 0; i < ours.items.length; i += 2) {
    const field = ours.items[i].data?.toString('latin1');
    if (!ours.items[i].raw.equals(theirs.items[i].raw)) return `field ${i / 2} differs`;
    const [a, b] = [ours.items[i + 1], theirs.items[i + 1]];
    if (field === 'id' ? a.type !== b.type : !a.raw.equals(b.raw)) return `the value of ${field ?? `field ${i / 2}`} differs`;
  }
  return null;
});

export const randomPick: ReplyRule = unlessError((ours, theirs) => {
  if (isNil(ours) || isNil(theirs) || ours.type !== theirs.type || ours.items.length !== theirs.items.length) return exact(ours, theirs);
  return null;
});

export const randomKey: ReplyRule = unlessError((ours, theirs) => {
  if (isNil(ours) || isNil(theirs)) return exact(ours, theirs);
  return ours.type === '$' && theirs.type === '$' ? null : 'not both a key';
});

/**
 * Same structure and bytes, except numbers that are clock readings: one after the bulk string
 * "idle" or "seen-time", any of 10^11 or more (absolute ms), and the third element of XPENDING's
 * rows (`xpendingRows`: arrays of 4 starting with a bulk ID).
 */
export function withTimes(tolerance: number, xpendingRows = false): ReplyRule {
  const walk = (a: RespNode, b: RespNode, isTime: boolean): string | null => {
    if (a.type !== b.type || a.items.length !== b.items.length) return 'the shapes differ';
    if (a.type === ':' && (isTime || Number(b.head) >= 1e11)) {
      return Math.abs(Number(a.head) - Number(b.head)) <= tolerance ? null : `times ${a.head} and ${b.head} are more than ${tolerance} apart`;
    }
    if (a.items.length === 0) return a.raw.equals(b.raw) ? null : 'the bytes differ';
    const row = xpendingRows && a.type === '*' && a.items.length === 4 && a.items[0].type === '$';
    for (let i = 0; i < a.items.length; i++) {
      const previous = i > 0 ? a.items[i - 1].data?.toString('latin1') : undefined;
      const why = walk(a.items[i], b.items[i], (row && i === 2) || previous === 'idle' || previous === 'seen-time');
      if (why !== null) return why;
    }
    return null;
  };
  return unlessError((ours, theirs) => walk(ours, theirs, false));
}
