/**
 * The differential tester's own parts, without servers: reply parsing and comparison rules, the
 * minimizer, sequence generation (seeded, no expiry short enough to race), the redis-cli lines
 * of a report, and every known difference's predicate against its own repro.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exact, hello, randomKey, scanPage, unordered, within } from './compare.js';
import { KNOWN_DIFFERENCES, knownDifference, reproMismatch } from './known-differences.js';
import { minimize } from './minimize.js';
import { cliLine, quoted } from './report.js';
import { parseReply } from './resp.js';
import { generateSequence, type Step } from './sequence.js';

const reply = (text: string) => parseReply(Buffer.from(text, 'latin1'));
const judge = (rule: typeof exact, ours: string, theirs: string) => rule(reply(ours), reply(theirs));

test('parseReply reads nested RESP2 and RESP3 replies and keeps each node\'s bytes', () => {
  const map = reply('%2\r\n$1\r\na\r\n*2\r\n:1\r\n_\r\n+b\r\n|1\r\n+k\r\n+v\r\n,1.5\r\n');
  assert.is(map.type, '%');
  assert.is(map.items.length, 4);
  assert.is(map.items[1].items[1].type, '_');
  assert.is(map.items[3].raw.toString('latin1'), '|1\r\n+k\r\n+v\r\n,1.5\r\n');
  assert.is(reply('$-1\r\n').data, null);
  assert.equal([...(reply('$3\r\na\r\n\r\n').data ?? [])], [0x61, 0x0d, 0x0a]);
  assert.throws(() => parseReply(Buffer.from(':1\r\n:2\r\n')));
});

test('comparison rules: tolerance, multisets, SCAN pages, HELLO, RANDOMKEY; errors always exact', () => {
  assert.is(judge(within(2), ':100\r\n', ':98\r\n'), null);
  assert.ok(judge(within(2), ':100\r\n', ':97\r\n'));
  assert.ok(judge(within(2), ':-1\r\n', ':-2\r\n'), 'no key and no expiry are exact');
  assert.ok(judge(within(2), '-ERR x\r\n', ':1\r\n'));
  assert.is(judge(unordered, '*2\r\n$1\r\na\r\n$1\r\nb\r\n', '*2\r\n$1\r\nb\r\n$1\r\na\r\n'), null);
  assert.ok(judge(unordered, '*2\r\n$1\r\na\r\n$1\r\na\r\n', '*2\r\n$1\r\na\r\n$1\r\nb\r\n'));
  assert.is(judge(scanPage, '*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n', '*2\r\n$1\r\n0\r\n*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nb\r\n'), null);
  assert.ok(judge(scanPage, '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n', '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nb\r\n'));
  assert.is(judge(scanPage, '*2\r\n$1\r\n7\r\n*1\r\n$1\r\na\r\n', '*2\r\n$1\r\n0\r\n*1\r\n$1\r\nb\r\n'), null, 'a page that does not end the scan');
  const helloOf = (id: number, version: string) => `%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$${version.length}\r\n${version}\r\n$2\r\nid\r\n:${id}\r\n`;
  assert.is(judge(hello, helloOf(1, '7.0.15'), helloOf(9, '7.0.15')), null);
  assert.ok(judge(hello, helloOf(1, '7.0.14'), helloOf(9, '7.0.15')));
  assert.is(judge(randomKey, '$1\r\na\r\n', '$1\r\nb\r\n'), null);
  assert.ok(judge(randomKey, '$-1\r\n', '$1\r\nb\r\n'));
});

test('minimize keeps exactly the steps the difference needs, and the differing one last', async () => {
  const steps: Step[] = Array.from({ length: 60 }, (_, i) => ({ kind: 'command', args: [Buffer.from(String(i))] }));
  const needed = new Set(['7', '23', '41']);
  let replays = 0;
  const reproduces = async (candidate: readonly Step[]): Promise<boolean> => {
    replays++;
    const kept = new Set(candidate.map((s) => (s.kind === 'command' ? s.args[0].toString() : 'restart')));
    return [...needed].every((n) => kept.has(n));
  };
  const last: Step = { kind: 'command', args: [Buffer.from('last')] };
  const result = await minimize(steps, last, reproduces, { deadline: Date.now() + 10_000, maxReplays: 1000 });
  assert.equal(result.map((s) => (s.kind === 'command' ? s.args[0].toString() : 'restart')), ['7', '23', '41', 'last']);
  assert.ok(replays < 200, `${replays} replays`);
});

test('sequences: the same seed gives the same bytes; one restart in the middle third when asked', () => {
  const options = { seed: 42, protocol: 2 as const, length: 300, restart: true };
  const flat = (steps: readonly Step[]) => steps.map((s) => (s.kind === 'command' ? Buffer.concat(s.args).toString('hex') : 'restart')).join('|');
  assert.is(flat(generateSequence(options).steps), flat(generateSequence(options).steps));
  const restarts = generateSequence(options).steps.flatMap((s, i) => (s.kind === 'restart' ? [i] : []));
  assert.is(restarts.length, 1);
  assert.ok(restarts[0] >= 100 && restarts[0] <= 201, String(restarts[0]));
  assert.not.ok(generateSequence({ ...options, restart: false }).steps.some((s) => s.kind === 'restart'));
});

test('no generated expiry is short enough to run out while a sequence runs', () => {
  const relative = new Map([['EX', 1], ['PX', 1000], ['SETEX', 1], ['PSETEX', 1000], ['EXPIRE', 1], ['PEXPIRE', 1000]]);
  for (let seed = 1; seed <= 2000; seed++) {
    for (const step of generateSequence({ seed, protocol: 2, length: 250, restart: false }).steps) {
      if (step.kind !== 'command') continue;
      const words = step.args.map((a) => a.toString('latin1').toUpperCase());
      // Where a relative expiry is: after the option (SET, GETEX), or the second argument.
      const positions = words[0] === 'SET' || words[0] === 'GETEX' ? words.flatMap((w, i) => (relative.has(w) && i > 1 ? [i + 1] : [])) : relative.has(words[0]) ? [2] : [];
      for (const at of positions) {
        const unit = relative.get(words[words[0] === 'SET' || words[0] === 'GETEX' ? at - 1 : 0]) ?? 1;
        const n = Number(words[at]);
        if (words[at] !== undefined && /^-?\d+$/.test(words[at]) && n > 0) assert.ok(n / unit >= 100, `seed ${seed}: ${words.join(' ')}`);
      }
    }
  }
});

test('report lines paste into redis-cli: bare words bare, anything else quoted with escapes', () => {
  assert.is(cliLine([Buffer.from('SET'), Buffer.from('k\x00\r\n\xff', 'latin1'), Buffer.from(''), Buffer.from('a b'), Buffer.from('"\\\'')]), 'SET "k\\x00\\r\\n\\xff" "" "a b" "\\"\\\\\'"');
  assert.is(quoted(Buffer.from('$3\r\nabc\r\n')), '"$3\\r\\nabc\\r\\n"');
});

test('every known difference has a reason, and its predicate claims its own repro (and no other entry does first)', () => {
  const ids = new Set<string>();
  for (const d of KNOWN_DIFFERENCES) {
    assert.not.ok(ids.has(d.id), `duplicate id ${d.id}`);
    ids.add(d.id);
    assert.ok(d.reason.length > 0 && d.repro.steps.length > 0, d.id);
    assert.is(knownDifference(reproMismatch(d.repro))?.id, d.id, d.id);
  }
});

test.run();
