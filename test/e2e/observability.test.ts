/**
 * Observability against the real server: INFO latencystats (Redis 7's per-command percentiles),
 * LATENCY LATEST / HISTORY / RESET / HISTOGRAM with latency-monitor-threshold, the engine's events
 * (flush, compaction) in the latency monitor, INFO's instantaneous rates and the fields tools read,
 * errorstats, and the verbose log's flush and compaction lines and the startup banner. Error texts
 * are compared with a real redis-server 7 when one is installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { RawClient, redisTest, sleep, startRedis, startServer, TestClients, type TestServer } from './helpers.js';

let srv: TestServer;
const clients = new TestClients();

function client(port = srv.port): Redis {
  return clients.connect({ port });
}

/** The `field:value` lines of an INFO reply, as redis_exporter reads them. */
function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (line === '' || line.startsWith('#') || colon < 0) continue;
    fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** latency_percentiles_usec_<cmd>:p50=1.003,p99=2.007 -> Map(cmd -> Map(label -> µs)). */
function latencyStats(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [field, value] of infoFields(text)) {
    const m = /^latency_percentiles_usec_(.+)$/.exec(field);
    if (m === null) continue;
    const values = new Map<string, number>();
    for (const part of value === '' ? [] : value.split(',')) {
      const pm = /^(p[\d.]+)=(\d+\.\d{3})$/.exec(part);
      assert.ok(pm, `percentile ${part} in ${field}`);
      values.set(pm[1], Number(pm[2]));
    }
    out.set(m[1], values);
  }
  return out;
}

type LatestEntry = [string, number, number, number];

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

test('INFO latencystats: one line per command called, Redis 7 format, growing with slower calls', async () => {
  const r = client();
  await r.config('RESETSTAT');
  for (let i = 0; i < 50; i++) await r.set(`lat:${i}`, 'v');
  await r.get('lat:1');
  await r.config('GET', 'latency-tracking');
  assert.not.ok((await r.info()).includes('# Latencystats'), 'not in the default sections, as Redis');
  const everything = await r.info('everything');
  assert.ok(everything.includes('\r\n# Latencystats\r\n'));
  assert.ok(everything.indexOf('# Errorstats') < everything.indexOf('# Latencystats') && everything.indexOf('# Latencystats') < everything.indexOf('# Cluster'), 'Redis\' section order');
  const stats = latencyStats(await r.info('latencystats'));
  for (const cmd of ['set', 'get', 'config|get', 'info']) assert.ok(stats.has(cmd), cmd);
  const set = stats.get('set') as Map<string, number>;
  assert.equal([...set.keys()], ['p50', 'p99', 'p99.9']);
  const [p50, p99, p999] = [...set.values()];
  assert.ok(p50 > 0 && p50 <= p99 && p99 <= p999, `${p50} <= ${p99} <= ${p999}`);

  // A 50 ms DEBUG SLEEP is at least 50,000 µs at p100, and LATENCY HISTOGRAM counts every call.
  await r.config('SET', 'latency-tracking-info-percentiles', '50 100');
  await r.call('DEBUG', 'SLEEP', '0');
  const before = latencyStats(await r.info('latencystats')).get('debug') as Map<string, number>;
  await r.call('DEBUG', 'SLEEP', '0.05');
  const after = latencyStats(await r.info('latencystats')).get('debug') as Map<string, number>;
  assert.equal([...after.keys()], ['p50', 'p100']);
  assert.ok((after.get('p100') as number) >= 50_000, `p100 ${after.get('p100')}`);
  assert.ok((after.get('p100') as number) > (before.get('p100') as number));
  const histogram = (await r.call('LATENCY', 'HISTOGRAM', 'debug', 'nosuch')) as [string, [string, number, string, number[]]];
  assert.is(histogram[0], 'debug');
  assert.equal([histogram[1][0], histogram[1][1], histogram[1][2]], ['calls', 2, 'histogram_usec']);
  const buckets = histogram[1][3];
  assert.is(buckets[buckets.length - 1], 2, 'cumulative counts end at the number of calls');
  assert.ok(buckets[buckets.length - 2] >= 50_000, 'the last bucket bound covers 50 ms');

  // The percentiles directive: CONFIG GET shows it as Redis prints it, bad values are refused.
  assert.equal(await r.config('GET', 'latency-tracking-info-percentiles'), ['latency-tracking-info-percentiles', '50 100']);
  await r.config('SET', 'latency-tracking-info-percentiles', '');
  assert.is(latencyStats(await r.info('latencystats')).get('set')?.size, 0);
  await r.config('SET', 'latency-tracking-info-percentiles', '50 99 99.9');

  // latency-tracking no: the title stays, the lines go (and stop growing); RESETSTAT forgets them.
  await r.config('SET', 'latency-tracking', 'no');
  assert.is(await r.info('latencystats'), '# Latencystats\r\n');
  await r.config('SET', 'latency-tracking', 'yes');
  await r.config('RESETSTAT');
  assert.equal([...latencyStats(await r.info('latencystats')).keys()], ['config|resetstat']);
});

