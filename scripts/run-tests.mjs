#!/usr/bin/env node
// Runs the uvu suite under c8 coverage and closes with one plain summary line
// ("tests: N passed, N failed, N skipped") that CI reads; exits non-zero on any failure.
//
// Each test file runs in its own node process (uvu files run themselves: `node file.test.js`),
// TEST_JOBS of them at a time (default: the number of CPUs, at most 4): most files wait on servers,
// sockets and child processes rather than on the CPU, so two at a time on a 2-core machine take
// far less wall-clock time than one after another. c8 collects the coverage of every process
// (it sets NODE_V8_COVERAGE, which the children inherit). A file's output is printed whole when it
// ends, with its duration, so parallel files do not interleave; the slowest files are listed last.
//
//   node scripts/run-tests.mjs [pattern]        pattern: a regular expression over the file paths
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = 'dist/test';

if (process.env.STRATAKV_TEST_WORKER !== '1') {
  // The parent: c8 around this script run again as the worker pool.
  // Coverage floor: raise it as tests grow (measured 97% lines, 90% branches when it was set).
  // A run of some files only (a pattern given) reports coverage without holding it to the floor.
  const floor = process.argv[2] === undefined ? ['--check-coverage', '--lines=90', '--branches=82', '--functions=90'] : [];
  const c8 = ['c8', '--reporter=text-summary', '--exclude=dist/test/**', '--exclude=dist/bench/**', ...floor];
  const child = spawn('npx', [...c8, process.execPath, process.argv[1], ...process.argv.slice(2)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, STRATAKV_TEST_WORKER: '1' },
  });
  let tail = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    tail = (tail + chunk.toString()).slice(-8000);
  });
  // c8 prints its coverage summary after the pool's: the summary line is repeated last.
  child.on('close', (code) => {
    const summary = tail.match(/^tests: \d+ passed, \d+ failed, \d+ skipped$/m)?.[0] ?? 'tests: 0 passed, 1 failed, 0 skipped (the pool printed no summary)';
    if (code !== 0 && /, 0 failed,/.test(summary)) console.log(`the run exited with code ${code} (coverage below the floor, or a crash outside a test)`);
    console.log(summary);
    process.exit(code === 0 && /, 0 failed,/.test(summary) ? 0 : 1);
  });
} else {
  await runPool();
}

/** Every test file under ROOT matching the pattern, in path order. */
function testFiles(pattern) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.test\.js$/.test(name) && pattern.test(full)) found.push(full);
    }
  };
  walk(ROOT);
  return found;
}

/**
 * Files that run for minutes (SIGKILL loops, the differential tester, real clients) start first,
 * so that the pool does not end with one long file running alone.
 */
function startOrder(files) {
  const weight = (f) => (f.includes('/crash/') ? 0 : f.includes('/diff/') ? 1 : f.includes('/e2e/') ? 2 : 3);
  return [...files].sort((a, b) => weight(a) - weight(b));
}

function runFile(file) {
  return new Promise((resolve) => {
    const started = performance.now();
    const env = { ...process.env };
    delete env.STRATAKV_TEST_WORKER;
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('close', (code, signal) => resolve({ file, code, signal, output, seconds: (performance.now() - started) / 1000 }));
  });
}

function counts(output) {
  const num = (label) => Number((output.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
  return { total: num('Total'), passed: num('Passed'), skipped: num('Skipped') };
}

async function runPool() {
  const pattern = new RegExp(process.argv[2] ?? '\\.test\\.js$');
  const files = startOrder(testFiles(pattern));
  const jobs = Math.max(1, Number(process.env.TEST_JOBS) || Math.min(4, os.availableParallelism()));
  console.log(`${files.length} test files, ${jobs} at a time`);
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const result = await runFile(files[next++]);
      const { total, passed, skipped } = counts(result.output);
      // A file that exits non-zero without a failed test (a crash outside a test) counts as one failure.
      const failed = Math.max(total - passed, result.code === 0 ? 0 : 1);
      results.push({ ...result, passed, failed, skipped });
      process.stdout.write(`\n--- ${result.file} (${result.seconds.toFixed(1)} s): ${passed} passed, ${failed} failed${result.signal ? `, killed by ${result.signal}` : ''}\n`);
      if (failed > 0 || process.env.TEST_VERBOSE === '1') process.stdout.write(result.output);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const sum = (k) => results.reduce((n, r) => n + r[k], 0);
  console.log('\nslowest files:');
  for (const r of [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 10)) console.log(`  ${r.seconds.toFixed(1).padStart(6)} s  ${r.file}`);
  const failedFiles = results.filter((r) => r.failed > 0);
  if (failedFiles.length > 0) console.log(`failed files: ${failedFiles.map((r) => r.file).join(', ')}`);
  const passed = sum('passed');
  const failed = sum('failed');
  console.log(`tests: ${passed} passed, ${failed} failed, ${sum('skipped')} skipped`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}
