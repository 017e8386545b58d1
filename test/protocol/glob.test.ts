import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { globIsLiteral, globLiteralPrefix, globMatch, globMatcher, globMatchesAll } from '../../src/util/glob.js';

/** A direct transcription of Redis' recursive stringmatchlen semantics, as the oracle. */
function oracle(p: string, s: string, nocase: boolean): boolean {
  const low = (c: string): string => (c >= 'A' && c <= 'Z' ? c.toLowerCase() : c);
  let pi = 0;
  let si = 0;
  while (pi < p.length && si < s.length) {
    const c = p[pi];
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (oracle(p.slice(pi + 1), s.slice(k), nocase)) return true;
      return false;
    } else if (c === '?') {
      si++;
    } else if (c === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let match = false;
      for (;;) {
        if (pi >= p.length) { pi--; break; }
        if (p[pi] === '\\' && pi + 1 < p.length) { pi++; if (p[pi] === s[si]) match = true; }
        else if (p[pi] === ']') break;
        else if (pi + 2 < p.length && p[pi + 1] === '-') {
          let a = p.charCodeAt(pi); let b = p.charCodeAt(pi + 2);
          if (a > b) [a, b] = [b, a];
          let x = s.charCodeAt(si);
          if (nocase) { a = low(String.fromCharCode(a)).charCodeAt(0); b = low(String.fromCharCode(b)).charCodeAt(0); x = low(s[si]).charCodeAt(0); }
          pi += 2;
          if (x >= a && x <= b) match = true;
        } else if (nocase ? low(p[pi]) === low(s[si]) : p[pi] === s[si]) match = true;
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      let lit = c;
      if (c === '\\' && pi + 1 < p.length) { pi++; lit = p[pi]; }
      if (nocase ? low(lit) !== low(s[si]) : lit !== s[si]) return false;
      si++;
    }
    pi++;
    if (si === s.length) { while (p[pi] === '*') pi++; break; }
  }
  return pi === p.length && si === s.length;
}

test('basic patterns', () => {
  assert.not.ok(globMatch('*', ''), 'Redis: an empty subject matches only the empty pattern');
  assert.ok(globMatch('*', 'anything'));
  assert.not.ok(globMatch('', 'a'));
  assert.ok(globMatch('', ''));
  assert.ok(globMatch('h?llo', 'hello'));
  assert.not.ok(globMatch('h?llo', 'hllo'));
  assert.ok(globMatch('h*llo', 'heeeello'));
  assert.ok(globMatch('h[ae]llo', 'hallo'));
  assert.not.ok(globMatch('h[ae]llo', 'hillo'));
  assert.ok(globMatch('h[^e]llo', 'hallo'));
  assert.not.ok(globMatch('h[^e]llo', 'hello'));
  assert.ok(globMatch('h[a-b]llo', 'hbllo'));
  assert.ok(globMatch('h[b-a]llo', 'hallo'), 'reversed range');
  assert.ok(globMatch('a\\*b', 'a*b'));
  assert.not.ok(globMatch('a\\*b', 'axb'));
  assert.ok(globMatch('[\\]]', ']'));
  assert.ok(globMatch('[abc', 'b'), 'unterminated class');
  assert.ok(globMatch('user:*:name', 'user:42:name'));
  assert.ok(globMatch('*a*b*c*', 'xxaxxbxxcxx'));
  assert.not.ok(globMatch('*a*b*c*', 'xxaxxcxxbxx'));
  assert.ok(globMatch('HELLO', 'hello', true));
  assert.ok(globMatch('[A-C]x', 'bx', true));
  assert.ok(globMatch(Buffer.from([0x2a, 0xff]), Buffer.from([0x00, 0xff])), 'binary bytes');
});

test('pathological patterns stay fast', () => {
  const t0 = Date.now();
  assert.not.ok(globMatch('a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)));
  assert.ok(Date.now() - t0 < 1000);
});

test('matches the Redis oracle on random patterns (seeded)', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const alphabet = ['a', 'b', 'A', '*', '?', '[', ']', '^', '-', '\\', 'c'];
  const subjectChars = ['a', 'b', 'A', 'c', '-', ']', '*'];
  for (let i = 0; i < 20000; i++) {
    let p = '';
    const plen = rand(7);
    for (let j = 0; j < plen; j++) p += alphabet[rand(alphabet.length)];
    let s = '';
    const slen = rand(6);
    for (let j = 0; j < slen; j++) s += subjectChars[rand(subjectChars.length)];
    const nocase = rand(2) === 1;
    const expected = oracle(p, s, nocase);
    if (globMatch(p, s, nocase) !== expected) {
      assert.unreachable(`seed iteration ${i}: pattern ${JSON.stringify(p)} subject ${JSON.stringify(s)} nocase=${nocase}: expected ${expected}`);
    }
  }
});

test('helpers', () => {
  assert.ok(globMatchesAll('*'));
  assert.not.ok(globMatchesAll('***'));
  assert.not.ok(globMatchesAll('a*'));
  assert.is(globLiteralPrefix('user:*'), 'user:');
  assert.is(globLiteralPrefix('us\\*er?x'), 'us*er');
  assert.is(globLiteralPrefix('*x'), '');
  assert.ok(globIsLiteral('abc\\*'));
  assert.not.ok(globIsLiteral('ab[c]'));
});

test('globMatcher (ACL key patterns) answers as globMatch: literals, literal prefixes with stars, and the rest', () => {
  const patterns = ['app:*', 'app:**', '*', '**', '', 'a', 'app:', 'a*b', 'a?', '\\*x', '[a]*', 'k[0-9]', 'x\xff*'];
  const subjects = ['', 'a', 'app', 'app:', 'app:1', 'ab', 'a*b', 'axb', '*x', 'k5', 'x\xff', 'x\xffy', 'b'];
  for (const p of patterns) {
    const matches = globMatcher(p);
    for (const s of subjects) assert.is(matches(Buffer.from(s, 'latin1')), globMatch(p, s), `${JSON.stringify(p)} ~ ${JSON.stringify(s)}`);
  }
});

test.run();
