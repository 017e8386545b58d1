/**
 * The command table as data: what the registry derives from it (legacy key range, movablekeys,
 * ACL categories, dispatch bits, COMMAND DOCS argument trees), key extraction from Redis 7 key
 * specs of every kind, and the checks that stop a malformed table at startup.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allCommands } from '../../src/commands/index.js';
import {
  CommandTable, FLAG_DENIED_ON_WRITE_FAILURE, KEY_NEEDS_READ, KEY_NEEDS_WRITE, KeyRefs, FLAG_RUNS_IN_MULTI, FLAG_RUNS_TRANSACTION, FLAG_WHOLE_KEYSPACE, attachHandlers,
  type CommandEntry, type CommandSource,
} from '../../src/command-table/registry.js';
import { parseSyntax } from '../../src/command-table/docs.js';
import type { CommandDef, KeySpec } from '../../src/command-table/schema.js';
import { COMMAND_TABLE } from '../../src/command-table/index.js';

type Handler = () => void;
const noop: Handler = () => {};

const table = new CommandTable<unknown>();
for (const spec of allCommands) table.add(spec);

function entry(name: string): CommandEntry<unknown> {
  const [top, sub] = name.split('|');
  const e = sub === undefined ? table.lookupString(top) : table.lookupString(top)?.subcommands?.lookupString(sub);
  if (e === undefined) throw new Error(`no command ${name}`);
  return e;
}

function everyEntry(): Array<CommandEntry<unknown>> {
  return table.entries().flatMap((e) => [e, ...(e.subcommands?.entries() ?? [])]);
}

const argv = (...words: string[]): Buffer[] => words.map((w) => Buffer.from(w));

function source(name: string, keySpecs: KeySpec[], extra: Partial<CommandSource<Handler>> = {}): CommandSource<Handler> {
  return { name, arity: -2, flags: ['write'], group: 'generic', summary: '', since: '7.0.0', keySpecs, handler: noop, ...extra };
}

const range = (index: number, lastKey: number, step = 1, limit = 0): KeySpec =>
  ({ flags: ['RW', 'update'], begin: { index }, find: { lastKey, step, limit } });

test('the table joins every entry with a handler, and COMMAND INFO key ranges come from the key specs', () => {
  assert.is(table.size, COMMAND_TABLE.length, 'every entry of the table is a command');
  const triple = (name: string): number[] => {
    const r = entry(name).keyRange;
    return [r.first, r.last, r.step];
  };
  assert.equal(triple('get'), [1, 1, 1]);
  assert.equal(triple('mset'), [1, -1, 2]);
  assert.equal(triple('bitop'), [2, -1, 1], 'two specs, consecutive: one range');
  assert.equal(triple('rename'), [1, 2, 1]);
  assert.equal(triple('lcs'), [1, 2, 1]);
  assert.equal(triple('object|encoding'), [2, 2, 1]);
  assert.equal(triple('keys'), [0, 0, 0]);
  assert.equal(triple('sinterstore'), [1, -1, 1], 'a destination, then every other argument');
  assert.equal(triple('sintercard'), [0, 0, 0], 'keys found by a count');
  assert.equal(entry('sintercard').keyIndexes(argv('sintercard', '2', 'a', 'b', 'LIMIT', '1')), [2, 3]);
  assert.equal(entry('lmpop').keyIndexes(argv('lmpop', '2', 'a', 'b', 'LEFT', 'COUNT', '3')), [2, 3]);
  assert.equal(entry('blmpop').keyIndexes(argv('blmpop', '0', '2', 'a', 'b', 'LEFT')), [3, 4], 'numkeys after the timeout');
  assert.equal(entry('msetex').keyIndexes(argv('msetex', '2', 'a', '1', 'b', '2', 'EX', '10')), [2, 4], 'MSETEX (8.4): numkeys pairs, keys every other argument');
  assert.equal(triple('blpop'), [1, -2, 1], 'every argument but the timeout');
  assert.equal(entry('brpop').keyIndexes(argv('brpop', 'a', 'b', '0')), [1, 2]);
  assert.equal(triple('zunionstore'), [1, 1, 1], 'the destination alone: the sources are counted by numkeys');
  assert.equal(triple('zunion'), [0, 0, 0]);
  // SORT: the source alone in the triple; its unknown specs (BY/GET, STORE) are skipped, and its
  // keys are found as Redis' sortGetKeys finds them: the key, then the last STORE destination.
  assert.equal(triple('sort'), [1, 1, 1]);
  assert.equal(entry('sort').keyIndexes(argv('sort', 'a', 'STORE', 'b', 'BY', 'x', 'LIMIT', '0', '1', 'GET', 'y', 'STORE', 'c')), [1, 12]);
  assert.equal(entry('sort').keyIndexes(argv('sort', 'a', 'LIMIT', 'STORE', 'b')), [1], 'LIMIT skips two arguments');
  assert.equal(entry('sort').keyIndexes(argv('sort', 'a', 'STORE')), [1]);
  assert.equal(entry('sort_ro').keyIndexes(argv('sort_ro', 'a', 'STORE', 'b')), [1]);
  // movablekeys exactly where a key spec counts its keys (numkeys), looks for a keyword (GEORADIUS' STORE) or cannot find them (unknown), as Redis derives it.
  const movable = everyEntry().filter((e) => e.infoFlags.includes('movablekeys')).map((e) => e.fullName).sort();
  assert.equal(movable, ['blmpop', 'bzmpop', 'eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'fcall', 'fcall_ro', 'georadius', 'georadiusbymember', 'lmpop', 'migrate', 'msetex', 'sintercard', 'sort', 'sort_ro', 'xread', 'xreadgroup', 'zdiff', 'zdiffstore', 'zinter', 'zintercard', 'zinterstore', 'zmpop', 'zunion', 'zunionstore']);
  assert.equal(entry('georadius').keyIndexes(argv('georadius', 'k', '1', '2', '3', 'km', 'STORE', 'a', 'STOREDIST', 'b')), [1, 7, 9], 'STORE and STOREDIST by keyword, as COMMAND GETKEYS lists them');
  assert.equal(entry('migrate').keyIndexes(argv('migrate', 'h', '1', 'a', '0', '5', 'COPY')), [3]);
  assert.equal(entry('migrate').keyIndexes(argv('migrate', 'h', '1', '', '0', '5', 'REPLACE', 'KEYS', 'a', 'b')), [3, 8, 9], 'the empty key, then every key after KEYS');
  assert.equal(entry('xread').keyIndexes(argv('xread', 'COUNT', '1', 'STREAMS', 'a', 'b', '0', '$')), [4, 5], 'the first half after STREAMS');
  assert.equal(entry('xreadgroup').keyIndexes(argv('xreadgroup', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'a', 'b', '>', '>')), [7, 8], 'the first half after STREAMS');
});

test('ACL categories are derived as Redis derives them, in its order', () => {
  assert.equal(entry('get').aclCategories, ['@read', '@string', '@fast']);
  assert.equal(entry('del').aclCategories, ['@keyspace', '@write', '@slow']);
  assert.equal(entry('keys').aclCategories, ['@keyspace', '@read', '@slow', '@dangerous']);
  assert.equal(entry('ping').aclCategories, ['@fast', '@connection']);
  assert.equal(entry('client').aclCategories, ['@slow'], 'a container has only @slow');
  assert.equal(entry('client|list').aclCategories, ['@admin', '@slow', '@dangerous', '@connection']);
  assert.equal(entry('config|get').aclCategories, ['@admin', '@slow', '@dangerous']);
  assert.equal(entry('lastsave').aclCategories, ['@admin', '@fast', '@dangerous']);
  assert.equal(entry('exec').aclCategories, ['@slow', '@transaction']);
  assert.equal(entry('sort').aclCategories, ['@write', '@set', '@sortedset', '@list', '@slow', '@dangerous'], 'no @keyspace: withoutGroupCategory');
  assert.equal(entry('acl|whoami').aclCategories, ['@slow']);
  assert.equal(entry('acl|setuser').aclCategories, ['@admin', '@slow', '@dangerous']);
});

test('the access each key needs (what ACL key patterns must grant) comes from the key specs, and from the arguments for variable_flags', () => {
  const needs = (name: string, ...words: string[]): Array<[number, number]> => {
    const refs = new KeyRefs();
    entry(name).collectKeys(argv(name, ...words), refs);
    return refs.positions.slice(0, refs.count).map((p, i) => [p, refs.needs[i]]);
  };
  const R = KEY_NEEDS_READ;
  const W = KEY_NEEDS_WRITE;
  assert.equal(needs('get', 'k'), [[1, R]]);
  assert.equal(needs('exists', 'a', 'b'), [[1, 0], [2, 0]], 'RO without access: any pattern grants it');
  assert.equal(needs('copy', 'src', 'dst'), [[1, R], [2, W]]);
  assert.equal(needs('set', 'k', 'v'), [[1, W]], 'SET without GET only writes');
  assert.equal(needs('set', 'k', 'v', 'NX', 'get'), [[1, R | W]]);
  assert.equal(needs('bitfield', 'k', 'GET', 'u8', '0'), [[1, R]]);
  assert.equal(needs('bitfield', 'k', 'SET', 'u8', '0', '1'), [[1, R | W]]);
  assert.equal(needs('sort', 'k', 'STORE', 'd'), [[1, R], [3, W]]);
  assert.equal(needs('lmove', 'a', 'b', 'LEFT', 'RIGHT'), [[1, R | W], [2, W]]);
});

test('what the dispatcher and the redaction test comes from the table, for exactly the commands Redis singles out', () => {
  const named = (bit: number): string[] => everyEntry().filter((e) => (e.flagBits & bit) !== 0).map((e) => e.fullName).sort();
  assert.equal(named(FLAG_RUNS_IN_MULTI), ['discard', 'exec', 'multi', 'quit', 'reset', 'watch']);
  assert.equal(named(FLAG_RUNS_TRANSACTION), ['exec']);
  assert.equal(named(FLAG_WHOLE_KEYSPACE), ['copy', 'flushall', 'flushdb', 'move', 'sort', 'sort_ro', 'swapdb']);
  assert.equal(named(FLAG_DENIED_ON_WRITE_FAILURE), ['ping']);
  const redacted = everyEntry().filter((e) => e.redact !== null).map((e) => `${e.fullName}:${e.redact}`).sort();
  assert.equal(redacted, ['acl|setuser:after-subcommand', 'auth:all-args', 'config|set:sensitive-config', 'hello:after-auth', 'migrate:migrate-auth']);
});

test('key extraction: index and keyword starts, range (negative, step, limit) and keynum', () => {
  const t = new CommandTable<Handler>();
  const add = (s: CommandSource<Handler>): CommandEntry<Handler> => t.add(s);
  // ZUNIONSTORE-like: a destination, then numkeys keys.
  const zunionstore = add(source('zunionstore', [range(1, 0), { flags: ['RO', 'access'], begin: { index: 2 }, find: { keyNumIndex: 0, firstKey: 1, step: 1 } }]));
  assert.equal(zunionstore.keyIndexes(argv('zunionstore', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2')), [1, 3, 4]);
  assert.equal(zunionstore.keyIndexes(argv('zunionstore', 'd', 'x', 'a')), [], 'a count that is not a count: no keys');
  assert.equal(zunionstore.keyIndexes(argv('zunionstore', 'd', '5', 'a')), [1, 3], 'keys past the end are left out');
  assert.equal([zunionstore.keyRange.first, zunionstore.keyRange.last, zunionstore.keyRange.step], [1, 1, 1]);
  assert.ok(zunionstore.infoFlags.includes('movablekeys'));
  // XREAD-like: keys after STREAMS, half of what remains.
  const xread = add(source('xread', [{ flags: ['RO', 'access'], begin: { keyword: 'STREAMS', startFrom: 1 }, find: { lastKey: -1, step: 1, limit: 2 } }]));
  assert.equal(xread.keyIndexes(argv('xread', 'COUNT', '2', 'streams', 'a', 'b', '0', '0')), [4, 5]);
  assert.equal(xread.keyIndexes(argv('xread', 'COUNT', '2')), []);
  assert.equal([xread.keyRange.first, xread.keyRange.last, xread.keyRange.step], [0, 0, 0]);
  // A keyword looked for from the end.
  const fromEnd = add(source('fromend', [{ flags: ['RO'], begin: { keyword: 'KEYS', startFrom: -2 }, find: { lastKey: 0, step: 1, limit: 0 } }]));
  assert.equal(fromEnd.keyIndexes(argv('fromend', 'KEYS', 'x', 'keys', 'k')), [4]);
  // MSET-like step, and specs with a gap between them.
  const stepped = add(source('stepped', [range(1, -1, 2)]));
  assert.equal(stepped.keyIndexes(argv('stepped', 'a', '1', 'b', '2')), [1, 3]);
  const gap = add(source('gap', [range(1, 0), range(3, 0)]));
  assert.equal(gap.keyIndexes(argv('gap', 'a', 'x', 'b')), [1, 3]);
  assert.equal([gap.keyRange.first, gap.keyRange.last, gap.keyRange.step], [0, 0, 0], 'not one range: no legacy triple');
  const notKey = add(source('notkey', [{ ...range(1, 0), flags: ['RO', 'not_key'] }, range(2, 0)]));
  assert.equal(notKey.keyIndexes(argv('notkey', 'a', 'b')), [2]);
});

test('key specs found per key (GETKEYSANDFLAGS), and counts out of reach (GETKEYS gives up as Redis)', () => {
  const specs: KeySpec[] = [];
  assert.equal(entry('lmove').keyIndexes(argv('lmove', 'a', 'b', 'LEFT', 'RIGHT'), specs), [1, 2]);
  assert.equal(specs.map((s) => s.flags), [['RW', 'access', 'delete'], ['RW', 'insert']]);
  specs.length = 0;
  assert.equal(entry('sort').keyIndexes(argv('sort', 'a', 'STORE', 'b'), specs), [1, 3]);
  assert.equal(specs.map((s) => s.flags), [['RO', 'access'], ['OW', 'update']], "the STORE key gets the STORE spec's flags");
  assert.ok(entry('zunionstore').keysOutOfRange(argv('zunionstore', 'd', '2', 'a')), 'two keys counted, one given');
  assert.ok(entry('zunionstore').keysOutOfRange(argv('zunionstore', 'd', '0', 'a')), 'no keys counted');
  assert.ok(entry('eval').keysOutOfRange(argv('eval', 's', '2', 'a')));
  assert.not.ok(entry('zunionstore').keysOutOfRange(argv('zunionstore', 'd', '2', 'a', 'b')));
  assert.not.ok(entry('mset').keysOutOfRange(argv('mset', 'a', '1', 'b')));
});

test('a code-defined command may give a first/last/step triple, as Redis modules do', () => {
  const t = new CommandTable<Handler>();
  const e = t.add({ name: 'mymset', arity: -3, flags: ['write'], group: 'string', summary: '', since: '1.0.0', firstKey: 1, lastKey: -1, step: 2, handler: noop });
  assert.equal(e.keySpecs, [{ flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { lastKey: -1, step: 2, limit: 0 } }]);
  assert.equal([e.keyRange.first, e.keyRange.last, e.keyRange.step], [1, -1, 2]);
  assert.throws(() => t.add({ name: 'both', arity: 2, flags: [], group: 'string', summary: '', since: '1.0.0', firstKey: 1, lastKey: 1, step: 1, keySpecs: [range(1, 0)], handler: noop }), /not both/);
});

test('a malformed table stops the server at startup', () => {
  const def = (extra: Partial<CommandDef>): CommandDef => ({ name: 'cmd', arity: 2, flags: [], group: 'string', summary: '', since: '1.0.0', ...extra });
  assert.throws(() => attachHandlers([def({})], []), /'cmd' has no handler/);
  assert.throws(() => attachHandlers([def({})], [{ cmd: noop, other: noop }]), /handlers without a command table entry: other/);
  assert.throws(() => attachHandlers([def({})], [{ cmd: noop }, { cmd: noop }]), /two handlers for command 'cmd'/);
  const container = def({ name: 'box', arity: -2, subcommands: [def({ name: 'box|in' })] });
  assert.throws(() => attachHandlers([container], [{ box: noop, 'box|in': noop }]), /never runs itself/);
  assert.ok(new CommandTable<Handler>().add(attachHandlers([container], [{ 'box|in': noop }])[0]).subcommands?.lookupString('IN'));
  const add = (s: Partial<CommandSource<Handler>>): CommandEntry<Handler> => new CommandTable<Handler>().add({ ...def({}), handler: noop, ...s });
  assert.throws(() => add({ flags: ['wirte'] }), /unknown flag 'wirte'/);
  assert.throws(() => add({ group: 'strings' }), /unknown group 'strings'/);
  assert.throws(() => add({ keySpecs: [{ flags: ['RX' as 'RO'], begin: { index: 1 }, find: { lastKey: 0, step: 1, limit: 0 } }] }), /unknown key-spec flag 'RX'/);
  assert.throws(() => add({ args: 'key [NX | XX' }), /usage line "key \[NX \| XX": '\[' without '\]'/);
  assert.throws(() => add({ args: 'key' }), /names a key spec it does not have/);
  assert.throws(() => add({ name: 'a|b' }), /only subcommands/);
});

test('usage lines: marks, tokens on groups, optional collapsing, key spec numbering', () => {
  const [cond, get, limit, filter, id] = parseSyntax('[NX | XX]@condition^2.6.12 [GET]^6.2.0 [LIMIT (offset:integer count:integer)@offset_count]^6.2.0 (ip:port~2.8.12 | [SKIPME yes/no])@filter [ID (client-id:integer ...)@id]');
  assert.equal([cond.name, cond.type, cond.since, cond.optional], ['condition', 'oneof', '2.6.12', true]);
  assert.equal([get.name, get.type, get.token, get.since, get.optional], ['get', 'pure-token', 'GET', '6.2.0', true]);
  assert.equal([limit.name, limit.type, limit.token, limit.optional], ['offset_count', 'block', 'LIMIT', true]);
  assert.equal(limit.arguments?.map((a) => [a.name, a.type]), [['offset', 'integer'], ['count', 'integer']]);
  assert.equal(filter.arguments?.map((a) => [a.name, a.type, a.token, a.deprecatedSince, a.optional]), [['ip:port', 'string', undefined, '2.8.12', undefined], ['yes/no', 'string', 'SKIPME', undefined, true]]);
  assert.equal([id.type, id.token, id.arguments?.length, id.arguments?.[0].multiple], ['block', 'ID', 1, true], '(x) stays a block');
  const [ro] = parseSyntax('[GET (encoding offset:integer)@encoding_offset!multiple_token ...]');
  assert.equal([ro.multiple, ro.multipleToken, ro.optional, ro.token], [true, true, true, 'GET']);
  const keys = parseSyntax('key1:key key2:key#0 destination:key key ...');
  assert.equal(keys.map((a) => a.keySpecIndex), [0, 0, 1, 2]);
  assert.equal(parseSyntax('key @name ...').map((a) => [a.name, a.multiple]), [['name', true]], 'marks may stand alone');
  assert.throws(() => parseSyntax('@name key'), /'@name' follows nothing/);
  assert.throws(() => parseSyntax('key^x!sometimes'), /bad mark '!sometimes'/);
});

test.run();
