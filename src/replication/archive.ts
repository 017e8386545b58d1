/**
 * The full-sync payload: a checkpoint directory (tables, MANIFEST, CURRENT: docs/format.md,
 * "Checkpoints") framed as one byte string, sent after `+FULLRESYNC` as Redis sends its RDB
 * (`$<length>\r\n<bytes>`). The framing (docs/replication.md):
 *
 *   STRATAKV-CHECKPOINT 1\n
 *   <file name> <size>\n<size bytes>      once per file
 *   END\n
 *
 * The files are immutable once the checkpoint is complete, so their sizes are known before the
 * first byte goes out and the length can lead. Both sides stream: the primary reads each file in
 * chunks, the replica writes each chunk as it arrives; neither holds a file in memory.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export const ARCHIVE_MAGIC = 'STRATAKV-CHECKPOINT 1\n';
const END = 'END\n';
/** File names a checkpoint holds; anything else in the payload is refused. */
const FILE_NAME = /^(\d{6,}\.sst|MANIFEST-\d{6,}|CURRENT)$/;

export interface ArchiveFile {
  readonly name: string;
  readonly size: number;
}

/** The files of a checkpoint directory and the payload's total length. */
export async function archiveLayout(dir: string): Promise<{ files: ArchiveFile[]; length: number }> {
  const files: ArchiveFile[] = [];
  let length = ARCHIVE_MAGIC.length + END.length;
  for (const name of (await readdir(dir)).sort()) {
    if (!FILE_NAME.test(name)) continue;
    const size = (await stat(path.join(dir, name))).size;
    files.push({ name, size });
    length += Buffer.byteLength(`${name} ${size}\n`) + size;
  }
  return { files, length };
}

/** The payload's bytes, in chunks read from the files as they are asked for. */
export async function* archiveChunks(dir: string, files: readonly ArchiveFile[]): AsyncGenerator<Buffer> {
  yield Buffer.from(ARCHIVE_MAGIC);
  for (const f of files) {
    yield Buffer.from(`${f.name} ${f.size}\n`);
    let sent = 0;
    for await (const chunk of createReadStream(path.join(dir, f.name), { highWaterMark: 256 * 1024 })) {
      const b = chunk as Buffer;
      sent += b.length;
      yield b;
    }
    if (sent !== f.size) throw new Error(`checkpoint file ${f.name} changed size while sent (${sent} of ${f.size} bytes)`);
  }
  yield Buffer.from(END);
}

/** Where a replica's bytes come from: exactly n bytes, or a line. */
export interface ByteSource {
  line(): Promise<string>;
  /** At most `max` bytes (at least one). */
  some(max: number): Promise<Buffer>;
}

/**
 * Reads a payload of `length` bytes from `source` into `targetDir` (made fresh: `<targetDir>.tmp`
 * first, each file fsynced, then renamed into place), so a crash leaves no half directory that
 * looks complete.
 */
export async function receiveArchive(source: ByteSource, length: number, targetDir: string): Promise<void> {
  const temp = targetDir + '.tmp';
  await rm(temp, { recursive: true, force: true });
  await rm(targetDir, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  let remaining = length;
  const line = async (): Promise<string> => {
    const l = await source.line();
    remaining -= Buffer.byteLength(l) + 1;
    return l;
  };
  if ((await line()) + '\n' !== ARCHIVE_MAGIC) throw new Error('the full-sync payload is not a StrataKV checkpoint');
  for (;;) {
    const header = await line();
    if (header + '\n' === END) break;
    const m = /^(\S+) (\d+)$/.exec(header);
    if (m === null || !FILE_NAME.test(m[1])) throw new Error(`bad file header in the full-sync payload: ${JSON.stringify(header.slice(0, 80))}`);
    let left = Number(m[2]);
    if (left > remaining) throw new Error('the full-sync payload is shorter than its files');
    const fh = await open(path.join(temp, m[1]), 'w');
    try {
      while (left > 0) {
        const chunk = await source.some(left);
        await fh.write(chunk);
        left -= chunk.length;
        remaining -= chunk.length;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  if (remaining !== 0) throw new Error(`the full-sync payload's length is off by ${remaining} bytes`);
  const dh = await open(temp, 'r');
  await dh.sync().finally(() => dh.close());
  await rename(temp, targetDir);
}
