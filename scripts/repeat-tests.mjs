#!/usr/bin/env node
// Runs the test suite, or the named test files, several times to find tests that fail by chance.
//
//   npm run test:repeat -- [--runs N] [--load] [FILE...]
//
// FILE is a test source (test/engine/drop-ranges.test.ts) or its build (dist/test/...js); with no
// FILE the whole suite runs as `npm test` runs it (one uvu process), less coverage. --load keeps a
// busy loop on every core for the whole time, as a loaded CI machine would. Builds first. Prints
// each test that ever failed with its failure count and its first error, and exits non-zero if
// any did.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const args = process.argv.slice(2);
let runs = 5;
let load = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--runs') {
    runs = Number(args[++i]);
    if (!Number.isInteger(runs) || runs < 1) usage(`--runs needs a positive whole number, not ${args[i]}`);
  } else if (arg === '--load') load = true;
  else if (arg === '--help' || arg === '-h') usage();
  else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
  else files.push(toBuilt(arg));
}

function usage(problem) {
  if (problem !== undefined) console.error(problem);
  console.error('usage: npm run test:repeat -- [--runs N] [--load] [FILE...]');
  process.exit(problem === undefined ? 0 : 2);
}

/** test/x/y.test.ts -> dist/test/x/y.test.js; a built path stays as it is. */
function toBuilt(file) {
  const relative = path.relative(process.cwd(), path.resolve(file));
  if (relative.startsWith(`dist${path.sep}`)) return relative;
  return path.join('dist', relative.replace(/\.ts$/, '.js'));
}

const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// The CPU hog: one worker per core spinning until the runs are over.
const hogs = load
  ? Array.from({ length: os.availableParallelism() }, () => new Worker('for (;;) {}', { eval: true }))
  : [];

/** test name -> { count, firstError, file } */
const failures = new Map();
const started = Date.now();
let failedRuns = 0;

for (let run = 1; run <= runs; run++) {
  const runStarted = Date.now();
  const output = await runOnce();
  const found = parseFailures(output.text);
  if (found.length === 0 && output.code !== 0) {
    found.push({ file: '(the run)', name: `exited with code ${output.code} and no test failure`, error: output.text.slice(-2000) });
  }
  for (const f of found) {
    const key = `${f.file} :: ${f.name}`;
    const seen = failures.get(key);
    if (seen === undefined) failures.set(key, { count: 1, firstError: f.error });
    else seen.count++;
  }
  if (found.length > 0) failedRuns++;
  const summary = (output.text.match(/Total:\s+(\d+)[\s\S]*?Passed:\s+(\d+)/) ?? []).slice(1);
  console.log(
    `run ${run}/${runs}${load ? ' (loaded)' : ''}: ${found.length === 0 ? 'ok' : `${found.length} failed`}` +
      (summary.length === 2 ? `, ${summary[1]}/${summary[0]} passed` : '') +
      ` in ${((Date.now() - runStarted) / 1000).toFixed(0)} s`,
  );
  for (const f of found) console.log(`  failed: ${f.file} :: ${f.name}: ${f.error.split('\n')[0]}`);
}

for (const hog of hogs) await hog.terminate();

console.log(`\n${runs} run(s) in ${((Date.now() - started) / 1000).toFixed(0)} s, ${failedRuns} with failures${load ? ', every core loaded' : ''}`);
if (failures.size === 0) {
  console.log('no test failed');
} else {
  console.log('tests that failed:');
  for (const [key, { count, firstError }] of [...failures].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`\n  ${count}/${runs}  ${key}\n${firstError.split('\n').slice(0, 12).map((l) => `      ${l}`).join('\n')}`);
  }
}
process.exit(failures.size === 0 ? 0 : 1);

/** One run: uvu over the whole suite (one process, as npm test does) or over the named files. */
function runOnce() {
  const uvuArgs = files.length === 0 ? ['dist/test', '.*\\.test\\.js$'] : ['dist/test', `^(${files.map((f) => escape(path.relative('dist/test', f))).join('|')})$`];
  return new Promise((resolve) => {
    const child = spawn('npx', ['uvu', ...uvuArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    child.on('close', (code) => resolve({ code, text: stripAnsi(text) }));
  });
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/**
 * uvu prints a file's name on a line of its own, then its dots, then each failure as
 * `  FAIL  "name"` followed by the message and stack, indented.
 */
function parseFailures(text) {
  const found = [];
  let file = '(unknown file)';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\S+\.test\.js$/.test(line.trim()) && !line.startsWith(' ')) file = line.trim();
    const m = /^\s+FAIL\s+(?:\S+\s+)?"(.*)"\s*$/.exec(line);
    if (m === null) continue;
    const error = [];
    for (let j = i + 1; j < lines.length && j < i + 40 && !/^\s+FAIL\s/.test(lines[j]) && !/^\S/.test(lines[j]); j++) error.push(lines[j]);
    found.push({ file, name: m[1], error: error.join('\n').trim() });
  }
  return found;
}
