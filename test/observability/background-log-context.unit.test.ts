import { startPeriodic } from '../../src/background/periodic';
import { createLogger } from '../../src/observability/logger';
import { onceEachUntilReset } from '../../src/observability/repeated-errors';
import { deliveryJobId, type DeliveryJob } from '../../src/webhooks/delivery-queue';
import { createMemoryDeliveryQueue } from '../../src/webhooks/memory-delivery-queue';
import { waitFor } from '../helpers/wait-for';

interface Line {
  msg: string;
  requestId?: string;
  tenant?: string;
}

/** A logger writing parsed lines to an array, as the log scan's does. */
function capturingLogger() {
  const lines: Line[] = [];
  return { lines, logger: createLogger('trace', { write: (line: string) => void lines.push(JSON.parse(line) as Line) }) };
}

/** Background work logs like a request: each line names the run or the delivery it belongs to. */
describe('log context of background work', () => {
  it('gives each periodic run its own id, on its lines and on its failure line', async () => {
    const { lines, logger } = capturingLogger();
    let runs = 0;
    const task = startPeriodic(
      'expiry sweep',
      5,
      async (_signal, runLogger) => {
        runs += 1;
        runLogger.info('sweeping');
        if (runs === 2) throw new Error('Redis is away');
      },
      logger,
    );
    await waitFor(() => runs >= 3, 2_000, 'three runs');
    await task.stop();
    expect(lines.slice(0, 4)).toEqual([
      { level: 30, time: expect.any(Number), msg: 'sweeping', requestId: 'task_expiry-sweep_1' },
      { level: 30, time: expect.any(Number), msg: 'sweeping', requestId: 'task_expiry-sweep_2' },
      {
        level: 40,
        time: expect.any(Number),
        msg: 'background task failed; will retry',
        task: 'expiry sweep',
        err: 'Redis is away',
        requestId: 'task_expiry-sweep_2',
      },
      { level: 30, time: expect.any(Number), msg: 'sweeping', requestId: 'task_expiry-sweep_3' },
    ]);
  });

  it("runs a delivery under the causing request's id, or its job's, with the tenant, its final failure too", async () => {
    const { lines, logger } = capturingLogger();
    const queue = createMemoryDeliveryQueue({
      schedule: [],
      deliver: async (job, attemptLogger) => {
        attemptLogger.info({ eventId: job.eventId }, 'attempt');
        if (job.eventId === 'evt_fails') throw new Error('endpoint answered HTTP 500');
      },
      logger,
    });
    queue.startWorker();
    const caused: DeliveryJob = { tenantId: 'acme', eventId: 'evt_caused', endpointUrl: 'http://127.0.0.1:1/hook', requestId: 'req_abc123' };
    const automatic: DeliveryJob = { tenantId: 'globex', eventId: 'evt_fails', endpointUrl: 'http://127.0.0.1:1/hook' };
    await queue.enqueue([caused, automatic]);
    await waitFor(() => lines.length >= 3, 2_000, 'three lines');
    await queue.close();
    const byMessage = (msg: string, eventId?: string) =>
      lines.filter((line) => line.msg === msg && (!eventId || (line as { eventId?: string }).eventId === eventId));
    expect(byMessage('attempt', 'evt_caused')).toEqual([expect.objectContaining({ requestId: 'req_abc123', tenant: 'acme' })]);
    const jobContext = { requestId: `job_${deliveryJobId(automatic)}`, tenant: 'globex' };
    expect(byMessage('attempt', 'evt_fails')).toEqual([expect.objectContaining(jobContext)]);
    expect(byMessage('webhook delivery failed for good')).toEqual([expect.objectContaining(jobContext)]);
  });
});

describe('onceEachUntilReset', () => {
  it('logs each distinct error once until reset, and says whether there was any', () => {
    const logged: string[] = [];
    const errors = onceEachUntilReset((message) => logged.push(message));
    for (let i = 0; i < 10; i++) {
      errors.report(new Error('connect ECONNREFUSED'));
      errors.report(new Error('Connection is closed.'));
    }
    expect(logged).toEqual(['connect ECONNREFUSED', 'Connection is closed.']);
    expect(errors.reset()).toBe(true);
    expect(errors.reset()).toBe(false);
    errors.report(new Error('connect ECONNREFUSED'));
    expect(logged).toHaveLength(3);
  });

  it('stops at 20 distinct messages, so a message that varies cannot flood the log or grow memory', () => {
    const logged: string[] = [];
    const errors = onceEachUntilReset((message) => logged.push(message));
    for (let i = 0; i < 100; i++) errors.report(new Error(`timeout after ${i} ms`));
    expect(logged).toHaveLength(20);
  });
});
