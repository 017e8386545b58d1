/**
 * ACL: random ACL SETUSER rule strings (valid and not: every rule word, key and channel patterns
 * with and without permissions, selectors split over arguments, unbalanced parentheses and quotes,
 * bad hashes, unknown commands and categories, first args), then ACL GETUSER, LIST, USERS, DRYRUN
 * of random commands against the users made, CAT, DELUSER. Errors must be worded as Redis words
 * them, and users described the same.
 *
 * Users are named a few fixed names, never `default`: the sequence's own connection stays the
 * default user, allowed everything. Rules name only commands and categories both servers have
 * (StrataKV has no GEO, CLUSTER, MODULE, replication, MIGRATE/DUMP/RESTORE, LOLWUT, MEMORY: the
 * categories holding those would be described differently, see README "Access control").
 *
 * Compared exactly, except that ACL GETUSER and LIST list single-command rules in Redis'
 * dictionary order, which changes per process: each run of them is compared as a set. Commands
 * StrataKV serves beyond Redis 7.0 (DIGEST, DELEX, ... in @string) are left out of both sides of
 * those descriptions and of ACL CAT: redis-server 7.0 cannot name them.
 */
import { COMMAND_TABLE } from '../../../src/command-table/index.js';
import { exact, type ReplyRule } from '../compare.js';
import { isError } from '../resp.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

const USERS = ['alice', 'bob', 'carol', 'd@ve'];
const CATEGORIES = ['string', 'hash', 'list', 'set', 'sortedset', 'stream', 'pubsub', 'transaction', 'scripting', 'hyperloglog', 'bitmap', 'all', 'nosuch', 'STRING'];
const COMMANDS = ['get', 'set', 'GET', 'incr', 'hset', 'hget', 'lpush', 'rpop', 'sadd', 'zadd', 'xadd', 'publish', 'subscribe', 'eval', 'multi', 'exec',
  'config', 'config|get', 'config|set', 'client|list', 'object|encoding', 'select', 'flushall', 'keys', 'del', 'nosuchcmd', 'config|nosub', 'get|x|y'];
const PATTERNS = ['*', 'app:*', 'a?c', 'k[0-9]', '', 'x', 'news.*', 'a b', 'h\\*'];
const SINGLE_RULES = ['on', 'off', 'nopass', 'resetpass', 'reset', 'allkeys', 'resetkeys', 'allchannels', 'resetchannels', 'allcommands', 'nocommands',
  'clearselectors', 'sanitize-payload', 'skip-sanitize-payload', 'ON', 'foo', ''];

function rule(g: Gen): string {
  switch (g.int(12)) {
    case 0: return g.pick(SINGLE_RULES);
    case 1: return `${g.pick(['+', '-'])}@${g.pick(CATEGORIES)}`;
    case 2: return `${g.pick(['+', '-'])}${g.pick(COMMANDS)}`;
    case 3: return `+${g.pick(['select', 'get', 'config', 'config|get'])}|${g.pick(['0', '1', 'x', ''])}`;
    case 4: return `~${g.pick(PATTERNS)}`;
    case 5: return `%${g.pick(['R', 'W', 'RW', 'WR', 'r', 'RR', '', 'X'])}${g.chance(0.9) ? '~' : ''}${g.pick(PATTERNS)}`;
    case 6: return `&${g.pick(PATTERNS)}`;
    case 7: return `${g.pick(['>', '<'])}${g.pick(['pw', 'secret', ''])}`;
    case 8: return `${g.pick(['#', '!'])}${g.pick(['a'.repeat(64), '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8', 'A'.repeat(64), 'abc'])}`;
    case 9: return `(${Array.from({ length: g.int(4) }, () => rule(g)).join(' ')})`;
    case 10: return g.pick(['(~a', '+get)', '(', ')', '()', '(~"a b")', '(~a"b" +get)', '(+@all']);
    default: return `${g.pick(['+', '-'])}${g.pick(COMMANDS)}`;
  }
}

/**
 * Sorts each run of single-command rules in a reply's text (Redis prints them in hash order); the
 * e2e ACL test compares descriptions with it too.
 */
export function normalizeRules(text: string): string {
  const single = (t: string): boolean => /^[+-][^@]/.test(t);
  const lines = text.split('\r\n').map((line) => {
    const tokens = withoutNewerCommands(line.split(' '));
    for (let i = 0; i < tokens.length;) {
      if (!single(tokens[i])) {
        i++;
        continue;
      }
      let j = i;
      let closes = false;
      while (j < tokens.length && single(tokens[j])) {
        if (tokens[j].endsWith(')')) {
          tokens[j] = tokens[j].slice(0, -1);
          closes = true;
          j++;
          break;
        }
        j++;
      }
      const run = tokens.slice(i, j).sort();
      if (closes) run[run.length - 1] += ')';
      tokens.splice(i, j - i, ...run);
      i = j;
    }
    return tokens.join(' ');
  });
  // A bulk string's length line follows its text when tokens were left out.
  const original = text.split('\r\n');
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].length !== original[i].length && /^\$\d+$/.test(lines[i - 1]) && Number(lines[i - 1].slice(1)) === original[i].length) lines[i - 1] = `$${lines[i].length}`;
  }
  return lines.join('\r\n');
}

