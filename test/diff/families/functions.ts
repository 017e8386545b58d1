/**
 * Redis 7 functions: FUNCTION LOAD [REPLACE] / DELETE / LIST / FLUSH / STATS / RESTORE and FCALL /
 * FCALL_RO, over a small pool of libraries (two names with two bodies each, one whose function
 * name collides with another library's, and code that fails to load in each of Redis' ways), so
 * sequences load, replace, delete and restore libraries and call their functions on the shared
 * keys whatever type the other families left there.
 *
 * FUNCTION LIST is compared with every aggregate sorted at every depth: Redis lists libraries, and
 * a library's functions, in the order of dicts its random hash seed shuffles. FUNCTION DUMP is
 * left out: redis-server LZF-compresses the code in it, StrataKV does not (both read both; the
 * e2e test moves payloads both ways). RESTORE payloads are built here in the plain form; one
 * with two libraries only restores with FLUSH, as APPEND and REPLACE name the library that
 * collides first in the order of Redis' hash.
 */
import type { ReplyRule } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';
import type { RespNode } from '../resp.js';
import { encodeFunctionsPayload } from '../../../src/scripting/dump-payload.js';

const lib = (name: string, ...functions: string[]): string => `#!lua name=${name}\n${functions.join('\n')}`;
const fn = (name: string, body: string, flags = ''): string =>
  `redis.register_function{function_name='${name}', callback=function(keys, args) ${body} end${flags === '' ? '' : `, flags={${flags}}`}}`;

const LIBRARIES: readonly string[] = [
  lib('dlib1',
    fn('d_get', "return redis.call('get', keys[1])", "'no-writes'"),
    fn('d_set', "return redis.call('set', keys[1], args[1])"),
    fn('d_incr', "return redis.call('incrby', keys[1], args[1])", "'allow-oom'")),
  lib('dlib1', fn('d_get', "return {redis.call('exists', keys[1]), redis.call('type', keys[1]).ok}", "'no-writes'")),
  lib('dlib2',
    fn('d_push', "redis.call('rpush', keys[1], unpack(args)) return redis.call('lrange', keys[1], 0, -1)"),
    fn('d_hash', "redis.call('hset', keys[1], args[1], args[2]) return redis.call('hget', keys[1], args[1])"),
    fn('d_keys', 'return {#keys, #args, keys[1], args[1]}', "'no-writes', 'allow-stale'")),
  lib('dlib2', fn('d_pcall', "local r = redis.pcall('incr', keys[1]) if type(r) == 'table' and r.err then return 'err:' .. r.err end return r")),
  // Function names taken by dlib1.
  lib('dlib3', fn('D_GET', 'return 1')),
  // Each fails to load, its own way.
  lib('dbad', 'return 1'),
  lib('dbad', "local s = string.rep('x', 2)"),
  lib('dbad', 'return ('),
  lib('dbad', fn('d-dash', 'return 1')),
  lib('dbad', "redis.register_function{function_name='x', callback=function() end, flags={'no-such-flag'}}"),
  '#!lua\nreturn 1',
  'return 1',
];

const NAMES = ['dlib1', 'dlib2', 'dlib3', 'dbad', 'DLIB1', 'nosuch'];
const FUNCTIONS = ['d_get', 'd_set', 'd_incr', 'd_push', 'd_hash', 'd_keys', 'd_pcall', 'D_GET', 'D_SET', 'nosuch'];

/** Every aggregate sorted at every depth (maps as flat key/value lists, which sorting keeps comparable). */
function canonical(node: RespNode): string {
  if (node.items.length === 0) return node.raw.toString('latin1');
  return `${node.type}${node.head}[${node.items.map(canonical).sort().join(',')}]`;
}

const deepUnordered: ReplyRule = (ours, theirs) => (canonical(ours) === canonical(theirs) ? null : 'different (compared with every aggregate sorted)');

function fcallArgs(g: Gen): Arg[] {
  const keys = Array.from({ length: g.int(3) }, () => g.key());
  const args = Array.from({ length: g.int(3) }, () => g.value());
  let numkeys = String(keys.length);
  if (g.chance(0.05)) numkeys = g.pick(['-1', 'x', '99']);
  return [g.pick(FUNCTIONS), numkeys, ...keys, ...args];
}

const commands: CommandSpec[] = [
  { name: 'FCALL', weight: 6, args: fcallArgs, truncateBelow: 2 },
  { name: 'FCALL_RO', weight: 3, args: fcallArgs, truncateBelow: 2 },
  {
    name: 'FUNCTION',
    weight: 4,
    args: (g) => {
      const code = g.pick(LIBRARIES);
      return g.pick<Arg[]>([
        ['LOAD', code],
        ['LOAD', 'REPLACE', code],
        ['DELETE', g.pick(NAMES)],
        ['LIST'],
        ['LIST', 'LIBRARYNAME', g.pick(['dlib*', 'DLIB?', '*2', 'x'])],
        ['LIST', 'WITHCODE'],
        ['STATS'],
        ['RESTORE', encodeFunctionsPayload([Buffer.from(g.pick(LIBRARIES))]), g.pick(['APPEND', 'REPLACE', 'FLUSH'])],
        // Two libraries only with FLUSH: on a collision Redis names the first library of a dict in hash order.
        ['RESTORE', encodeFunctionsPayload([Buffer.from(LIBRARIES[0]), Buffer.from(LIBRARIES[2])]), 'FLUSH'],
        g.chance(0.3) ? ['FLUSH', g.pick(['SYNC', 'ASYNC'])] : ['LIST', 'LIBRARYNAME'],
      ]);
    },
    subcommandRules: { LIST: deepUnordered },
    truncateBelow: 1,
  },
];

export const functions: Family = { name: 'functions', commands };
