/**
 * Scripts under SIGKILL, appendfsync always: writers run EVAL scripts, and the same code as a
 * function (FCALL, its library loaded once before the first kill and so reloaded from disk after
 * each restart), that each make several writes (an INCR, a field in each of HASHES hashes, an
 * RPUSH to a log), and the server is killed
 * at a random moment, several times. Data is flushed to table files (a small memtable), the block
 * cache is cold after each restart and block reads all go to the thread pool
 * (STRATAKV_BLOCK_READS=async), so scripts wait for reads in the middle of their writes. After each
 * restart:
 * - a script is all or nothing: an id in the log has its field in every hash, and an id in any
 *   hash is in the log; the counter equals the log's length (one WAL record per script);
 * - every script acknowledged to its writer is there.
 * `SEED=n` replays a run's kill times.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient, sleep, startServer, type TestServer } from '../e2e/helpers.js';
import { mulberry32 } from '../support/prng.js';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);

const CYCLES = 5;
const WRITERS = 4;
const HASHES = 8;
/** Scripts each cycle waits for before its kill. */
const MIN_PER_CYCLE = 60;

/**
 * Writes, reads a padding key (a cold read after a restart: the script waits in the middle), then
 * writes the rest: without one WAL record per script, a kill during the wait would keep half.
 */
const SCRIPT = `
redis.call('incr', 'counter')
redis.call('hset', 'h:1', ARGV[1], 0)
local pad = redis.call('get', 'pad:' .. ARGV[2])
for i = 2, ${HASHES} do redis.call('hset', 'h:' .. i, ARGV[1], pad and #pad or 0) end
redis.call('rpush', 'log', ARGV[1])
return redis.call('llen', 'log')
`;

/** The same code as a function: its args table is named ARGV. */
const LIBRARY = `#!lua name=crash\nredis.register_function('crashfn', function(KEYS, ARGV)\n${SCRIPT}\nend)`;

function bulkArray(reply: Buffer): string[] {
  const parts = reply.toString('latin1').split('\r\n');
  const out: string[] = [];
  for (let i = 2; i < parts.length; i += 2) out.push(parts[i]);
  return out;
}

test(`appendfsync always: ${CYCLES} kills while scripts write; every script all or nothing, acknowledged ones kept`, async () => {
  // A seed replays the kill times.
  const rand = mulberry32(seed);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-scripting-crash-'));
  const acked = new Set<string>();
  const args = ['--appendfsync', 'always', '--memtable-size', '1mb'];
  const env = { STRATAKV_BLOCK_READS: 'async' };
  let server: TestServer = await startServer({ dir, args, env });
  try {
    // Padding that pushes data into table files, read by the scripts.
    const setup = await RawClient.connect(server.port);
    const pad = 'x'.repeat(2000);
    for (let i = 0; i < 1500; i++) await setup.command('SET', `pad:${i}`, pad);
    assert.is((await setup.command('FUNCTION', 'LOAD', LIBRARY)).toString(), '$5\r\ncrash\r\n');
    setup.close();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      let running = true;
      let done = 0;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        const c = await RawClient.connect(server.port);
        try {
          for (let n = 0; running; n++) {
            const id = `c${cycle}w${w}n${n}`;
            const rest = ['0', id, String((n * 37 + w) % 1500)];
            const reply = await (w % 2 === 0 ? c.command('EVAL', SCRIPT, ...rest) : c.command('FCALL', 'crashfn', ...rest));
            if (!reply.toString().startsWith(':')) throw new Error(`script failed: ${reply.toString()}`);
            acked.add(id);
            done++;
          }
        } catch {
          // the kill cut the connection
        } finally {
          c.close();
        }
      });
      while (done < MIN_PER_CYCLE) await sleep(5);
      await sleep(Math.floor(rand() * 50));
      await server.kill();
      running = false;
      await Promise.all(writers);
      server = await startServer({ dir, port: server.port, args, env });

      const c = await RawClient.connect(server.port);
      try {
        const log = bulkArray(await c.command('LRANGE', 'log', '0', '-1'));
        const inLog = new Set(log);
        assert.is(inLog.size, log.length, `seed ${seed}: an id logged twice`);
        assert.is((await c.command('GET', 'counter')).toString(), `$${String(log.length).length}\r\n${log.length}\r\n`, `seed ${seed}: counter vs log`);
        for (let i = 1; i <= HASHES; i++) {
          const fields = bulkArray(await c.command('HKEYS', `h:${i}`));
          assert.is(fields.length, log.length, `seed ${seed}: hash h:${i} has ${fields.length} fields, the log ${log.length} ids`);
          for (const f of fields) assert.ok(inLog.has(f), `seed ${seed}: ${f} in h:${i} but not in the log (half a script)`);
        }
        for (const id of acked) assert.ok(inLog.has(id), `seed ${seed}: acknowledged script ${id} lost`);
        // A failing FCALL would end its writer quietly (the catch above): both kinds must have run.
        for (const w of [0, 1]) assert.ok(log.some((id) => id.startsWith(`c${cycle}w${w}n`)), `seed ${seed}: no ${w === 0 ? 'EVAL' : 'FCALL'} in cycle ${cycle}`);
      } finally {
        c.close();
      }
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
