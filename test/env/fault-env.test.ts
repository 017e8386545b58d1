import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaultInjectingEnv, injectedError } from '../../src/engine/env/fault-env.js';
import { NodeEnv } from '../../src/engine/env/node-env.js';

let dir = '';
test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-env-'));
});
test.after.each(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const rejection = <T>(promise: Promise<T>): Promise<NodeJS.ErrnoException | null> =>
  promise.then(
    () => null,
    (error: unknown) => error as NodeJS.ErrnoException,
  );

test('NodeEnv: appends land in call order, append mode continues at the end', async () => {
  const env = new NodeEnv();
  const file = path.join(dir, 'a.log');
  const writable = await env.openWritable(file, 'truncate');
  const writes = ['one ', 'two ', 'three ', 'four'].map((part) => writable.append(bytes(part)));
  assert.is(writable.size, 18, 'size counts pending appends');
  await writable.sync();
  await Promise.all(writes);
  await writable.close();
  assert.is(fs.readFileSync(file, 'latin1'), 'one two three four');

  const again = await env.openWritable(file, 'append');
  assert.is(again.size, 18);
  await again.append(bytes('!'));
  await again.close();
  assert.is(fs.readFileSync(file, 'latin1'), 'one two three four!');

  const emptied = await env.openWritable(file, 'truncate');
  await emptied.close();
  assert.is(env.fileSize(file), 0);
});

test('NodeEnv: random access reads, short at the end of the file', async () => {
  const env = new NodeEnv();
  const file = path.join(dir, 'r.dat');
  fs.writeFileSync(file, '0123456789');
  const reader = env.openRandomAccess(file);
  assert.is(reader.size, 10);
  assert.is((await reader.read(2, 3)).toString(), '234');
  assert.is(reader.readSync(7, 3).toString(), '789');
  assert.is((await reader.read(8, 10)).toString(), '89');
  assert.is(reader.readSync(10, 4).length, 0);
  reader.close();
  assert.throws(() => env.openRandomAccess(path.join(dir, 'missing')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
});

test('NodeEnv: directory and file housekeeping', async () => {
  const env = new NodeEnv();
  const nested = path.join(dir, 'x', 'y');
  env.mkdirp(nested);
  env.mkdirp(nested);
  const a = path.join(nested, 'a');
  fs.writeFileSync(a, 'abcdef');
  await env.truncate(a, 2);
  assert.is(env.readFileSync(a).toString(), 'ab');
  await env.rename(a, path.join(nested, 'b'));
  assert.equal(env.readdir(nested), ['b']);
  assert.not.ok(env.exists(a));
  await env.unlink(path.join(nested, 'b'));
  await env.unlink(path.join(nested, 'b')); // missing is fine
  await env.syncDir(nested);
  assert.equal(env.readdir(nested), []);
});

test('dropUnsyncedData cuts files back to what was synced; never-synced files become empty', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const synced = path.join(dir, 'synced.log');
  const never = path.join(dir, 'never.log');
  const a = await env.openWritable(synced, 'truncate');
  await a.append(bytes('durable'));
  await a.sync();
  await a.append(bytes(' lost'));
  const b = await env.openWritable(never, 'truncate');
  await b.append(bytes('all lost'));
  assert.is(fs.readFileSync(synced, 'latin1'), 'durable lost', 'the OS has the bytes before the power loss');
  assert.is(env.durableLength(synced), 7);
  await env.dropUnsyncedData();
  assert.is(fs.readFileSync(synced, 'latin1'), 'durable');
  assert.is(fs.readFileSync(never, 'latin1'), '');
  assert.is((await rejection(a.append(bytes('x'))))?.code, 'EIO', 'handles do not survive the power loss');
  await a.close();
  await b.close();
});

test('pre-existing data opened for append counts as durable; renames carry the state', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const old = path.join(dir, 'old');
  fs.writeFileSync(old, 'existing');
  const file = await env.openWritable(old, 'append');
  await file.append(bytes('+new'));
  await file.close();
  await env.rename(old, path.join(dir, 'renamed'));
  await env.dropUnsyncedData();
  assert.is(fs.readFileSync(path.join(dir, 'renamed'), 'latin1'), 'existing');
});

test('failNextSync fails exactly one matching sync, failSyncs fails all until off', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const log = await env.openWritable(path.join(dir, '000001.log'), 'truncate');
  const other = await env.openWritable(path.join(dir, 'other'), 'truncate');
  await log.append(bytes('abc'));
  env.failNextSync('.log', injectedError('ENOSPC', 'custom'));
  await other.sync(); // does not match
  assert.is((await rejection(log.sync()))?.code, 'ENOSPC');
  assert.is(env.durableLength(log.path), 0, 'a failed sync makes nothing durable');
  await log.sync();
  assert.is(env.durableLength(log.path), 3);

  env.failSyncs(true);
  assert.is((await rejection(log.sync()))?.code, 'EIO');
  assert.is((await rejection(env.syncDir(dir)))?.code, 'EIO');
  env.failSyncs(false);
  await log.sync();
  await env.syncDir(dir);
  assert.is(env.syncCount, 5);
  assert.is(env.dirSyncCount, 2);
  await log.close();
  await other.close();
});

test('failWrites rejects appends without writing until turned off', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const file = await env.openWritable(path.join(dir, 'f'), 'truncate');
  env.failWrites(injectedError('ENOSPC', 'disk full'));
  const error = await rejection(file.append(bytes('nope')));
  assert.is(error?.code, 'ENOSPC');
  assert.is(file.size, 0);
  env.failWrites(null);
  await file.append(bytes('yes'));
  await file.close();
  assert.is(fs.readFileSync(file.path, 'latin1'), 'yes');
  assert.is(env.writeCount, 2);
});

test('tearNextAppend keeps a prefix of one append, then the "crashed" env refuses writes and syncs', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const file = await env.openWritable(path.join(dir, 't'), 'truncate');
  const second = await env.openWritable(path.join(dir, 'u'), 'truncate');
  await file.append(bytes('whole '));
  await file.sync();
  env.tearNextAppend(3);
  assert.is((await rejection(file.append(bytes('partial'))))?.code, 'EIO');
  assert.is(fs.readFileSync(file.path, 'latin1'), 'whole par');
  assert.ok(env.crashed);
  assert.is((await rejection(file.append(bytes('more'))))?.code, 'EIO');
  assert.is((await rejection(second.append(bytes('elsewhere'))))?.code, 'EIO');
  assert.is((await rejection(file.sync()))?.code, 'EIO');
  await env.dropUnsyncedData();
  assert.not.ok(env.crashed, 'the reboot clears the crash');
  assert.is(fs.readFileSync(file.path, 'latin1'), 'whole ');
  const reopened = await env.openWritable(file.path, 'append');
  await reopened.append(bytes('again'));
  await reopened.close();
  assert.is(fs.readFileSync(file.path, 'latin1'), 'whole again');
  await second.close();
});

test.run();
