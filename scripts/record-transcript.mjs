#!/usr/bin/env node
// Records the replies of an e2e transcript again from a real server, so the expected bytes come
// from redis-server rather than from us.
//
//   redis-server --port 7391 --save '' --appendonly no --daemonize yes
//   node scripts/record-transcript.mjs 7391 test/e2e/commands-sets.test.ts > /tmp/entries.ts
//
// Reads the transcript entries of the test file, one per line, as they are written there:
//   [["SADD","s","1"], ":1\r\n"],              compared byte for byte
//   [["SMEMBERS","h"], "*2...", UNORDERED],    compared as sorted multisets
//   [["FLUSHALL"], null],                       run, not compared
//   // a comment
// sends each command on one raw connection in order, and prints the same lines with the replies
// it got (null entries stay null). Paste them over the old entries. Lines of the file that are
// not entries are skipped.
import net from 'node:net';
import { readFileSync } from 'node:fs';

const [port, file] = process.argv.slice(2);
if (port === undefined || file === undefined) {
  console.error('usage: node scripts/record-transcript.mjs PORT TEST_FILE');
  process.exit(2);
}

const ENTRY = /^\s*\[(\[.*?\]), (null|".*")(, UNORDERED)?\],$/;
const COMMENT = /^\s*\/\/ (.*)$/;
const items = [];
let inTranscript = false;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const entry = ENTRY.exec(line);
  if (entry !== null) {
    inTranscript = true;
    items.push({ args: JSON.parse(entry[1]), compared: entry[2] !== 'null', unordered: entry[3] !== undefined });
  } else if (inTranscript && COMMENT.test(line)) {
    items.push({ comment: COMMENT.exec(line)[1] });
  } else if (inTranscript && /^\];/.test(line)) {
    inTranscript = false;
  }
}

function encode(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(a, 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Length of the whole reply at `offset`, or -1 when more bytes are needed. */
function replyLength(buf, offset) {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buf[offset]);
  const header = buf.toString('latin1', offset + 1, lineEnd);
  const after = lineEnd + 2;
  if (type === '$' || type === '=' || type === '!') {
    const n = Number(header);
    if (n < 0) return after - offset;
    return after + n + 2 <= buf.length ? after + n + 2 - offset : -1;
  }
  if ('*~>%|'.includes(type)) {
    let n = Number(header);
    if (n < 0) return after - offset;
    if (type === '%' || type === '|') n *= 2;
    let at = after;
    for (let i = 0; i < n; i++) {
      const len = replyLength(buf, at);
      if (len < 0) return -1;
      at += len;
    }
    return at - offset;
  }
  return after - offset;
}

const socket = net.connect(Number(port), '127.0.0.1');
let buffered = Buffer.alloc(0);
let wake = null;
socket.on('data', (d) => {
  buffered = Buffer.concat([buffered, d]);
  wake?.();
});
await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
for (const item of items) {
  if (item.comment !== undefined) {
    console.log(`  // ${item.comment}`);
    continue;
  }
  socket.write(encode(item.args));
  let n;
  while ((n = replyLength(buffered, 0)) < 0) await new Promise((resolve) => (wake = resolve));
  const reply = buffered.subarray(0, n).toString('latin1');
  buffered = buffered.subarray(n);
  const expected = item.compared ? JSON.stringify(reply) : 'null';
  console.log(`  [${JSON.stringify(item.args)}, ${expected}${item.unordered ? ', UNORDERED' : ''}],`);
}
socket.end();
