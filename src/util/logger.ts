/**
 * The server log, in Redis' format (`pid:M 21 Nov 2025 23:55:01.123 * message`) so people and
 * tools used to reading redis-server logs read ours the same way. Writes synchronously: log lines
 * are rare (startup, shutdown, errors) and must not be lost when the process exits right after.
 */
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };
/** Redis' level marks: . - * # */
const LEVEL_MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export class Logger {
  /** Minimum level written; CONFIG SET loglevel changes it. */
  level: LogLevel;
  /** '' = standard output; otherwise a file appended to. CONFIG SET cannot change it (as Redis). */
  readonly file: string;

  constructor(level: LogLevel = 'notice', file = '') {
    this.level = level;
    this.file = file;
  }

  enabled(level: LogLevel): boolean {
    return LEVEL_RANK[level] >= LEVEL_RANK[this.level];
  }

  log(level: LogLevel, message: string): void {
    if (!this.enabled(level)) return;
    const d = new Date();
    const stamp = `${pad(d.getDate(), 2)} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`;
    const line = `${process.pid}:M ${stamp} ${LEVEL_MARK[level]} ${message}\n`;
    if (this.file === '') process.stdout.write(line);
    else {
      try {
        appendFileSync(this.file, line);
      } catch {
        process.stderr.write(line);
      }
    }
  }

  debug(message: string): void {
    this.log('debug', message);
  }

  verbose(message: string): void {
    this.log('verbose', message);
  }

  notice(message: string): void {
    this.log('notice', message);
  }

  warning(message: string): void {
    this.log('warning', message);
  }
}
