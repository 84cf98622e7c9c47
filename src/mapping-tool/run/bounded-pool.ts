/**
 * Runs `work` over `items` with at most `concurrency` at a time (`--concurrency N`). Once `stop`
 * is aborted, or one `work` throws, no new item starts; the ones running finish, then the first
 * error (if any) is thrown. Returns how many items were started.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  stop?: AbortSignal,
): Promise<number> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure && !stop?.aborted) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return next;
}
