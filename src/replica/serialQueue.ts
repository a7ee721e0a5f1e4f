/**
 * Runs async tasks one at a time, in call order, whether or not callers await: a
 * replica's writes (record, ingest, signing a head) must never interleave, or two of them
 * could race for the same seq.
 *
 * @example
 * ```ts
 * const serial = createSerialQueue();
 * await serial(async () => store.append(events));
 * ```
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    // A failed task must not stop the ones queued after it.
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}
