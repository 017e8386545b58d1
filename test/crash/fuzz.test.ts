/**
 * Protocol fuzzing against the real server (short version; bench/fuzz.ts runs 1 M frames):
 * seeded sessions of well-formed frames and fuzzed hash/set/sorted-set/list commands ending in a
 * malformed, truncated or random one, many connections at once, while a bystander client keeps writing and reading. Every malformed frame
 * must get Redis' exact protocol error and a close of that connection only; see fuzz-frames.ts.
 */
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, startServer } from '../e2e/helpers.js';
import { mulberry32 } from '../support/prng.js';
import { fuzzServer, handlerFailures, processMemory } from './fuzz-frames.js';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 20_000);

test('fuzzed frames: protocol errors close only the offending connection; the server and a bystander carry on', async () => {
  const seed = Number(process.env.FUZZ_SEED ?? (Date.now() % 1_000_000));
  const srv = await startServer();
  try {
    const report = await fuzzServer({ port: srv.port, seed, frames: FRAMES, concurrency: 16, maxBenign: 40 }, mulberry32(seed));
    const failures = report.failures.join('\n  ');
    assert.is(report.failures.length, 0, `seed ${seed} (replay with FUZZ_SEED=${seed}):\n  ${failures}`);
    assert.ok(report.frames >= FRAMES);
    assert.ok(report.bystanderRounds > 0, 'the bystander made progress during the run');
    assert.ok((report.errorsByKind.get('ERR Protocol error: invalid bulk length') ?? 0) > 0, 'the generator reaches the framer\'s checks');
    assert.ok((report.commands.get('ZADD') ?? 0) > 0 && (report.commands.get('ZRANDMEMBER') ?? 0) > 0, 'fuzzed collection commands were sent');
    assert.ok((report.errorsByKind.get('WRONGTYPE') ?? 0) > 0 && (report.errorsByKind.get('ERR syntax error') ?? 0) > 0, 'they reach the commands\' own checks');
    assert.equal(handlerFailures(srv.output()), [], 'no command threw inside the server');
    const c = await RawClient.connect(srv.port);
    assert.is((await c.command('PING')).toString(), '+PONG\r\n');
    // Only the bystander's connection may remain: every fuzz connection was closed by one side.
    const info = (await c.command('INFO', 'clients')).toString('latin1');
    assert.match(info, /connected_clients:1\r\n/);
    c.close();
    const mem = await processMemory(srv.process.pid ?? 0);
    assert.ok(mem.hwm < 512 * 1024 * 1024, `server peak RSS ${mem.hwm} bytes`);
    assert.is(srv.exitCode(), null, 'the server is still running');
  } catch (err) {
    console.error(`fuzz seed ${seed}`);
    throw err;
  } finally {
    await srv.stop();
  }
});

test('the protocol error reaches a client that keeps sending after its bad frame (lingering close)', async () => {
  const srv = await startServer();
  try {
    for (let round = 0; round < 60; round++) {
      const received = await new Promise<string>((resolve) => {
        const socket = net.connect(srv.port, '127.0.0.1');
        const chunks: Buffer[] = [];
        const junk = Buffer.alloc(64 * 1024, 'j');
        socket.on('connect', () => {
          // Writes still queued here when the server closes: without a lingering close its reset
          // fails them, and node then drops the reply it had not read yet.
          socket.write('*1\r\n$-1\r\n');
          for (let i = 0; i < 32; i++) socket.write(junk);
        });
        socket.on('data', (d: Buffer) => chunks.push(d));
        socket.on('error', () => { /* 'close' follows */ });
        socket.on('close', () => {
          resolve(Buffer.concat(chunks).toString('latin1'));
        });
      });
      assert.is(received, '-ERR Protocol error: invalid bulk length\r\n', `round ${round}`);
    }
  } finally {
    await srv.stop();
  }
});

test.run();