/** Every command and subcommand StrataKV serves that Redis 7.0 does not have (by `since`). */
export const NEWER_THAN_7_0: ReadonlySet<string> = new Set(
  COMMAND_TABLE.flatMap((c) => [c, ...(c.subcommands ?? [])]).filter((c) => !/^7\.0\.|^[1-6]\./.test(c.since)).map((c) => c.name),
);

/** Rule tokens without +cmd / -cmd of a command newer than 7.0 (a closing parenthesis moves to the token before). */
function withoutNewerCommands(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const closes = token.endsWith(')');
    const name = (closes ? token.slice(0, -1) : token).slice(1).toLowerCase();
    if ((token[0] === '+' || token[0] === '-') && NEWER_THAN_7_0.has(name)) {
      if (closes && out.length > 0) out[out.length - 1] += ')';
      continue;
    }
    out.push(token);
  }
  return out;
}

const describedRules: ReplyRule = (ours, theirs) => {
  if (isError(ours) || isError(theirs)) return exact(ours, theirs);
  return normalizeRules(ours.raw.toString('latin1')) === normalizeRules(theirs.raw.toString('latin1')) ? null : 'different rules (single commands compared as a set)';
};

/** ACL CAT: the categories, or a category's commands, as a set (without the commands newer than 7.0). */
const categoryListing: ReplyRule = (ours, theirs) => {
  if (isError(ours) || isError(theirs) || ours.type !== theirs.type) return exact(ours, theirs);
  const names = (node: typeof ours): string => node.items.map((item) => item.data?.toString('latin1') ?? '').filter((name) => !NEWER_THAN_7_0.has(name)).sort().join('\n');
  return names(ours) === names(theirs) ? null : 'different commands (compared as a set)';
};

/** A command for DRYRUN to judge: a name, maybe a subcommand, and keys or channels. */
function dryrunCommand(g: Gen): Arg[] {
  return g.pick<() => Arg[]>([
    () => ['get', g.pick(['app:1', 'x', 'k1', 'news.1'])],
    () => ['set', g.pick(['app:1', 'x', 'k1']), 'v', ...(g.chance(0.3) ? ['GET'] : [])],
    () => ['copy', g.pick(['app:1', 'x']), g.pick(['app:2', 'y'])],
    () => ['publish', g.pick(['news.1', 'x', '']), 'm'],
    () => ['subscribe', ...Array.from({ length: g.between(1, 3) }, () => g.pick(['news.1', 'x', 'news.*']))],
    () => ['psubscribe', g.pick(['news.*', 'x', '*'])],
    () => ['config', g.pick(['get', 'set', 'nosub']), 'maxclients', ...(g.chance(0.5) ? ['10'] : [])],
    () => ['select', g.pick(['0', '1'])],
    () => [g.pick(['ping', 'nosuchcmd', 'get', 'config'])],
    () => ['mset', 'app:1', 'v', g.pick(['app:2', 'x']), 'w'],
    () => ['object', 'encoding', g.pick(['app:1', 'x'])],
  ])();
}

/** The subcommands, each with how often it is drawn. */
const SUBCOMMANDS: ReadonlyArray<{ readonly weight: number; readonly args: (g: Gen) => Arg[] }> = [
  { weight: 6, args: (g) => ['SETUSER', g.pick(USERS), ...Array.from({ length: g.int(6) }, () => rule(g))] },
  { weight: 3, args: (g) => ['GETUSER', g.pick([...USERS, 'nobody'])] },
  { weight: 1, args: () => ['LIST'] },
  { weight: 1, args: () => ['USERS'] },
  { weight: 3, args: (g) => ['DRYRUN', g.pick([...USERS, 'nobody', 'default']), ...dryrunCommand(g)] },
  { weight: 0.5, args: (g) => ['DELUSER', ...Array.from({ length: g.between(1, 2) }, () => g.pick([...USERS, 'nobody']))] },
  { weight: 0.5, args: (g) => ['CAT', ...(g.chance(0.7) ? [g.pick(CATEGORIES)] : [])] },
  // No GENPASS: its password is random, and dropping its argument (a mutation the tester makes) leaves one to compare.
  { weight: 0.3, args: (g) => g.pick([['WHOAMI'], ['HELP'], ['NOSUCH'], ['WHOAMI', 'x']]) },
];

const commands: CommandSpec[] = [
  {
    name: 'ACL', weight: 4, args: (g) => g.weighted(SUBCOMMANDS).args(g),
    subcommandRules: { SETUSER: describedRules, GETUSER: describedRules, LIST: describedRules, CAT: categoryListing },
  },
];

export const acl: Family = { name: 'acl', commands };
