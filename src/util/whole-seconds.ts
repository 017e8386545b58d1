/**
 * A timer that fires on every whole second of the wall clock (…:01.000, …:02.000), re-armed each
 * time for the next one so it never drifts: the dashboard's history samples and the per-second
 * latency summaries close on the same seconds and line up. Unref'd: it never keeps the process
 * alive. Returns the function that stops it.
 */
export function everyWholeSecond(tick: () => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    timer = setTimeout(() => {
      tick();
      if (timer !== null) arm();
    }, 1000 - (Date.now() % 1000));
    timer.unref();
  };
  arm();
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}
