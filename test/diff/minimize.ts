/**
 * Delta debugging (Zeller's ddmin, complement form): shortens the steps before a differing
 * command while the difference persists. The steps are cut into n chunks; if dropping one chunk
 * still reproduces, it is gone for good and n shrinks by one; if no chunk can go, n doubles, down
 * to single steps. The result is 1-minimal when the budget allows: no single remaining step can
 * be dropped. The differing command itself always stays last.
 *
 * `reproduces` replays a candidate on FLUSHALL'd servers (session.ts) and says whether its last
 * step still differs first, so the minimizer cannot wander off to another difference.
 */
import type { Step } from './sequence.js';

export interface Budget {
  /** Stop trying at this Date.now(), keeping the shortest sequence found so far. */
  readonly deadline: number;
  readonly maxReplays: number;
}

export async function minimize(before: readonly Step[], last: Step, reproduces: (candidate: readonly Step[]) => Promise<boolean>, budget: Budget): Promise<Step[]> {
  let current = [...before];
  let chunks = 2;
  let replays = 0;
  const spent = (): boolean => replays >= budget.maxReplays || Date.now() >= budget.deadline;
  while (current.length > 0 && !spent()) {
    const size = Math.ceil(current.length / chunks);
    let dropped = false;
    for (let start = 0; start < current.length && !spent(); start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      replays++;
      if (await reproduces([...candidate, last])) {
        current = candidate;
        chunks = Math.max(chunks - 1, 2);
        dropped = true;
        break;
      }
    }
    if (!dropped) {
      if (size === 1) break;
      chunks = Math.min(chunks * 2, current.length);
    }
  }
  return [...current, last];
}
