import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError, DIRECTIVES, applyConfigText, configGet, configSet, defaultConfig, loadConfig, optionsToConfigText, parseMemory, rewriteConfigFile,
} from '../../src/config/config.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-config-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('defaults', () => {
  const c = defaultConfig();
  assert.is(c.port, 6379);
  assert.equal(c.bind, ['127.0.0.1', '-::1']);
  assert.is(c.databases, 16);
  assert.is(c.appendfsync, 'everysec');
  assert.is(c.protoMaxBulkLen, 512 * 1024 * 1024);
  assert.is(c.clientQueryBufferLimit, 1024 * 1024 * 1024);
  assert.is(c.requirepass, '');
  assert.is(c.protectedMode, true);
  assert.is(c.memtableSize, 64 * 1024 * 1024);
});

test('memory units as Redis memtoull', () => {
  assert.is(parseMemory('1k'), 1000);
  assert.is(parseMemory('1kb'), 1024);
  assert.is(parseMemory('2MB'), 2 * 1024 * 1024);
  assert.is(parseMemory('1g'), 1e9);
  assert.is(parseMemory('12'), 12);
  assert.is(parseMemory('1x'), null);
  assert.is(parseMemory(''), 0, 'no digits: strtoull gives 0, and redis-server 7.0 takes CONFIG SET maxmemory ""');
  assert.is(parseMemory('-1'), null, 'memtoull takes no sign');
  assert.is(parseMemory('-0'), null);
});

test('file syntax: comments, quotes, case-insensitive names', () => {
  const c = defaultConfig();
  applyConfigText(c, '# comment\n\nPORT 7000\nrequirepass "a b"\nbind 0.0.0.0 ::1\nappendfsync ALWAYS\nmemtable-size 4mb\n', 'x.conf');
  assert.is(c.port, 7000);
  assert.is(c.requirepass, 'a b');
  assert.equal(c.bind, ['0.0.0.0', '::1']);
  assert.is(c.appendfsync, 'always');
  assert.is(c.memtableSize, 4 * 1024 * 1024);
});

test('errors name the file and line', () => {
  const cases: Array<[string, number, string]> = [
    ['port 1\nfoo bar\n', 2, 'Bad directive or wrong number of arguments'],
    ['\n\nport abc', 3, "argument couldn't be parsed into an integer"],
    ['port 70000', 1, 'argument must be between 0 and 65535 inclusive'],
    ['protected-mode maybe', 1, "argument must be 'yes' or 'no'"],
    ['appendfsync sometimes', 1, 'argument(s) must be one of the following: everysec, always, no'],
    ['memtable-size lots', 1, 'argument must be a memory value'],
    ['requirepass "open', 1, 'Unbalanced quotes in configuration line'],
  ];
  for (const [text, line, detail] of cases) {
    try {
      applyConfigText(defaultConfig(), text, 'my.conf');
      assert.unreachable(`accepted ${JSON.stringify(text)}`);
    } catch (err) {
      assert.instance(err, ConfigError);
      const e = err as ConfigError;
      assert.is(e.source, 'my.conf');
      assert.is(e.line, line, text);
      assert.is(e.detail, detail);
      assert.ok(e.message.startsWith(`my.conf:${line}: `));
    }
  }
});

test('command-line directives override the file', () => {
  withTempDir((dir) => {
    const file = path.join(dir, 's.conf');
    writeFileSync(file, 'port 7000\nloglevel warning\n');
    const c = loadConfig(file, ['--port', '7001', '--requirepass', 'with space', '--bind', '127.0.0.1', '::1']);
    assert.is(c.port, 7001);
    assert.is(c.loglevel, 'warning');
    assert.is(c.requirepass, 'with space');
    assert.equal(c.bind, ['127.0.0.1', '::1']);
    try {
      loadConfig(file, ['--nonsense', '1']);
      assert.unreachable();
    } catch (err) {
      assert.is((err as ConfigError).source, '(command line)');
    }
  });
  assert.is(optionsToConfigText(['--port', '1', '--save', '']), 'port "1"\nsave ""');
});

