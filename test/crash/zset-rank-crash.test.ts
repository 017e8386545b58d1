/**
 * The sorted-set rank index under SIGKILL: clients write to two sorted sets (ZADD of one to
 * forty members, ZINCRBY, ZREM, ZPOPMIN/MAX, ZREMRANGEBYRANK) with 8-member buckets, so buckets
 * split and merge all the time, and the server is killed at a random moment, several times, with
 * appendfsync everysec (the tail of the log may be lost: whatever survives must still agree).
 * After each kill the data directory is opened as the server would (recovering the log) and every
 * index record is checked against the members actually in its bucket (checkRankIndex); then the
 * server restarts and ZRANK of sampled members must equal their place in ZRANGE 0 -1.
 * `SEED=n` replays a run's kill times and commands.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient, sleep, startServer, type TestServer } from '../e2e/helpers.js';
import { mulberry32 } from '../support/prng.js';
import { checkRankIndexesOffline } from '../support/rank-index-check.js';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);
const CYCLES = 4;
const WRITERS = 3;
const KEYS = ['board:a', 'board:b'];
const ARGS = ['--appendfsync', 'everysec', '--zset-rank-bucket-size', '8'];

/** One random write over KEYS; adds outweigh removals so the sets grow to a few hundred members. */
function randomWrite(rand: () => number): Array<string | number> {
  const key = KEYS[Math.floor(rand() * KEYS.length)];
  const member = (): string => `p${Math.floor(rand() * 2000)}`;
  const score = (): number => Math.floor(rand() * 100);
  const r = rand();
  if (r < 0.5) {
    const out: Array<string | number> = ['ZADD', key];
    for (let i = rand() < 0.1 ? 40 : 1 + Math.floor(rand() * 3); i > 0; i--) out.push(score(), member());
    return out;
  }
  if (r < 0.65) return ['ZINCRBY', key, Math.floor(rand() * 21) - 10, member()];
  if (r < 0.85) return ['ZREM', key, member(), member()];
  if (r < 0.95) return [rand() < 0.5 ? 'ZPOPMIN' : 'ZPOPMAX', key, 1 + Math.floor(rand() * 3)];
  const start = Math.floor(rand() * 200);
  return ['ZREMRANGEBYRANK', key, start, start + Math.floor(rand() * 4)];
}

/** The members of a RESP2 array of bulk strings. */
function bulks(reply: Buffer): string[] {
  const parts = reply.toString('latin1').split('\r\n');
  const out: string[] = [];
  for (let i = 2; i < parts.length; i += 2) out.push(parts[i]);
  return out;
}

test(`rank index: ${CYCLES} SIGKILLs under sorted-set writes; every bucket count equals its members after each`, async () => {
  const rand = mulberry32(seed);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-rank-crash-'));
  let server: TestServer | null = null;
  let writes = 0;
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      server = await startServer({ dir, args: ARGS });
      // What the last kill left: each rank as ZRANGE orders the members.
      const check = await RawClient.connect(server.port);
      for (const key of KEYS) {
        const members = bulks(await check.command('ZRANGE', key, 0, -1));
        for (let i = 0; i < members.length; i += 1 + Math.floor(members.length / 20)) {
          assert.equal((await check.command('ZRANK', key, members[i])).toString(), `:${i}\r\n`, `SEED=${seed} cycle ${cycle}: ZRANK ${key} ${members[i]}`);
        }
      }
      check.close();
      let running = true;
      const port = server.port;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        const own = mulberry32(seed + cycle * 100 + w);
        const c = await RawClient.connect(port);
        try {
          while (running) {
            await c.command(...randomWrite(own));
            writes++;
          }
        } catch {
          // The kill cut the connection.
        } finally {
          c.close();
        }
      });
      await sleep(400 + rand() * 1500);
      running = false;
      await server.kill();
      await Promise.all(writers);
      server = null;
      const { problems, indexed } = await checkRankIndexesOffline(dir, KEYS);
      assert.equal(problems, [], `SEED=${seed} cycle ${cycle}`);
      if (cycle === CYCLES - 1) assert.ok(indexed > 0, `SEED=${seed}: no set got an index in ${writes} writes`);
    }
  } catch (error) {
    console.error(`failed with SEED=${seed}`);
    throw error;
  } finally {
    if (server !== null) await server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
