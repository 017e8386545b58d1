/**
 * Reading very large array replies (KEYS *, giant MGETs) in tests and benches without holding or
 * re-parsing them whole.
 */
import net from 'node:net';

/**
 * Sends one command whose reply is a large array of bulk strings and walks the reply as it
 * streams in (RawClient re-parses its whole buffer on every read: quadratic at this size, enough
 * to starve a bystander in the same process or to time out on a slow machine). Returns the element
 * count, the reply's size, its first and last elements and the latency to its last byte.
 */
export interface BigArrayReply {
  count: number;
  bytes: number;
  first: string;
  last: string;
  ms: number;
}

export function bigArrayCommand(port: number, request: Buffer, timeoutMs = 120_000): Promise<BigArrayReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = performance.now();
    let tail: Buffer = Buffer.alloc(0);
    let count = -1;
    let seen = 0;
    let bytes = 0;
    let first = '';
    let last = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no complete reply in ${timeoutMs} ms: ${seen} of ${count} elements`)), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`closed after ${seen} of ${count} elements`));
    });
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      const buf = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
      let pos = 0;
      for (;;) {
        const cr = buf.indexOf(0x0d, pos);
        if (cr < 0 || cr + 1 >= buf.length) break;
        const n = Number(buf.toString('latin1', pos + 1, cr));
        if (count < 0) {
          if (buf[pos] !== 0x2a) return reject(new Error(`not an array: ${buf.toString('latin1', pos, cr)}`));
          count = n;
          pos = cr + 2;
          continue;
        }
        const end = n < 0 ? cr + 2 : cr + 2 + n + 2;
        if (end > buf.length) break;
        if (seen === 0) first = n < 0 ? '(nil)' : buf.toString('latin1', cr + 2, cr + 2 + n);
        seen++;
        if (seen === count) last = n < 0 ? '(nil)' : buf.toString('latin1', cr + 2, cr + 2 + n);
        pos = end;
      }
      tail = buf.subarray(pos);
      if (count >= 0 && seen === count) {
        clearTimeout(timer);
        socket.removeAllListeners('close');
        socket.destroy();
        resolve({ count, bytes, first, last, ms: performance.now() - started });
      }
    });
  });
}
