/** bench/lean-loops.ts's two admin calls: forget the count, read the count. */
async function admin(leanUrl: string, method: 'GET' | 'POST', path: string): Promise<string> {
  const response = await fetch(`${leanUrl}${path}`, { method, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`lean Loops ${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text;
}

export async function resetLeanLoops(leanUrl: string): Promise<void> {
  await admin(leanUrl, 'POST', '/_lean/reset');
}

/** Sessions the lean upstream answered since its last reset. */
export async function leanSessionsCreated(leanUrl: string): Promise<number> {
  const stats = JSON.parse(await admin(leanUrl, 'GET', '/_lean/stats')) as { sessionsCreated?: unknown };
  if (typeof stats.sessionsCreated !== 'number') throw new Error('lean Loops stats carry no sessionsCreated');
  return stats.sessionsCreated;
}
