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
    const library = "#!lua name=diskfull\nredis.register_function('writer', function() return redis.call('set', 'by-fn', '1') end)\n" +
      "redis.register_function{function_name='reader', callback=function() return redis.status_reply('fine') end, flags={'no-writes'}}";
    assert.is((await client.command('FUNCTION', 'LOAD', library)).toString(), '$8\r\ndiskfull\r\n');
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
    // Scripts and functions as Redis 7.0: a write inside a script is refused with MISCONF (the
    // script fails there); a script or function that declares it may write is refused before it
    // runs; read-only ones run.
    const misconf = 'MISCONF Errors writing to the AOF file: No space left on device';
    const evalWrite = (await client.command('EVAL', "return redis.call('set', 'in-script', '1')", '0')).toString();
    assert.match(evalWrite, new RegExp(`^-${misconf} script: [0-9a-f]{40}, on @user_script:1\\.\r\n$`));
    assert.is((await client.command('EVAL', "local r = redis.pcall('set', 'in-script', '1') return r['err']", '0')).toString(), `$${misconf.length}\r\n${misconf}\r\n`);
    assert.is((await client.command('EVAL', '#!lua\nreturn 1', '0')).toString(), `-${misconf}\r\n`);
    assert.is((await client.command('EVAL', "#!lua flags=no-writes\nreturn redis.call('strlen', 'k7')", '0')).toString(), ':1000\r\n');
    assert.is((await client.command('FCALL', 'writer', '0')).toString(), `-${misconf}\r\n`);
    assert.is((await client.command('FCALL', 'reader', '0')).toString(), '+fine\r\n');
    assert.is((await client.command('EXISTS', 'in-script')).toString(), ':0\r\n');
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
