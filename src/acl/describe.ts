/**
 * Users as text, the way Redis 7.0 prints them: ACL LIST lines (and the aclfile / CONFIG REWRITE
 * `user` lines, which are the same), and the fields of ACL GETUSER.
 *
 * Command rules are not kept as typed: like Redis, we describe the bitmap. Starting from +@all
 * (when the user may run future commands) or -@all, the category that best fits what is left is
 * applied, again and again (ACLDescribeSelectorCommandRules' loop), then single commands fix the
 * rest, then allowed first arguments. Single commands come in command table order; Redis emits
 * them in its dictionary's hash order, which differs from one process to the next.
 */
import { ACL_CATEGORIES } from '../command-table/schema.js';
import type { AclCatalog, AclCommand } from './catalog.js';
import { changeCategory } from './rules.js';
import { PERMISSION_ALL, PERMISSION_READ, Selector, type AclUser, type KeyPattern } from './users.js';

function patternText(p: KeyPattern): string {
  const prefix = p.permissions === PERMISSION_ALL ? '~' : p.permissions === PERMISSION_READ ? '%R~' : '%W~';
  return prefix + p.pattern;
}

/**
 * Whether Redis 7.0 has the command. The choice of categories counts only those: a category that
 * also holds commands newer than 7.0 (DIGEST, DELEX ... in @string) would otherwise weigh more
 * than in 7.0, and the same user would be described with its categories in another order than
 * redis-server 7.0 prints. The newer commands are still explained: the categories chosen apply to
 * them, and single rules fix whatever they leave different.
 */
function inRedis70(c: AclCommand): boolean {
  return /^(7\.0\.|[1-6]\.)/.test(c.entry.def.since);
}

/** How many commands of the category `bit` the bitmap allows and denies (ACLCountCategoryBitsForSelector). */
function countCategory(allowed: Uint8Array, counted: readonly AclCommand[], bit: number): { on: number; off: number } {
  let on = 0;
  let off = 0;
  for (const c of counted) {
    if ((c.categories & bit) === 0) continue;
    if (allowed[c.id] === 1) on++;
    else off++;
  }
  return { on, off };
}

/** The command rules of a selector: '+@all -debug', '-@all +@read +set' ... */
export function describeCommandRules(selector: Selector, catalog: AclCatalog): string {
  const additive = !selector.futureCommands;
  const rules: string[] = [additive ? '-@all' : '+@all'];
  // What the rules so far allow, and what is left to explain (with each category applied inverted).
  const fake = new Selector(false, catalog.size);
  fake.allowed.fill(additive ? 0 : 1);
  const temp = new Selector(false, catalog.size);
  temp.allowed.set(selector.allowed);
  const applied = new Set<number>();
  const counted = catalog.byId.filter(inRedis70);
  for (;;) {
    let best = -1;
    let minDiff = Number.MAX_SAFE_INTEGER;
    let maxSame = 0;
    for (let j = 0; j < ACL_CATEGORIES.length; j++) {
      if (applied.has(j)) continue;
      const { on, off } = countCategory(temp.allowed, counted, 1 << j);
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
        best = j;
        minDiff = diff;
        maxSame = same;
      }
    }
    if (best === -1) break;
    changeCategory(fake, catalog, 1 << best, additive);
    changeCategory(temp, catalog, 1 << best, !additive);
    rules.push((additive ? '+@' : '-@') + ACL_CATEGORIES[best]);
    applied.add(best);
  }
  const singles = (commands: readonly AclCommand[]): void => {
    for (const c of commands) {
      const mine = selector.allowed[c.id];
      if (mine !== fake.allowed[c.id]) {
        rules.push((mine === 1 ? '+' : '-') + c.fullName);
        fake.allowed[c.id] = mine;
        for (const sub of c.subcommands) fake.allowed[sub.id] = mine;
      }
      singles(c.subcommands);
      if (mine === 0) for (const arg of selector.firstArgs?.get(c.id) ?? []) rules.push(`+${c.fullName}|${arg}`);
    }
  };
  singles(catalog.commands);
  return rules.join(' ');
}

/** Key patterns as GETUSER shows them: '~*', or each pattern with its permission prefix. */
export function describeKeys(selector: Selector): string {
  return selector.allKeys ? '~*' : selector.patterns.map(patternText).join(' ');
}

export function describeChannels(selector: Selector): string {
  return selector.allChannels ? '&*' : selector.channels.map((c) => '&' + c).join(' ');
}

/** Redis' ACLDescribeSelector: keys, channels (resetchannels first unless all), command rules. */
export function describeSelector(selector: Selector, catalog: AclCatalog): string {
  const parts: string[] = [];
  if (selector.allKeys) parts.push('~*');
  else for (const p of selector.patterns) parts.push(patternText(p));
  if (selector.allChannels) parts.push('&*');
  else {
    parts.push('resetchannels');
    for (const c of selector.channels) parts.push('&' + c);
  }
  parts.push(describeCommandRules(selector, catalog));
  return parts.join(' ');
}

/** Flags in Redis' order (ACLUserFlags): on/off, nopass, skip-sanitize-payload, sanitize-payload. */
export function userFlags(user: AclUser): string[] {
  const flags = [user.enabled ? 'on' : 'off'];
  if (user.nopass) flags.push('nopass');
  if (user.sanitizePayload === 'skip') flags.push('skip-sanitize-payload');
  if (user.sanitizePayload === 'sanitize') flags.push('sanitize-payload');
  return flags;
}

/** Redis' ACLDescribeUser: what follows `user <name> ` in ACL LIST and in an ACL file. */
export function describeUser(user: AclUser, catalog: AclCatalog): string {
  let text = userFlags(user).map((f) => f + ' ').join('');
  for (const p of user.passwords) text += `#${p} `;
  for (const s of user.selectors) {
    const d = describeSelector(s, catalog);
    text += s.root ? d : ` (${d})`;
  }
  return text;
}
