/**
 * LATENCY DOCTOR and LATENCY GRAPH: the texts redis-server 7.0 makes from its latency monitor
 * (latency.c's createLatencyReport and latencyCommandGenSparkeline, sparkline.c's renderer), made
 * here from StrataKV's monitor (src/server/latency-monitor.ts).
 *
 * Redis' own events (`command`, `fast-command`) get Redis' advice word for word. StrataKV's engine
 * events have no Redis counterpart, so they get the nearest of Redis' disk advice: `fsync` that of
 * Redis' AOF fsync events (local disks, SSDs, less disk contention, and a relaxed fsync policy when
 * appendfsync is always); `flush`, `compaction`, `write-stall` and `checkpoint`, all disk-bound
 * background work, that of less disk contention and SSDs.
 */
import { readFileSync } from 'node:fs';

export interface LatencyEventData {
  readonly event: string;
  /** Oldest first; time in Unix seconds, latency in milliseconds. */
  readonly samples: ReadonlyArray<{ readonly time: number; readonly latency: number }>;
  /** All-time high, ms. */
  readonly max: number;
}

export interface DoctorSettings {
  readonly latencyMonitorThreshold: number;
  readonly slowlogLogSlowerThan: number;
  readonly appendfsyncAlways: boolean;
  readonly hz: number;
}

/** Redis' latencyStats: average, mean absolute deviation and period of an event's samples. */
function analyze(data: LatencyEventData, nowSeconds: number): { samples: number; avg: number; mad: number; period: number } {
  const n = data.samples.length;
  if (n === 0) return { samples: 0, avg: 0, mad: 0, period: 0 };
  let sum = 0;
  let oldest = Number.POSITIVE_INFINITY;
  for (const s of data.samples) {
    sum += s.latency;
    oldest = Math.min(oldest, s.time);
  }
  const avg = Math.floor(sum / n);
  let period = nowSeconds - oldest;
  if (period === 0) period = 1;
  let deviation = 0;
  for (const s of data.samples) deviation += Math.abs(avg - s.latency);
  return { samples: n, avg, mad: Math.floor(deviation / n), period };
}

