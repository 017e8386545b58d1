/**
 * A bench's progress on stderr, so stdout stays its results: `[name] message` lines. The updates
 * of one long step (a load, a fill, waiting for compactions to settle) replace each other in place
 * on a terminal, so a ten-minute load is one line that moves; anywhere else (a log file, CI) each
 * update is a line of its own, as a log reader expects.
 */
export interface Progress {
  /** A line that stays. */
  line(message: string): void;
  /** The state of a long step: replaces the previous update on a terminal. */
  update(message: string): void;
}

export function benchProgress(name: string): Progress {
  const stream = process.stderr;
  /** A terminal line holds an update that the next output must first finish or replace. */
  let pending = false;
  const line = (message: string): void => {
    if (pending) stream.write('\n');
    pending = false;
    stream.write(`[${name}] ${message}\n`);
  };
  const update = (message: string): void => {
    if (stream.isTTY !== true) {
      line(message);
      return;
    }
    // Cut to the terminal's width: a wrapped line would not be cleared by the carriage return.
    const text = `[${name}] ${message}`;
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    pending = true;
  };
  return { line, update };
}
