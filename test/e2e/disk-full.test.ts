/**
 * A real full disk: the server's data dir is a small tmpfs mounted in the test's own temp dir
 * (needs root; skipped with a printed reason otherwise). Writes that cannot be made durable get
 * Redis' -MISCONF error, reads keep working, nothing acknowledged is lost, and writes resume once
 * space returns — without a restart.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mountTmpfs, RawClient, sleep, startServer } from './helpers.js';

test('full disk: -MISCONF for writes, reads go on, writes resume when space returns', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-full-'));
  const mnt = path.join(root, 'mnt');
  fs.mkdirSync(mnt);
  const skip = mountTmpfs(mnt, '16m');
  if (skip !== null) {
    console.log(`  skipped the real full-disk test: ${skip}`);
    fs.rmSync(root, { recursive: true, force: true });
    return;
  }
  const dir = path.join(mnt, 'data');
  const filler = path.join(mnt, 'filler');
  const server = await startServer({ dir, args: ['--appendfsync', 'always', '--memtable-size', '1mb'] });
  try {
    const client = await RawClient.connect(server.port);
    const acked: string[] = [];
    const value = 'v'.repeat(1000);
    for (let i = 0; i < 200; i++) {
      assert.is((await client.command('SET', `k${i}`, value)).toString(), '+OK\r\n');
      acked.push(`k${i}`);
    }
    // Take all but a sliver of what is left, then write until the disk refuses.
    const free = fs.statfsSync(mnt).bavail * fs.statfsSync(mnt).bsize;
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free - 64 * 1024)));
    let refused = '';
    let writer = await RawClient.connect(server.port);
    for (let i = 0; i < 2000 && refused === ''; i++) {
      try {
        const reply = (await writer.command('SET', `f${i}`, value)).toString();
        if (reply === '+OK\r\n') acked.push(`f${i}`);
        else refused = reply;
      } catch {
        // The write whose WAL append failed cannot be answered OK: its connection is closed.
        writer = await RawClient.connect(server.port);
      }
    }
    assert.match(refused, /^-MISCONF Errors writing to the AOF file: No space left on device\r\n$/);
    assert.is((await client.command('GET', 'k7')).toString(), `$1000\r\n${value}\r\n`, 'reads keep working');
    assert.match((await client.command('INFO', 'persistence')).toString(), /aof_last_write_status:err/);
    fs.rmSync(filler);
    let resumed = false;
    for (let i = 0; i < 50 && !resumed; i++) {
      await sleep(200);
      resumed = (await client.command('SET', 'after', 'yes')).toString() === '+OK\r\n';
    }
    assert.ok(resumed, 'writes resume once space returns');
    acked.push('after');
    client.socket.destroy();
    writer.socket.destroy();
    await server.stop({ keepDir: true });
    const again = await startServer({ dir });
    try {
      const check = await RawClient.connect(again.port);
      for (const key of acked) assert.not.equal((await check.command('EXISTS', key)).toString(), ':0\r\n', `acknowledged ${key} kept`);
      check.socket.destroy();
    } finally {
      await again.stop({ keepDir: true });
    }
  } finally {
    if (server.exitCode() === null) await server.kill();
    execFileSync('umount', [mnt]);
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