test('LATENCY LATEST, HISTORY and RESET after latency-monitor-threshold and a DEBUG SLEEP', async () => {
  const r = client();
  await r.call('LATENCY', 'RESET');
  assert.equal(await r.config('GET', 'latency-monitor-threshold'), ['latency-monitor-threshold', '0']);
  await r.call('DEBUG', 'SLEEP', '0.05');
  assert.equal(await r.call('LATENCY', 'LATEST'), [], 'nothing is sampled while the threshold is 0');

  await r.config('SET', 'latency-monitor-threshold', '1');
  const start = Math.floor(Date.now() / 1000);
  await r.call('DEBUG', 'SLEEP', '0.05');
  const latest = (await r.call('LATENCY', 'LATEST')) as LatestEntry[];
  const command = latest.find((e) => e[0] === 'command');
  assert.ok(command, JSON.stringify(latest));
  const [, time, latency, max] = command;
  assert.ok(time >= start && time <= Math.floor(Date.now() / 1000) + 1, `time ${time}`);
  assert.ok(latency >= 50 && max >= latency, `latency ${latency}, max ${max}`);
  const history = (await r.call('LATENCY', 'HISTORY', 'command')) as Array<[number, number]>;
  assert.is(history.length, 1);
  assert.equal(history[0], [time, latency]);
  assert.equal(await r.call('LATENCY', 'HISTORY', 'no-such-event'), []);

  assert.is(await r.call('LATENCY', 'RESET', 'command', 'no-such-event'), 1);
  assert.not.ok(((await r.call('LATENCY', 'LATEST')) as LatestEntry[]).some((e) => e[0] === 'command'));
  assert.equal(await r.call('LATENCY', 'HISTORY', 'command'), []);
  await r.config('SET', 'latency-monitor-threshold', '0');
  assert.is(typeof (await r.call('LATENCY', 'RESET')), 'number');
  assert.equal(await r.call('LATENCY', 'LATEST'), []);
});

