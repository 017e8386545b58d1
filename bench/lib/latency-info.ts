/**
 * Samples StrataKV's `INFO storage` counters over a connection of its own, so the engine's
 * background work (flushes, compactions, stalls) can be lined up with the latency windows.
 */
import net from 'node:net';

export interface StorageCounters {
  readonly flushes: number;
  readonly compactions: number;
  readonly writeStalls: number;
  readonly writeSlowdowns: number;
  readonly level0Files: number;
}

const INFO_STORAGE = Buffer.from('*2\r\n$4\r\nINFO\r\n$7\r\nstorage\r\n');

/** Reads `field:value` lines; level0 is `level0:files=N,bytes=M`. */
export function parseStorageInfo(text: string): StorageCounters {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  const num = (name: string): number => Number(fields.get(name) ?? NaN);
  const level0 = /files=(\d+)/.exec(fields.get('level0') ?? '');
  return {
    flushes: num('flushes'),
    compactions: num('compactions'),
    writeStalls: num('write_stalls'),
    writeSlowdowns: num('write_slowdowns'),
    level0Files: level0 ? Number(level0[1]) : 0,
  };
}

export class StorageInfoSampler {
  private received: Buffer = Buffer.alloc(0);
  private waiting: ((text: string) => void)[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static open(port: number): Promise<StorageInfoSampler> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        // A failed sample must not bring the bench down; sample() then just never resolves.
        socket.on('error', () => undefined);
        resolve(new StorageInfoSampler(socket));
      });
    });
  }

  /** Replies come back in request order, so several samples may be in flight during a stall. */
  sample(): Promise<StorageCounters> {
    return new Promise((resolve) => {
      this.waiting.push((text) => resolve(parseStorageInfo(text)));
      this.socket.write(INFO_STORAGE);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  /** Replies are bulk strings: `$<len>\r\n<len bytes>\r\n`. */
  private onData(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    for (;;) {
      const headerEnd = this.received.indexOf('\r\n');
      if (headerEnd < 0) return;
      const length = Number(this.received.toString('latin1', 1, headerEnd));
      const bodyStart = headerEnd + 2;
      if (this.received.length < bodyStart + length + 2) return;
      const text = this.received.toString('latin1', bodyStart, bodyStart + length);
      this.received = this.received.subarray(bodyStart + length + 2);
      this.waiting.shift()?.(text);
    }
  }
}
