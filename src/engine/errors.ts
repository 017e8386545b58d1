/** Data on disk failed a checksum or structural check. Always names the file and byte offset. */
export class CorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`corruption in ${file} at offset ${offset}: ${detail}`);
    this.name = 'CorruptionError';
  }
}
