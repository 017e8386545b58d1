/**
 * Another process's memory, I/O and CPU as Linux reports them in /proc/PID: what the beyond-RAM
 * bench measures of the server it started (the benchmark's own memory must not count).
 */
import fs from 'node:fs';

/** Resident memory of a process, in bytes. */
export interface ProcMemory {
  /** VmRSS: resident now. */
  readonly rss: number;
  /** VmHWM: the most that was ever resident (the kernel's own peak, between our samples too). */
  readonly hwm: number;
  /** RssAnon: heap, V8 and native allocations, i.e. what the process itself holds. */
  readonly anon: number;
  /** RssFile: mapped files and shared libraries (the node binary itself is most of it). */
  readonly file: number;
}

/** Byte counters of /proc/PID/io (the process and all its threads). */
export interface ProcIo {
  /** Bytes passed to read()/pread() and friends, whether or not the page cache served them. */
  readonly rchar: number;
  /** Bytes passed to write()/pwrite(). */
  readonly wchar: number;
  /** Bytes actually fetched from the block device. */
  readonly readBytes: number;
  /** Bytes this process caused to be sent to the block device (page-cache writeback included). */
  readonly writeBytes: number;
  /** Bytes it dirtied that never reached the device (files truncated or deleted first). */
  readonly cancelledWriteBytes: number;
}

function kibField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match === null ? 0 : Number(match[1]) * 1024;
}

export function readMemory(pid: number): ProcMemory {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
  return { rss: kibField(status, 'VmRSS'), hwm: kibField(status, 'VmHWM'), anon: kibField(status, 'RssAnon'), file: kibField(status, 'RssFile') };
}

export function readIo(pid: number): ProcIo {
  const text = fs.readFileSync(`/proc/${pid}/io`, 'latin1');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    rchar: field('rchar'),
    wchar: field('wchar'),
    readBytes: field('read_bytes'),
    writeBytes: field('write_bytes'),
    cancelledWriteBytes: field('cancelled_write_bytes'),
  };
}

export function ioSince(later: ProcIo, earlier: ProcIo): ProcIo {
  return {
    rchar: later.rchar - earlier.rchar,
    wchar: later.wchar - earlier.wchar,
    readBytes: later.readBytes - earlier.readBytes,
    writeBytes: later.writeBytes - earlier.writeBytes,
    cancelledWriteBytes: later.cancelledWriteBytes - earlier.cancelledWriteBytes,
  };
}

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system, all threads) the process used so far. */
export function readCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}

/** The peaks one phase saw. */
export interface MemoryPeaks {
  readonly rss: number;
  readonly anon: number;
  /** VmHWM when the phase ended: the process's peak since it started, not just this phase's. */
  readonly hwm: number;
  readonly samples: number;
}

/**
 * Samples a process's memory on a timer and keeps the peaks of the current phase. A sample that
 * fails (the process just exited) is skipped: the peaks are of the samples that succeeded.
 */
export class MemorySampler {
  private peakRss = 0;
  private peakAnon = 0;
  private lastHwm = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, intervalMs: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    let memory: ProcMemory;
    try {
      memory = readMemory(this.pid);
    } catch {
      return;
    }
    this.peakRss = Math.max(this.peakRss, memory.rss);
    this.peakAnon = Math.max(this.peakAnon, memory.anon);
    this.lastHwm = Math.max(this.lastHwm, memory.hwm);
    this.samples++;
  }

  /** Ends the current phase: returns its peaks (one last sample included) and starts the next. */
  takePhase(): MemoryPeaks {
    this.sample();
    const peaks = { rss: this.peakRss, anon: this.peakAnon, hwm: this.lastHwm, samples: this.samples };
    this.peakRss = 0;
    this.peakAnon = 0;
    this.samples = 0;
    return peaks;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