test('CONFIG GET globs, CONFIG SET validates all-or-nothing', () => {
  const c = defaultConfig();
  assert.equal(configGet(c, ['port']), [['port', '6379']]);
  assert.equal(configGet(c, ['*max-len*']).map((p) => p[0]).sort(), ['acllog-max-len', 'slowlog-max-len'], 'Redis-only parameters too');
  assert.equal(configGet(c, ['PORT', 'port']), [['PORT', '6379']], 'an exact name answers as asked, once');
  assert.equal(configGet(c, ['lua*']), [['lua-time-limit', '5000']], 'a glob matches aliases');
  assert.equal(configGet(c, ['hash-max-*-entries']).map((p) => p[0]).sort(), ['hash-max-listpack-entries', 'hash-max-ziplist-entries']);
  assert.equal(configGet(c, ['watchdog*']), [], 'hidden parameters only by exact name');
  assert.equal(configGet(c, ['watchdog-period']), [['watchdog-period', '0']]);
  assert.equal(configGet(c, ['maxmemory-policy']), [['maxmemory-policy', 'noeviction']]);
  assert.is(configSet(c, [['maxmemory-policy', 'lru']], []), "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
  assert.is(configSet(c, [['maxmemory', '1gb'], ['maxmemory-clients', '10%']], []), null);
  assert.equal(configGet(c, ['maxmemory', 'maxmemory-clients']), [['maxmemory', '1073741824'], ['maxmemory-clients', '10%']]);
  assert.is(configSet(c, [['dir', '/tmp']], []), "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  assert.is(configSet(c, [['daemonize', 'yes']], []), "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
  assert.is(configSet(c, [['save', '100']], []), "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  assert.is(configSet(c, [['oom-score-adj-values', '0 x 800']], []), "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
  // Every name is checked before any value, as Redis' configSetCommand; a value error names the parameter as written, in lower case.
  assert.is(configSet(c, [['maxmemory', 'x'], ['IO-THREADS', '4']], []), "ERR CONFIG SET failed (possibly related to argument 'IO-THREADS') - can't set immutable config");
  assert.is(configSet(c, [['SLAVE-PRIORITY', 'x']], []), "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer");
  assert.is(configSet(c, [['replica-priority', '1'], ['slave-priority', '2']], []), null, 'an alias is a parameter of its own: not a duplicate');
  assert.equal(configGet(c, ['replica-priority']), [['replica-priority', '2']]);
  assert.is(configSet(c, [['oom-score-adj', 'relative']], []), null);
  assert.equal(configGet(c, ['oom-score-adj']), [['oom-score-adj', 'yes']], 'a synonym reads back as the first name');
  assert.is(configSet(c, [['slowlog-max-len', '-0']], []), "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument couldn't be parsed into an integer");
  assert.is(configSet(c, [['repl-timeout', '-9223372036854775808']], []), "ERR CONFIG SET failed (possibly related to argument 'repl-timeout') - argument must be between 1 and 2147483647 inclusive");
  assert.is(configSet(c, [['hz', '0']], []), null);
  assert.equal(configGet(c, ['hz']), [['hz', '1']], 'clamped to 1..500 as Redis');
  const changed: string[] = [];
  assert.is(configSet(c, [['maxclients', '5'], ['timeout', '10']], changed), null);
  assert.equal(changed, ['maxclients', 'timeout']);
  assert.is(c.maxclients, 5);
  assert.is(configSet(c, [['foo', '1']], []), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  assert.is(configSet(c, [['port', '1']], []), "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config");
  assert.is(configSet(c, [['timeout', '1'], ['maxclients', 'x']], []), "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer");
  assert.is(c.timeout, 10, 'nothing applied when one value is bad');
  assert.is(configSet(c, [['maxclients', '0']], []), "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive");
  assert.is(configSet(c, [['client-output-buffer-limit', 'normal 1mb 0 0']], []), null);
  assert.is(c.clientOutputBufferLimit.normal.hardBytes, 1024 * 1024);
});

test('CONFIG REWRITE keeps comments and places, appends the rest', () => {
  withTempDir((dir) => {
    const file = path.join(dir, 'r.conf');
    writeFileSync(file, '# my server\nport 7000\n# keep me\ntimeout 5\ntimeout 6\n');
    const c = loadConfig(file, []);
    configSet(c, [['timeout', '30'], ['loglevel', 'debug'], ['requirepass', 'p w']], []);
    rewriteConfigFile(c, file);
    const text = readFileSync(file, 'utf8');
    assert.is(text, '# my server\nport 7000\n# keep me\ntimeout 30\n\n# Generated by CONFIG REWRITE\nrequirepass "p w"\nloglevel debug\n');
    const again = loadConfig(file, []);
    assert.is(again.timeout, 30);
    assert.is(again.requirepass, 'p w');
  });
});

test('user lines are kept with their place; CONFIG REWRITE puts the users in the old lines\' places, then appends', () => {
  withTempDir((dir) => {
    const file = path.join(dir, 'u.conf');
    writeFileSync(file, 'user a on >x\nport 7000\nuser "b c" off\nuser d\n');
    const c = loadConfig(file, []);
    assert.equal(c.userLines.map((u) => [u.name, u.rules, u.line]), [['a', ['on', '>x'], 1], ['b c', ['off'], 3], ['d', [], 4]]);
    rewriteConfigFile(c, file, ['user a on #1', 'user default on nopass']);
    assert.is(readFileSync(file, 'utf8'), 'user a on #1\nport 7000\nuser default on nopass\n\n');
    rewriteConfigFile(c, file, ['user a', 'user b', 'user c']);
    assert.is(readFileSync(file, 'utf8'), 'user a\nport 7000\nuser b\n\n# Generated by CONFIG REWRITE\nuser c\n');
    assert.throws(() => loadConfig(undefined, ['--user']), /Bad directive or wrong number of arguments/);
  });
});

test('conf/stratakv.conf lists every directive with its default and loads cleanly', () => {
  const file = path.join(REPO, 'conf', 'stratakv.conf');
  const text = readFileSync(file, 'utf8');
  for (const d of DIRECTIVES) {
    const expected = d.name === 'dir' ? './data' : d.default;
    assert.ok(text.includes(`\n${d.name} ${expected}\n`), `${d.name} ${expected}`);
  }
  const c = loadConfig(file, []);
  assert.is(c.port, 6379);
  assert.is(c.dir, './data');
});

test.run();
