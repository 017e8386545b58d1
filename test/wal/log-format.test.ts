import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CorruptionError } from '../../src/engine/errors.js';
import { EntryKind, type BatchOp } from '../../src/engine/types.js';
import { decodeBatch, encodeBatchInto, encodedBatchSize } from '../../src/engine/wal/batch-codec.js';
import {
  MAX_RECORD_PAYLOAD,
  RECORD_HEADER_SIZE,
  encodeRecord,
  encodeRecordInto,
  readLogRecords,
} from '../../src/engine/wal/log-format.js';

const payloads = [Buffer.from('first record'), Buffer.alloc(0), Buffer.from([0, 1, 2, 255, 0]), Buffer.alloc(300, 7)];

function logOf(records: Buffer[]): Buffer {
  return Buffer.concat(records.map((payload) => encodeRecord(payload)));
}

/** Start offset of every record in logOf(payloads), plus the end. */
function boundaries(records: Buffer[]): number[] {
  const offsets = [0];
  for (const payload of records) offsets.push(offsets[offsets.length - 1] + RECORD_HEADER_SIZE + payload.length);
  return offsets;
}

test('records round-trip, including an empty payload', () => {
  const result = readLogRecords(logOf(payloads));
  assert.is(result.damage, null);
  assert.is(result.records.length, payloads.length);
  payloads.forEach((payload, i) => assert.ok(result.records[i].equals(payload), `record ${i}`));
  assert.is(result.goodLength, boundaries(payloads)[payloads.length]);
});

test('encodeRecordInto packs records back to back into one buffer', () => {
  const expected = logOf(payloads);
  const target = Buffer.alloc(expected.length + 5, 0xee);
  let offset = 0;
  for (const payload of payloads) offset = encodeRecordInto(target, offset, payload);
  assert.is(offset, expected.length);
  assert.ok(target.subarray(0, offset).equals(expected));
  assert.is(target[offset], 0xee, 'nothing written past the returned offset');
});

test('an empty file has no records and no damage', () => {
  assert.equal(readLogRecords(Buffer.alloc(0)), { records: [], goodLength: 0, damage: null });
});

test('a cut at every byte is a torn tail after the last whole record', () => {
  const full = logOf(payloads);
  const starts = boundaries(payloads);
  for (let cut = 0; cut <= full.length; cut++) {
    const result = readLogRecords(full.subarray(0, cut));
    const whole = starts.filter((end) => end <= cut).length - 1;
    assert.is(result.records.length, whole, `cut ${cut}`);
    assert.is(result.goodLength, starts[whole], `cut ${cut}`);
    if (starts.includes(cut)) {
      assert.is(result.damage, null, `cut ${cut} on a record boundary`);
    } else {
      assert.is(result.damage?.kind, 'torn-tail', `cut ${cut}`);
      assert.is(result.damage?.offset, starts[whole], `cut ${cut}`);
    }
  }
});

test('a flipped bit is corruption in an inner record and a torn tail in the last one', () => {
  const full = logOf(payloads);
  const starts = boundaries(payloads);
  for (let record = 0; record < payloads.length; record++) {
    const isLast = record === payloads.length - 1;
    // Every bit of the checksum field, and of the payload when there is one.
    const positions: number[] = [];
    for (let b = starts[record]; b < starts[record] + 4; b++) positions.push(b);
    for (let b = starts[record] + RECORD_HEADER_SIZE; b < starts[record + 1]; b++) positions.push(b);
    for (const position of positions) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = Buffer.from(full);
        damaged[position] ^= 1 << bit;
        const result = readLogRecords(damaged);
        const where = `record ${record}, byte ${position}, bit ${bit}`;
        assert.is(result.records.length, record, where);
        assert.is(result.goodLength, starts[record], where);
        assert.is(result.damage?.kind, isLast ? 'torn-tail' : 'corrupt', where);
        assert.is(result.damage?.offset, starts[record], where);
      }
    }
  }
});

test('a length field that shrinks or grows within the file is corruption', () => {
  const full = logOf(payloads);
  for (const delta of [-1, 1, 5]) {
    const damaged = Buffer.from(full);
    damaged.writeUInt32LE(payloads[0].length + delta, 4);
    const result = readLogRecords(damaged);
    assert.is(result.damage?.kind, 'corrupt', `delta ${delta}`);
    assert.is(result.damage?.offset, 0);
    assert.is(result.records.length, 0);
  }
});