/** Bytes of transparent huge pages the process has (Redis' THPGetAnonHugePagesSize); 0 when unknown. */
function anonHugePagesBytes(): number {
  try {
    const m = /^AnonHugePages:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'latin1'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

/** LATENCY DOCTOR's report, as createLatencyReport writes it. */
export function latencyDoctorReport(events: readonly LatencyEventData[], settings: DoctorSettings, nowSeconds: number): string {
  if (events.length === 0 && settings.latencyMonitorThreshold === 0) {
    return 'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
  }
  const advise = new Set<string>();
  let advices = 0;
  let report = '';
  events.forEach((data, i) => {
    if (i === 0) report += 'Dave, I have observed latency spikes in this Redis instance. You don\'t mind talking about it, do you Dave?\n\n';
    const ls = analyze(data, nowSeconds);
    report += `${i + 1}. ${data.event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, period ${(ls.period / ls.samples).toFixed(2)} sec). Worst all time event ${data.max}ms.`;
    const event = data.event.toLowerCase();
    if (event === 'command') {
      if (settings.slowlogLogSlowerThan < 0) {
        advise.add('slowlog-enabled');
        advices++;
      } else if (Math.trunc(settings.slowlogLogSlowerThan / 1000) > settings.latencyMonitorThreshold) {
        advise.add('slowlog-tuning');
        advices++;
      }
      advise.add('slowlog-inspect').add('large-objects');
      advices += 2;
    } else if (event === 'fast-command') {
      advise.add('scheduler');
      advices++;
    } else if (event === 'fsync') {
      advise.add('local-disk').add('ssd').add('disk-contention').add('relax-fsync');
      advices += 4;
    } else if (event === 'flush' || event === 'compaction' || event === 'write-stall' || event === 'checkpoint') {
      advise.add('disk-contention').add('ssd');
      advices += 2;
    }
    report += '\n';
  });
  if (anonHugePagesBytes() > 0) {
    advise.add('disable-thp');
    advices++;
  }
  if (events.length === 0 && advices === 0) {
    return report + 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
  }
  if (events.length > 0 && advices === 0) {
    return report + '\nWhile there are latency events logged, I\'m not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n';
  }
  report += '\nI have a few advices for you:\n\n';
  const threshold = settings.latencyMonitorThreshold * 1000;
  if (advise.has('slowlog-enabled')) {
    report += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${threshold}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
  }
  if (advise.has('slowlog-tuning')) {
    report += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold}'.\n`;
  }
  if (advise.has('slowlog-inspect')) {
    report += '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
  }
  if (advise.has('scheduler')) {
    report += '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n'
      + '  1) Lower the system load.\n'
      + '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n'
      + '  3) Check if you have a "noisy neighbour" problem.\n'
      + '  4) Check with \'redis-cli --intrinsic-latency 100\' what is the intrinsic latency in your system.\n'
      + '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
  }
  if (advise.has('local-disk')) {
    report += '- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n';
  }
  if (advise.has('ssd')) {
    report += '- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage and smaller final AOF rewrite buffer flushes). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n';
  }
  if (advise.has('disk-contention')) {
    report += '- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n';
  }
  if (advise.has('relax-fsync') && settings.appendfsyncAlways) {
    report += '- Your fsync policy is set to \'always\'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to \'onesec\'.\n';
  }
  if (advise.has('large-objects')) {
    report += '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
  }
  if (advise.has('disable-thp')) {
    report += '- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command \'echo never > /sys/kernel/mm/transparent_hugepage/enabled\', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n';
  }
  return report;
}

const GRAPH_COLUMNS = 80;
const GRAPH_ROWS = 4;
const FILL_CHARSET = '_o#';

/** How long ago, as Redis labels a graph's samples: 12s, 3m, 5h, 2d. */
function ageLabel(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.trunc(elapsed / 60)}m`;
  if (elapsed < 3600 * 24) return `${Math.trunc(elapsed / 3600)}h`;
  return `${Math.trunc(elapsed / (3600 * 24))}d`;
}

/** sparklineRenderRange with SPARKLINE_FILL: `rows` rows of bars, a blank row, then the labels read downwards. */
function renderRange(values: readonly number[], labels: readonly string[], min: number, max: number): string {
  let out = '';
  const relmax = max - min === 0 ? 1 : max - min;
  const steps = FILL_CHARSET.length * GRAPH_ROWS;
  for (let row = 0; ; row++) {
    let loop = false;
    const chars: string[] = new Array<string>(values.length).fill(' ');
    for (let j = 0; j < values.length; j++) {
      let step = Math.trunc(((values[j] - min) * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < GRAPH_ROWS) {
        const charIndex = step - (GRAPH_ROWS - row - 1) * FILL_CHARSET.length;
        loop = true;
        if (charIndex >= 0 && charIndex < FILL_CHARSET.length) chars[j] = FILL_CHARSET[charIndex];
        else if (charIndex >= FILL_CHARSET.length) chars[j] = '|';
      } else if (row - GRAPH_ROWS < 1) {
        // The blank row between the bars and the labels.
        loop = true;
        break;
      } else {
        const at = row - GRAPH_ROWS - 1;
        if (labels[j].length > at) {
          loop = true;
          chars[j] = labels[j][at];
        }
      }
    }
    if (!loop) return out;
    out += chars.join('') + '\n';
  }
}

/** LATENCY GRAPH's text for one event. */
export function latencyGraph(data: LatencyEventData, nowSeconds: number): string {
  const values = data.samples.map((s) => s.latency);
  const labels = data.samples.map((s) => ageLabel(nowSeconds - s.time));
  const low = values.length === 0 ? 0 : Math.min(...values);
  const high = values.length === 0 ? 0 : Math.max(...values);
  let graph = `${data.event} - high ${high} ms, low ${low} ms (all time high ${data.max} ms)\n`;
  graph += '-'.repeat(GRAPH_COLUMNS) + '\n';
  for (let j = 0; j < values.length; j += GRAPH_COLUMNS) {
    if (j !== 0) graph += '\n';
    graph += renderRange(values.slice(j, j + GRAPH_COLUMNS), labels.slice(j, j + GRAPH_COLUMNS), low, high);
  }
  return graph;
}
