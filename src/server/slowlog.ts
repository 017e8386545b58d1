/**
 * SLOWLOG: the most recent commands that ran longer than slowlog-log-slower-than microseconds.
 * Arguments are trimmed as Redis trims them (at most 32 shown, each at most 128 bytes) so one huge
 * command cannot make the log itself large.
 */
import type { SlowlogEntry } from '../commands/types.js';

export const SLOWLOG_ENTRY_MAX_ARGC = 32;
export const SLOWLOG_ENTRY_MAX_STRING = 128;

export type { SlowlogEntry };

export class SlowLog {
  private entries: SlowlogEntry[] = [];
  private nextId = 0;

  get length(): number {
    return this.entries.length;
  }

  add(argv: readonly Buffer[], durationUsec: number, addr: string, name: string, maxLen: number): void {
    if (maxLen <= 0) return;
    const shown: Buffer[] = [];
    const argc = Math.min(argv.length, SLOWLOG_ENTRY_MAX_ARGC);
    for (let i = 0; i < argc; i++) {
      if (argc !== argv.length && i === argc - 1) {
        shown.push(Buffer.from(`... (${argv.length - argc + 1} more arguments)`));
        break;
      }
      const a = argv[i];
      if (a.length > SLOWLOG_ENTRY_MAX_STRING) {
        shown.push(Buffer.concat([a.subarray(0, SLOWLOG_ENTRY_MAX_STRING), Buffer.from(`... (${a.length - SLOWLOG_ENTRY_MAX_STRING} more bytes)`)]));
      } else {
        shown.push(Buffer.from(a)); // a copy: argv views must not pin the read buffer
      }
    }
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), durationUsec: Math.round(durationUsec), argv: shown, addr, name });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  /** Newest first, at most `count` (negative = all). */
  get(count: number): readonly SlowlogEntry[] {
    return count < 0 ? this.entries : this.entries.slice(0, count);
  }

  reset(): void {
    this.entries = [];
  }

  trim(maxLen: number): void {
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }
}