test('an impossible length is corruption, a length past the end of the file is a tear', () => {
  const full = logOf(payloads);
  const absurd = Buffer.from(full);
  absurd.writeUInt32LE(MAX_RECORD_PAYLOAD + 1, 4);
  assert.is(readLogRecords(absurd).damage?.kind, 'corrupt');

  const last = boundaries(payloads)[payloads.length - 1];
  const pastEnd = Buffer.from(full);
  pastEnd.writeUInt32LE(payloads[payloads.length - 1].length + 1, last + 4);
  const result = readLogRecords(pastEnd);
  assert.is(result.damage?.kind, 'torn-tail');
  assert.is(result.goodLength, last);
});

test('a zero-filled tail is a torn tail; zeros followed by data are corruption', () => {
  const full = logOf(payloads);
  for (const zeros of [1, 7, 8, 100]) {
    const result = readLogRecords(Buffer.concat([full, Buffer.alloc(zeros)]));
    assert.is(result.records.length, payloads.length, `${zeros} zeros`);
    assert.is(result.goodLength, full.length);
    assert.is(result.damage?.kind, 'torn-tail', `${zeros} zeros`);
  }
  const zerosThenData = Buffer.concat([full, Buffer.alloc(16), encodeRecord(Buffer.from('later'))]);
  const result = readLogRecords(zerosThenData);
  assert.is(result.damage?.kind, 'corrupt');
  assert.is(result.damage?.offset, full.length);
});

const sampleOps: BatchOp[] = [
  { kind: EntryKind.Put, key: 'plain', value: Buffer.from('value') },
  { kind: EntryKind.Delete, key: 'gone' },
  { kind: EntryKind.Put, key: '\x00\r\n\xff binary', value: Buffer.from([0, 13, 10, 255]) },
  { kind: EntryKind.Put, key: '', value: Buffer.alloc(0) },
  { kind: EntryKind.Put, key: 'k'.repeat(200), value: Buffer.alloc(20000, 0xab) },
];

test('batch codec round-trips binary keys, empty keys and values, big sequence numbers', () => {
  for (const firstSeq of [1, 0xffff_ffff, 0x1_0000_0001, Number.MAX_SAFE_INTEGER - 10]) {
    const size = encodedBatchSize(sampleOps);
    const buffer = Buffer.alloc(size + 3);
    assert.is(encodeBatchInto(buffer, 3, firstSeq, sampleOps), size + 3);
    const decoded = decodeBatch(buffer.subarray(3), 'x.log', 0);
    assert.is(decoded.firstSeq, firstSeq);
    assert.is(decoded.ops.length, sampleOps.length);
    sampleOps.forEach((op, i) => {
      const got = decoded.ops[i];
      assert.is(got.kind, op.kind);
      assert.is(got.key, op.key);
      if (op.kind === EntryKind.Put && got.kind === EntryKind.Put) assert.ok(got.value.equals(op.value), `value ${i}`);
    });
  }
  const empty = Buffer.alloc(encodedBatchSize([]));
  encodeBatchInto(empty, 0, 42, []);
  assert.equal(decodeBatch(empty, 'x.log', 0), { firstSeq: 42, ops: [] });
});

test('malformed batches raise CorruptionError naming file and offset', () => {
  const good = Buffer.alloc(encodedBatchSize(sampleOps));
  encodeBatchInto(good, 0, 7, sampleOps);
  const cases: Array<[string, Buffer]> = [
    ['short header', good.subarray(0, 11)],
    ['cut in an op', good.subarray(0, good.length - 1)],
    ['stray bytes', Buffer.concat([good, Buffer.from([1])])],
    ['unknown kind', (() => { const b = Buffer.from(good); b[12] = 9; return b; })()],
    ['huge count', (() => { const b = Buffer.from(good); b.writeUInt32LE(1_000_000, 8); return b; })()],
  ];
  for (const [name, payload] of cases) {
    try {
      decodeBatch(payload, '000042.log', 1234);
      assert.unreachable(name);
    } catch (error) {
      assert.instance(error, CorruptionError, name);
      const corruption = error as CorruptionError;
      assert.is(corruption.file, '000042.log', name);
      assert.is(corruption.offset, 1234, name);
    }
  }
});

test.run();
