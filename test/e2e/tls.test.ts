/**
 * TLS against the real server with certificates made here by the openssl CLI (a CA, a server
 * certificate for 127.0.0.1, a client certificate, and a client certificate from another CA),
 * exercised with `redis-cli --tls` and ioredis over TLS: TLS-only serving (port 0), the three
 * tls-auth-clients policies, requirepass over TLS, large values and pipelines, and startup errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { BIN, freePort, RawClient, runProcess, sleep, testRedis } from './helpers.js';

let certs: string;
const file = (name: string): string => path.join(certs, name);

async function openssl(args: string[]): Promise<void> {
  const r = await runProcess('openssl', args);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A CA, and `name`.crt/.key signed by it, with `ext` extensions. */
async function issue(ca: string, name: string, subject: string, ext: string): Promise<void> {
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject]);
  writeFileSync(file(`${name}.ext`), ext);
  await openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.crt`), '-CAkey', file(`${ca}.key`), '-CAcreateserial',
    '-out', file(`${name}.crt`), '-days', '2', '-extfile', file(`${name}.ext`)]);
}

async function makeCa(name: string): Promise<void> {
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '2', '-subj', `/CN=StrataKV test ${name}`]);
}

test.before(async () => {
  certs = mkdtempSync(path.join(os.tmpdir(), 'stratakv-tls-'));
  await Promise.all([makeCa('ca'), makeCa('rogue-ca')]);
  await Promise.all([
    issue('ca', 'server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'),
    issue('ca', 'client', '/CN=client', 'extendedKeyUsage=clientAuth\n'),
    issue('rogue-ca', 'rogue', '/CN=rogue', 'extendedKeyUsage=clientAuth\n'),
  ]);
});

test.after(() => {
  rmSync(certs, { recursive: true, force: true });
});

interface TlsServer {
  tlsPort: number;
  port: number;
  log(): string;
  stop(): Promise<void>;
}

/** Starts the server with TLS (and plain TCP unless port is 0); ready when it logs so. */
async function startTlsServer(extra: string[], plainPort = 0): Promise<TlsServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-tls-data-'));
  const tlsPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [BIN, '--port', String(plainPort), '--tls-port', String(tlsPort), '--bind', '127.0.0.1', '--dir', dir,
    '--tls-cert-file', file('server.crt'), '--tls-key-file', file('server.key'), '--tls-ca-cert-file', file('ca.crt'), '--loglevel', 'verbose', ...extra],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; !out.includes('Ready to accept connections tls'); i++) {
    if (child.exitCode !== null || i > 500) {
      await stop();
      throw new Error(`the TLS server did not start:\n${out}`);
    }
    await sleep(20);
  }
  return { tlsPort, port: plainPort, log: () => out, stop };
}

function cli(port: number, args: string[], withCert: 'client' | 'rogue' | null): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const auth = withCert === null ? [] : ['--cert', file(`${withCert}.crt`), '--key', file(`${withCert}.key`)];
  return runProcess('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--tls', '--cacert', file('ca.crt'), ...auth, ...args]);
}

function ioredis(port: number, withCert: 'client' | 'rogue' | null, password?: string): Redis {
  const tls = {
    ca: readFileSync(file('ca.crt')),
    ...(withCert === null ? {} : { cert: readFileSync(file(`${withCert}.crt`)), key: readFileSync(file(`${withCert}.key`)) }),
  };
  return testRedis({ host: '127.0.0.1', port, tls, password, lazyConnect: true });
}

/** Resolves with the first reply to PING, or the error that prevented it. */
async function pingOutcome(r: Redis): Promise<string> {
  r.on('error', () => { /* reported through the rejected command */ });
  try {
    await r.connect();
    return await r.ping();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    r.disconnect();
  }
}

test('tls-auth-clients yes, TLS only: redis-cli and ioredis with a client certificate; none or a foreign one is refused', async () => {
  const srv = await startTlsServer([]);
  try {
    assert.is((await cli(srv.tlsPort, ['PING'], 'client')).stdout, 'PONG\n');
    assert.is((await cli(srv.tlsPort, ['SET', 'greeting', 'héllo over tls'], 'client')).stdout, 'OK\n');
    assert.is((await cli(srv.tlsPort, ['GET', 'greeting'], 'client')).stdout, 'héllo over tls\n');
    assert.match((await cli(srv.tlsPort, ['INFO', 'server'], 'client')).stdout, /tcp_port:0\r?\n/);

    const noCert = await cli(srv.tlsPort, ['PING'], null);
    assert.not.ok(noCert.stdout.includes('PONG'), noCert.stdout);
    const rogue = await cli(srv.tlsPort, ['PING'], 'rogue');
    assert.not.ok(rogue.stdout.includes('PONG'), rogue.stdout);

    const r = ioredis(srv.tlsPort, 'client');
    await r.connect();
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'abcdefghij');
    assert.is(await r.set('big', big), 'OK');
    assert.ok((await r.getBuffer('big'))?.equals(big), 'a multi-record value survives TLS framing');
    const pipe = r.pipeline();
    for (let i = 0; i < 500; i++) pipe.incr('counter');
    const results = await pipe.exec();
    assert.equal(results?.[499], [null, 500]);
    r.disconnect();
    assert.match(await pingOutcome(ioredis(srv.tlsPort, null)), /^error: /);
    assert.match(await pingOutcome(ioredis(srv.tlsPort, 'rogue')), /^error: /);
    assert.match(srv.log(), /Error accepting a TLS client connection/);
  } finally {
    await srv.stop();
  }
});

test('tls-auth-clients optional with requirepass, plain TCP alongside: no certificate is fine, a foreign one is not', async () => {
  const plain = await freePort();
  const srv = await startTlsServer(['--tls-auth-clients', 'optional', '--requirepass', 'tls-pw'], plain);
  try {
    const refused = await cli(srv.tlsPort, ['GET', 'k'], null);
    assert.is(refused.stdout + refused.stderr, 'NOAUTH Authentication required.\n\n');
    assert.is((await cli(srv.tlsPort, ['-a', 'tls-pw', '--no-auth-warning', 'SET', 'k', 'v'], null)).stdout, 'OK\n');
    assert.is(await pingOutcome(ioredis(srv.tlsPort, null, 'tls-pw')), 'PONG');
    assert.is(await pingOutcome(ioredis(srv.tlsPort, 'client', 'tls-pw')), 'PONG');
    assert.match(await pingOutcome(ioredis(srv.tlsPort, 'rogue', 'tls-pw')), /^error: /);
    // The same data over plain TCP, with the same password rule.
    const c = await RawClient.connect(plain);
    assert.is((await c.command('GET', 'k')).toString(), '-NOAUTH Authentication required.\r\n');
    assert.is((await c.command('AUTH', 'tls-pw')).toString(), '+OK\r\n');
    assert.is((await c.command('GET', 'k')).toString(), '$1\r\nv\r\n');
    c.close();
  } finally {
    await srv.stop();
  }
});

test('tls-auth-clients no: no certificate asked for', async () => {
  const srv = await startTlsServer(['--tls-auth-clients', 'no']);
  try {
    assert.is((await cli(srv.tlsPort, ['PING'], null)).stdout, 'PONG\n');
    assert.is(await pingOutcome(ioredis(srv.tlsPort, null)), 'PONG');
  } finally {
    await srv.stop();
  }
});

test('TLS misconfiguration stops the start with a clear message', async () => {
  const port = String(await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-tls-bad-'));
  try {
    const cases: Array<[string[], RegExp]> = [
      [['--tls-port', port], /tls-cert-file is not set/],
      [['--tls-port', port, '--tls-cert-file', file('server.crt'), '--tls-key-file', file('missing.key')], /Failed to load tls-key-file .*missing\.key/],
      [['--tls-port', port, '--tls-cert-file', file('server.crt'), '--tls-key-file', file('client.key'), '--tls-auth-clients', 'no'], /Invalid TLS certificate\/key/],
      [['--tls-port', port, '--tls-cert-file', file('server.crt'), '--tls-key-file', file('server.key')], /tls-ca-cert-file must be specified/],
      [['--tls-auth-clients', 'maybe'], /argument\(s\) must be one of the following: yes, no, optional/],
    ];
    for (const [args, message] of cases) {
      const r = await runProcess(process.execPath, [BIN, '--port', '0', '--bind', '127.0.0.1', '--dir', dir, ...args]);
      assert.is(r.code, 1, args.join(' '));
      assert.match(r.stdout + r.stderr, message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
