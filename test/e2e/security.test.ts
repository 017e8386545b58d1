/**
 * Security defaults against the real server: loopback-only bind and protected mode out of the box,
 * requirepass enforced before every command but AUTH/HELLO/QUIT/RESET, passwords that never show
 * in MONITOR, SLOWLOG, INFO, CLIENT LIST or the log (CONFIG GET shows it, as Redis 7.0 does), and
 * rename-command to rename or disable commands.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { defaultConfig } from '../../src/config/config.js';
import { BIN, RawClient, freePort, runProcess, sleep, startServer } from './helpers.js';

const PASSWORD = 'Zq7-secret-\u00e9t\u00e9';
const NO_AUTH_COMMANDS = new Set(['auth', 'hello', 'quit', 'reset']);

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-security-'));
  tempDirs.push(dir);
  return dir;
}

test.after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

test('defaults: loopback-only bind, protected mode on, no password', async () => {
  const cfg = defaultConfig();
  assert.equal(cfg.bind, ['127.0.0.1', '-::1']);
  assert.is(cfg.protectedMode, true);
  assert.is(cfg.requirepass, '');
  // Started with no --bind at all (the e2e helper always passes one), it listens on loopback only.
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, '--port', String(port), '--dir', tempDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    for (let i = 0; i < 300 && !out.includes('Ready to accept'); i++) await sleep(20);
    assert.match(out, /Ready to accept connections tcp on 127\.0\.0\.1 -::1 port \d+/);
    const c = await RawClient.connect(port);
    assert.is((await c.command('CONFIG', 'GET', 'protected-mode')).toString(), '*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n');
    c.close();
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

test('requirepass: every command but AUTH/HELLO/QUIT/RESET answers -NOAUTH first', async () => {
  const srv = await startServer({ args: ['--requirepass', PASSWORD] });
  const io = new Redis({ port: srv.port, password: PASSWORD, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await io.connect();
    // COMMAND rows: [name, arity, flags, first, last, step, acl, tips, keyspecs, subcommands].
    const rows = (await io.call('COMMAND')) as unknown[][];
    const requests: string[][] = [];
    const filler = (arity: number, prefix: string[]): string[] => {
      const argc = arity > 0 ? arity : -arity;
      return [...prefix, ...Array.from({ length: Math.max(0, argc - prefix.length) }, () => 'x')];
    };
    for (const row of rows) {
      const name = String(row[0]);
      const subs = (row[9] ?? []) as unknown[][];
      if (subs.length === 0) requests.push(filler(Number(row[1]), [name]));
      for (const sub of subs) requests.push(filler(Number(sub[1]), String(sub[0]).split('|')));
    }
    assert.ok(requests.length > 100, `only ${requests.length} commands listed`);
    const c = await RawClient.connect(srv.port);
    let checked = 0;
    for (const argv of requests) {
      if (NO_AUTH_COMMANDS.has(argv[0])) continue;
      const reply = (await c.command(...argv)).toString();
      // As Redis (execCommandAbort): a refused EXEC says so as EXECABORT.
      // Redis checks protected commands (MODULE LOAD/LOADEX/UNLOAD with enable-module-command no) before authentication.
      const protectedCommand = argv[0] === 'module' && ['load', 'loadex', 'unload'].includes(argv[1]);
      const expected = argv[0] === 'exec' ? '-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n'
        : protectedCommand ? '-ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n'
          : '-NOAUTH Authentication required.\r\n';
      assert.is(reply, expected, argv.join(' '));
      checked++;
    }
    assert.ok(checked > 100);
    // SHUTDOWN and FLUSHALL above were refused: the server and the data are still there.
    assert.is(await io.ping(), 'PONG');
    // The four that need no password run (QUIT last: it closes the connection).
    assert.is((await c.command('RESET')).toString(), '+RESET\r\n');
    assert.match((await c.command('HELLO', '2')).toString(), /^-NOAUTH HELLO must be called with the client already authenticated/);
    assert.is((await c.command('AUTH', 'nope')).toString(), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    assert.is((await c.command('QUIT')).toString(), '+OK\r\n');
    c.close();
  } finally {
    io.disconnect();
    await srv.stop();
  }
});

test('passwords: only the exact bytes authenticate (prefix, extension, same length, case, UTF-8)', async () => {
  const srv = await startServer({ args: ['--requirepass', PASSWORD] });
  try {
    const c = await RawClient.connect(srv.port);
    const exact = Buffer.from(PASSWORD, 'utf8');
    const sameLength = Buffer.from(exact);
    sameLength[sameLength.length - 1] ^= 1;
    const wrong = [
      Buffer.alloc(0), exact.subarray(0, exact.length - 1), Buffer.concat([exact, Buffer.from('x')]), sameLength,
      Buffer.from(PASSWORD.toUpperCase(), 'utf8'), Buffer.from(PASSWORD, 'latin1'),
    ];
    for (const w of wrong) {
      assert.is((await c.command('AUTH', w)).toString(), '-WRONGPASS invalid username-password pair or user is disabled.\r\n', JSON.stringify(w.toString('latin1')));
      assert.is((await c.command('AUTH', 'default', w)).toString().slice(0, 10), '-WRONGPASS');
    }
    assert.is((await c.command('AUTH', 'someone', exact)).toString().slice(0, 10), '-WRONGPASS', 'no users but default');
    assert.is((await c.command('GET', 'k')).toString(), '-NOAUTH Authentication required.\r\n');
    assert.is((await c.command('AUTH', 'default', exact)).toString(), '+OK\r\n');
    assert.is((await c.command('GET', 'k')).toString(), '$-1\r\n');
    c.close();
  } finally {
    await srv.stop();
  }
});

test('the password never shows in MONITOR, SLOWLOG, INFO, CLIENT LIST or the log', async () => {
  const dir = tempDir();
  const logfile = path.join(dir, 'server.log');
  const next = 'N3w-' + PASSWORD;
  const srv = await startServer({ args: ['--requirepass', PASSWORD, '--loglevel', 'debug', '--logfile', logfile, '--slowlog-log-slower-than', '0'] });
  try {
    const monitor = await RawClient.connect(srv.port);
    assert.is((await monitor.command('AUTH', PASSWORD)).toString(), '+OK\r\n');
    assert.is((await monitor.command('MONITOR')).toString(), '+OK\r\n');
    const c = await RawClient.connect(srv.port);
    const addr = `127.0.0.1:${c.socket.localPort}`;
    await c.command('AUTH', 'wrong-guess');
    await c.command('AUTH', PASSWORD);
    await c.command('AUTH', 'default', PASSWORD);
    await c.command('AUTH', 'a', 'b', PASSWORD);
    await c.command('HELLO', '3', 'AUTH', 'default', PASSWORD, 'SETNAME', 'me');
    await c.command('hello', '2', 'setname', 'you');
    await c.command('HELLO', 'AUTH', 'default', PASSWORD);
    assert.is((await c.command('CONFIG', 'SET', 'requirepass', next)).toString(), '+OK\r\n');
    await c.command('AUTH', next);
    await c.command('ECHO', 'done');
    // The MONITOR lines of those commands, exactly as redis-server 7.0 prints them.
    const expected = [
      '"AUTH" "(redacted)"', '"AUTH" "(redacted)"', '"AUTH" "(redacted)" "(redacted)"', '"AUTH" "(redacted)" "(redacted)" "(redacted)"',
      '"HELLO" "3" "AUTH" "(redacted)" "(redacted)" "SETNAME" "me"', '"hello" "2" "setname" "you"',
      '"HELLO" "AUTH" "(redacted)" "(redacted)"', '"AUTH" "(redacted)"', '"ECHO" "done"',
    ];
    const seen: string[] = [];
    while (seen.length < expected.length) {
      const line = (await monitor.readReply()).toString();
      const m = /^\+\d+\.\d{6} \[0 ([^\]]+)\] (.*)\r\n$/.exec(line);
      assert.ok(m, line);
      assert.is(m[1], addr);
      seen.push(m[2]);
    }
    assert.equal(seen, expected);
    monitor.close();

    const slowlog = (await c.command('SLOWLOG', 'GET', '-1')).toString('latin1');
    assert.ok(slowlog.includes('(redacted)'));
    assert.match(slowlog, /\$6\r\nCONFIG\r\n\$3\r\nSET\r\n\$11\r\nrequirepass\r\n\$10\r\n\(redacted\)\r\n/);
    const info = (await c.command('INFO', 'everything')).toString('latin1');
    const clients = (await c.command('CLIENT', 'LIST')).toString('latin1');
    // Redis 7.0 would answer CONFIG GET requirepass with the password; the issue asks that it never
    // leave the server, so it is redacted (and a glob over all directives shows no secret either).
    assert.is((await c.command('CONFIG', 'GET', 'requirepass')).toString('utf8'), '*2\r\n$11\r\nrequirepass\r\n$10\r\n(redacted)\r\n');
    assert.not.ok((await c.command('CONFIG', 'GET', '*')).toString('latin1').includes(next), 'no directive shows the password');
    c.close();
    await srv.stop();
    const log = readFileSync(logfile, 'latin1') + srv.output();
    assert.ok(log.includes('User requested shutdown') || log.includes('Received SIGTERM'), 'the log was written');
    for (const secret of [PASSWORD, next, 'wrong-guess']) {
      for (const [where, text] of [['SLOWLOG', slowlog], ['INFO', info], ['CLIENT LIST', clients], ['log', log]]) {
        assert.not.ok(text.includes(Buffer.from(secret, 'utf8').toString('latin1')), `${secret} in ${where}`);
      }
    }
  } finally {
    await srv.stop();
  }
});

test('a mistyped requirepass is reported without its value', async () => {
  const result = await runProcess(process.execPath, [BIN, '--port', String(await freePort()), '--dir', tempDir(), '--requirepass', 'part-one', 'part-two']);
  assert.is(result.code, 1);
  const text = result.stdout + result.stderr;
  assert.match(text, /FATAL CONFIG FILE ERROR/);
  assert.match(text, /requirepass \(redacted\)/);
  assert.not.ok(text.includes('part-one') || text.includes('part-two'), text);
});

test('rename-command: renamed and disabled commands, errors at startup', async () => {
  const dir = tempDir();
  const conf = path.join(dir, 'stratakv.conf');
  writeFileSync(conf, [
    '# dangerous commands off for this deployment',
    'rename-command FLUSHALL ""',
    'rename-command config admin-cfg-7f3a',
    'rename-command SHUTDOWN ""',
    '',
  ].join('\n'));
  const srv = await startServer({ configFile: conf, args: ['--rename-command', 'flushdb', 'wipe-db'] });
  try {
    const c = await RawClient.connect(srv.port);
    assert.is((await c.command('SET', 'k', 'v')).toString(), '+OK\r\n');
    assert.is((await c.command('FLUSHALL')).toString(), "-ERR unknown command 'FLUSHALL', with args beginning with: \r\n");
    assert.is((await c.command('flushdb')).toString(), "-ERR unknown command 'flushdb', with args beginning with: \r\n");
    assert.is((await c.command('SHUTDOWN', 'NOSAVE')).toString(), "-ERR unknown command 'SHUTDOWN', with args beginning with: 'NOSAVE' \r\n");
    assert.is((await c.command('CONFIG', 'GET', 'port')).toString(), "-ERR unknown command 'CONFIG', with args beginning with: 'GET' 'port' \r\n");
    assert.is((await c.command('ADMIN-CFG-7F3A', 'GET', 'port')).toString(), `*2\r\n$4\r\nport\r\n$${String(srv.port).length}\r\n${srv.port}\r\n`);
    assert.is((await c.command('GET', 'k')).toString(), '$1\r\nv\r\n', 'nothing was flushed');
    assert.is((await c.command('wipe-db')).toString(), '+OK\r\n');
    assert.is((await c.command('GET', 'k')).toString(), '$-1\r\n');
    // CONFIG REWRITE (under its new name) keeps the rename lines.
    assert.is((await c.command('admin-cfg-7f3a', 'REWRITE')).toString(), '+OK\r\n');
    assert.match(readFileSync(conf, 'utf8'), /rename-command FLUSHALL ""\nrename-command config admin-cfg-7f3a\n/);
    c.close();
  } finally {
    await srv.stop();
  }
  for (const [args, message] of [
    [['--rename-command', 'no-such-cmd', 'x'], 'No such command in rename-command'],
    [['--rename-command', 'get', 'set'], 'Target command name already exists'],
    [['--rename-command', 'get'], 'Bad directive or wrong number of arguments'],
  ] as const) {
    const result = await runProcess(process.execPath, [BIN, '--port', String(await freePort()), '--dir', tempDir(), ...args]);
    assert.is(result.code, 1, args.join(' '));
    assert.ok((result.stdout + result.stderr).includes(message), result.stdout + result.stderr);
  }
});

test.run();
