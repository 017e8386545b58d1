/**
 * Blocked pops under SIGKILL, appendfsync always: producers push unique elements one RPUSH at a
 * time, more consumers than producers wait in BLPOP / BRPOP / BLMOVE (so most elements are handed
 * to a client that was blocked when they arrived), and the server is killed at a random moment,
 * several times. After each restart:
 * - no element was both delivered to a consumer and still in the list (a served pop's reply
 *   leaves only once its write is durable);
 * - every element a BLMOVE delivered is in its destination list, and none delivered by BLPOP is;
 * - every element acknowledged to a producer was delivered, or is still in the list, or in the
 *   BLMOVE destination (moved by a BLMOVE whose reply the kill cut off), except at most one per
 *   BLPOP/BRPOP consumer per kill: a pop that became durable while its reply died with the server.
 *   No server can avoid that (it is why reliable queues use BLMOVE); more would be a lost push;
 * - nothing was delivered twice.
 * `SEED=n` replays a run's kill times.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient, encodeCommand, sleep, startServer, type TestServer } from '../e2e/helpers.js';
import { mulberry32 } from '../support/prng.js';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);

const CYCLES = 5;
const PRODUCERS = 3;
const CONSUMERS = 6;
const QUEUE = 'jobs';
const MOVED = 'taken';
/** Deliveries each cycle waits for before its kill. */
const MIN_PER_CYCLE = 40;
/** Consumers using BLPOP / BRPOP (the others BLMOVE): i % 3 !== 2. */
const POP_CONSUMERS = Array.from({ length: CONSUMERS }, (_, i) => i).filter((i) => i % 3 !== 2).length;

/** Parses a RESP2 reply of BLPOP/BRPOP ([key, element]) or BLMOVE (element): the element. */
function element(reply: Buffer): string {
  const text = reply.toString('latin1');
  const parts = text.split('\r\n');
  return text.startsWith('*') ? parts[4] : parts[1];
}

function listItems(reply: Buffer): string[] {
  const parts = reply.toString('latin1').split('\r\n');
  const out: string[] = [];
  for (let i = 2; i < parts.length; i += 2) out.push(parts[i]);
  return out;
}

test(`appendfsync always: ${CYCLES} kills while blocked consumers pop; nothing delivered twice, kept after delivery, or lost`, async () => {
  // A seed replays the kill times.
  const rand = mulberry32(seed);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-blocking-crash-'));
  const acked = new Set<string>();
  const delivered = new Map<string, string>(); // element -> how ('pop' | 'move')
  const failures: string[] = [];
  /** Acknowledged elements popped by a pop whose reply the kill cut off. */
  const poppedUnseen = new Set<string>();
  let servedWhileBlocked = 0;
  let server: TestServer = await startServer({ dir, args: ['--appendfsync', 'always'] });
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      let running = true;
      const deliveredBefore = delivered.size;
      const producers = Array.from({ length: PRODUCERS }, async (_, p) => {
        const c = await RawClient.connect(server.port);
        try {
          for (let n = 0; running; n++) {
            const value = `c${cycle}p${p}n${n}`;
            const reply = await c.command('RPUSH', QUEUE, value);
            if (!reply.toString('latin1').startsWith(':')) throw new Error(`RPUSH answered ${reply.toString('latin1')}`);
            acked.add(value);
            await sleep(1 + Math.floor(rand() * 3));
          }
        } catch {
          // the kill
        } finally {
          c.close();
        }
      });
      const consumers = Array.from({ length: CONSUMERS }, async (_, i) => {
        const c = await RawClient.connect(server.port);
        const command = i % 3 === 0 ? ['BLPOP', QUEUE, '0'] : i % 3 === 1 ? ['BRPOP', 'nothing', QUEUE, '0'] : ['BLMOVE', QUEUE, MOVED, 'LEFT', 'RIGHT', '0'];
        try {
          for (;;) {
            c.write(encodeCommand(command));
            const started = Date.now();
            const reply = await c.readReply(60_000);
            if (Date.now() - started > 2) servedWhileBlocked++;
            const value = element(reply);
            if (value === undefined || reply[0] === 0x2d) throw new Error(`${command[0]} answered ${reply.toString('latin1')}`);
            if (delivered.has(value)) failures.push(`${value} delivered twice`);
            delivered.set(value, command[0] === 'BLMOVE' ? 'move' : 'pop');
          }
        } catch (err) {
          // Once the kill is decided, a closed connection is expected.
          if (running) failures.push(`consumer ${i}: ${String(err)}`);
        } finally {
          c.close();
        }
      });
      // Some progress in every cycle, however loaded the machine, then a kill at a random moment.
      const progressBy = Date.now() + 15_000;
      while (delivered.size - deliveredBefore < MIN_PER_CYCLE && Date.now() < progressBy) await sleep(10);
      await sleep(Math.floor(rand() * 900));
      running = false;
      await server.kill();
      await Promise.all([...producers, ...consumers]);
      server = await startServer({ dir, port: server.port, args: ['--appendfsync', 'always'] });
      const check = await RawClient.connect(server.port);
      const remaining = listItems(await check.command('LRANGE', QUEUE, '0', '-1'));
      const moved = new Set(listItems(await check.command('LRANGE', MOVED, '0', '-1')));
      check.close();
      const left = new Set(remaining);
      if (left.size !== remaining.length) failures.push(`cycle ${cycle}: the list holds duplicates`);
      for (const value of remaining) if (delivered.has(value)) failures.push(`cycle ${cycle}: ${value} was delivered and is still in the list`);
      let cutOff = 0;
      for (const value of acked) {
        if (delivered.has(value) || left.has(value) || moved.has(value) || poppedUnseen.has(value)) continue;
        poppedUnseen.add(value);
        cutOff++;
      }
      if (cutOff > POP_CONSUMERS) failures.push(`cycle ${cycle}: ${cutOff} acknowledged elements are nowhere, more than the ${POP_CONSUMERS} pops the kill can cut off`);
      for (const [value, how] of delivered) {
        if (how === 'move' && !moved.has(value)) failures.push(`cycle ${cycle}: ${value} delivered by BLMOVE is not in ${MOVED}`);
        if (how === 'pop' && moved.has(value)) failures.push(`cycle ${cycle}: ${value} delivered by a pop is in ${MOVED}`);
      }
      if (failures.length > 0) break;
    }
  } finally {
    await server.stop({ keepDir: true });
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`    ${acked.size} pushes acknowledged, ${delivered.size} delivered (${servedWhileBlocked} after a wait), ${poppedUnseen.size} popped with the reply cut off by a kill, ${CYCLES} kills, SEED=${seed}`);
  assert.equal(failures.slice(0, 10), [], `SEED=${seed}`);
  assert.ok(delivered.size >= CYCLES * MIN_PER_CYCLE, `the consumers made progress (SEED=${seed})`);
  assert.ok(servedWhileBlocked > delivered.size / 2, `most pops were served after blocking (SEED=${seed})`);
});

test.run();