redisTest(test, 'LATENCY and the latency directives: replies and errors byte for byte as redis-server 7', async () => {
  const redis = await startRedis(['--enable-debug-command', 'yes']);
  if (redis === null) {
    console.log('  (redis-server not installed: comparison skipped)');
    return;
  }
  const ours = await RawClient.connect(srv.port);
  const theirs = await RawClient.connect(redis.port);
  try {
    const cases: string[][] = [
      ['LATENCY'],
      ['LATENCY', 'NOSUCH'],
      ['LATENCY', 'HISTORY'],
      ['LATENCY', 'LATEST', 'extra'],
      ['LATENCY', 'RESET', 'nothing-here'],
      ['LATENCY', 'HISTORY', 'nothing-here'],
      ['LATENCY', 'HISTOGRAM', 'nosuch'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 abc'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '101'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '-1'],
      ['CONFIG', 'SET', 'latency-monitor-threshold', '-1'],
      ['CONFIG', 'SET', 'latency-monitor-threshold', 'abc'],
      ['CONFIG', 'SET', 'latency-tracking', 'maybe'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '99.99 50.5'],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9'],
    ];
    for (const c of cases) {
      assert.is((await ours.command(...c)).toString(), (await theirs.command(...c)).toString(), c.join(' '));
    }
  } finally {
    ours.close();
    theirs.close();
    await redis.stop();
  }
});

test('INFO stats: instantaneous_ops_per_sec and kbps under load, as Redis computes them', async () => {
  const r = client();
  const load = client();
  let running = true;
  const writer = (async () => {
    while (running) {
      const p = load.pipeline();
      for (let i = 0; i < 200; i++) p.set(`ops:${i}`, 'x'.repeat(100));
      await p.exec();
    }
  })();
  let ops = 0;
  let inputKbps = 0;
  let outputKbps = 0;
  for (let i = 0; i < 40 && (ops === 0 || inputKbps === 0 || outputKbps === 0); i++) {
    await sleep(100);
    const fields = infoFields(await r.info('stats'));
    ops = Number(fields.get('instantaneous_ops_per_sec'));
    inputKbps = Number(fields.get('instantaneous_input_kbps'));
    outputKbps = Number(fields.get('instantaneous_output_kbps'));
    assert.match(fields.get('instantaneous_input_kbps') as string, /^\d+\.\d\d$/);
  }
  running = false;
  await writer;
  assert.ok(ops > 0, `instantaneous_ops_per_sec ${ops}`);
  assert.ok(inputKbps > 0 && outputKbps > 0, `kbps in ${inputKbps} out ${outputKbps}`);
});

test('INFO: memory, storage and errorstats fields tools read', async () => {
  const r = client();
  const fields = infoFields(await r.info('everything'));
  for (const name of ['used_memory_block_cache', 'used_memory_memtables', 'compaction_pending_bytes', 'write_stall_time_ms', 'write_slowdown_time_ms']) {
    assert.match(fields.get(name) ?? '', /^\d+$/, name);
  }
  assert.ok(Number(fields.get('used_memory_memtables')) > 0, 'the memtable holds the keys written above');
  for (const name of ['block_cache_hit_ratio', 'bloom_useful_ratio', 'bloom_false_positive_ratio']) {
    const v = fields.get(name) ?? '';
    assert.match(v, /^[01]\.\d{4}$/, name);
    assert.ok(Number(v) <= 1, name);
  }

  // An error inside EXEC is counted once (by its command, not again by EXEC); codes come sorted
  // whatever order they happened in (WRONGPASS first here).
  await r.config('RESETSTAT');
  await r.call('AUTH', 'nobody', 'wrong').catch(() => {});
  await r.set('obs:str', 'abc');
  const tx = await r.multi().incr('obs:str').set('obs:ok', '1').exec();
  assert.instance((tx as Array<[Error | null, unknown]>)[0][0], Error);
  await r.call('NOSUCHCOMMAND').catch(() => {});
  const after = infoFields(await r.info('everything'));
  assert.is(after.get('total_error_replies'), '3');
  assert.is(after.get('errorstat_ERR'), 'count=2');
  assert.is(after.get('errorstat_WRONGPASS'), 'count=1');
  assert.match(after.get('cmdstat_exec') ?? '', /,failed_calls=0$/);
  assert.match(after.get('cmdstat_incr') ?? '', /,failed_calls=1$/);
  await r.multi().set('obs:x', '1').call('NOSUCH').exec().catch(() => {});
  const codes = [...infoFields(await r.info('errorstats')).keys()];
  assert.equal(codes, ['errorstat_ERR', 'errorstat_EXECABORT', 'errorstat_WRONGPASS']);
});

test('engine events: flush and compaction in LATENCY, their verbose log lines, the startup banner', async () => {
  const engine = await startServer({ args: ['--memtable-size', '1mb', '--loglevel', 'verbose', '--latency-monitor-threshold', '1'] });
  try {
    const r = client(engine.port);
    const value = 'v'.repeat(200);
    // ~8 MiB through a 1 MiB memtable: several flushes, and L0 reaches its compaction trigger.
    for (let batch = 0; batch < 40; batch++) {
      const p = r.pipeline();
      for (let i = 0; i < 1000; i++) p.set(`ev:${batch}:${i}`, value);
      await p.exec();
    }
    let storage = infoFields(await r.info('storage'));
    for (let i = 0; i < 200 && (Number(storage.get('compactions')) === 0 || storage.get('compactions_running') !== '0'); i++) {
      await sleep(50);
      storage = infoFields(await r.info('storage'));
    }
    assert.ok(Number(storage.get('flushes')) >= 2, `flushes ${storage.get('flushes')}`);
    assert.ok(Number(storage.get('compactions')) >= 1, `compactions ${storage.get('compactions')}`);

    const latest = (await r.call('LATENCY', 'LATEST')) as LatestEntry[];
    const events = latest.map((e) => e[0]);
    assert.ok(events.includes('flush') && events.includes('compaction'), JSON.stringify(latest));
    for (const e of latest) assert.ok(e[2] >= 1 && e[3] >= e[2], JSON.stringify(e));
    const flushes = (await r.call('LATENCY', 'HISTORY', 'flush')) as Array<[number, number]>;
    assert.ok(flushes.length >= 1 && flushes.every(([t, ms]) => t > 0 && ms >= 1), JSON.stringify(flushes));

    const log = engine.output();
    assert.match(log, /- flushed memtable \(\d+ entries, \d+ bytes\) to L0 table \d+: \d+ bytes in \d+ ms\n/);
    assert.match(log, /- compacted \d+\+\d+ tables L0->L1: \d+ -> \d+ bytes, \d+ -> \d+ entries in \d+ ms\n/);
    assert.match(log, /# oO0OoO0OoO0Oo StrataKV is starting oO0OoO0OoO0Oo\n/);
    assert.match(log, /# StrataKV version=[\d.]+, redis_version=7\.0\.15, bits=\d+, node=v[\d.]+, pid=\d+, just started\n/);
    assert.ok(log.includes(`* Running mode=standalone, port=${engine.port}, dir=${engine.dir}, appendfsync=everysec, memtable-size=1048576,`), log);
  } finally {
    await engine.stop();
  }
});

test.run();
