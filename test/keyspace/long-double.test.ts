/**
 * INCRBYFLOAT arithmetic against replies recorded from redis-server 7.0.15 on x86-64 (long double).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addLongDouble, formatLongDouble, parseLongDouble } from '../../src/keyspace/long-double.js';

function incr(current: string, increment: string): string | undefined {
  const a = parseLongDouble(current);
  const b = parseLongDouble(increment);
  if (a === undefined || b === undefined) return undefined;
  const sum = addLongDouble(a, b);
  return sum === undefined ? undefined : formatLongDouble(sum);
}

/** [stored value, increment, Redis' reply] */
const RECORDED: [string, string, string][] = [
  ['10.50', '0.1', '10.6'],
  ['5.6', '-5', '0.6'],
  ['0', '0.1', '0.1'],
  ['0.1', '0.2', '0.3'],
  ['1', '1e-20', '1'],
  ['3.0', '0', '3'],
  ['-1.5', '1.5', '0'],
  ['5.0e3', '2.0e2', '5200'],
  ['1', '0x10', '17'],
  ['1', '0x1p-3', '1.125'],
  ['17', '1e-4940', '17'],
  ['123456789012345678', '1', '123456789012345679'],
  ['0.30000000000000004', '0.1', '0.40000000000000004'],
  ['-0.1', '0.1', '0'],
  ['1.7976931348623157e308', '-1.7976931348623157e308', '0'],
  ['2.5', '1e-17', '2.50000000000000001'],
  ['7', '-7.000000000000000000001', '0'],
  ['9.99999999999999999', '0.00000000000000001', '10'],
  ['1e-18', '0', '0'],
  ['-1e-18', '0', '0'],
  ['1.23456789012345678901234567890', '0', '1.23456789012345679'],
  [
    '1e308',
    '1e308',
    '199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096',
  ],
  [
    '5200',
    '1e400',
    '10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880',
  ],
];

test('results match redis-server byte for byte', () => {
  for (const [current, increment, expected] of RECORDED) {
    assert.is(incr(current, increment), expected, `${current} + ${increment}`);
  }
});

test('inputs Redis refuses as "not a valid float"', () => {
  for (const bad of ['', ' 1', '1 ', 'abc', '1e', '1e5000', '-1e5000', '1e-5000', 'nan', 'NaN', '0x', '.', '+', '1..2', '1e+']) {
    assert.is(parseLongDouble(bad), undefined, JSON.stringify(bad));
  }
  assert.is(parseLongDouble('x'.repeat(6000)), undefined);
});

test('accepted forms: signs, leading dot, trailing dot, exponents, hex, infinity', () => {
  for (const good of ['.5', '5.', '-.5e1', '+3', '0x1.8p3', 'inf', '-Infinity', '0e99999', '1e-4940']) {
    assert.ok(parseLongDouble(good) !== undefined, good);
  }
  assert.is(incr('0', '-.5e1'), '-5');
  assert.is(incr('0', '0x1.8p3'), '12');
});

test('infinite results are refused (Redis: increment would produce NaN or Infinity)', () => {
  assert.is(incr('1', 'inf'), undefined);
  assert.is(incr('1e4932', '1e4932'), undefined);
  assert.ok(incr('1e4932', '0') !== undefined);
});

test.run();
