import { setTimeout as sleep } from 'node:timers/promises';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Logger } from '../observability/logger';
import { exchange, type LoopsHttpMethod } from './http-exchange';
import { leavesOutcomeUnknown, LoopsError, type LoopsFailure, type UnresolvedCall } from './loops-error';
import {
  loopsErrorBodySchema,
  loopsPortalSessionSchema,
  loopsV2SessionSchema,
  loopsV3ListSchema,
  loopsV3ProductSchema,
  loopsV3SessionSchema,
  loopsV3SubscriptionSchema,
  type LoopsPortalSession,
  type LoopsPortalSessionCreateBody,
  type LoopsV2CreateSessionBody,
  type LoopsV2Session,
  type LoopsV2UpdateSessionBody,
  type LoopsV3CreateProductBody,
  type LoopsV3CreateSessionBody,
  type LoopsV3Product,
  type LoopsV3Session,
  type LoopsV3SessionListQuery,
  type LoopsV3Subscription,
  type LoopsV3SubscriptionListQuery,
  type LoopsV3SubscriptionUpdateBody,
} from './loops-schemas';
import { LOOPS_RETRY, retryDelayMs } from './retry-policy';
import { LOOPS_CONTRACT } from './contract-choices';

/**
 * How a create may be made when Loops could carry it out after the gateway stopped waiting
 * (docs/loops-contract.md §7.7): the caller is still answered after `timeoutMs`, but the request stays open
 * until `lingerMs` after it was sent, and the LoopsError carries it (`unresolved.lateAnswer`), so a
 * retry can use Loops' late answer instead of creating again.
 */
export interface CreateOptions {
  /** How long after sending the request its answer is still awaited (retry-policy.ts `loopsCreateSettleMs`). */
  lingerMs: number;
  /** Abandons the lingering request (the gateway shutting down). */
  signal?: AbortSignal;
}

export interface LoopsClient {
  /** The same client, its retry lines written to `logger` (a request's or a task run's, carrying its id); test fakes may leave it out. */
  withLogger?(logger: Logger): LoopsClient;
  createSessionV3(body: LoopsV3CreateSessionBody, idempotencyKey: string, create?: CreateOptions): Promise<LoopsV3Session>;
  createSessionV2(body: LoopsV2CreateSessionBody, idempotencyKey: string, create?: CreateOptions): Promise<LoopsV2Session>;
  getSessionV3(id: string): Promise<LoopsV3Session>;
  listSessionsV3(query: LoopsV3SessionListQuery): Promise<{ data: LoopsV3Session[]; hasMore: boolean }>;
  getSessionV2(id: string): Promise<LoopsV2Session>;
  updateSessionV2(id: string, body: LoopsV2UpdateSessionBody): Promise<LoopsV2Session>;
  createProductV3(body: LoopsV3CreateProductBody, idempotencyKey: string, create?: CreateOptions): Promise<LoopsV3Product>;
  getProductV3(id: string): Promise<LoopsV3Product>;
  listProductsV3(limit: number, offset: number): Promise<{ data: LoopsV3Product[]; hasMore: boolean }>;
  /** §8.2 (LOOPS_CONTRACT.subscriptions); an unknown id is a LoopsError, HTTP 404. */
  getSubscription(id: string): Promise<LoopsV3Subscription>;
  listSubscriptions(query: LoopsV3SubscriptionListQuery): Promise<{ data: LoopsV3Subscription[]; hasMore: boolean }>;
  /** PUT: absolute values, so retried like a GET; 400 (a refusal) once the subscription is canceled. */
  updateSubscription(id: string, body: LoopsV3SubscriptionUpdateBody): Promise<LoopsV3Subscription>;
  /** DELETE: ends it now; deleting a canceled one answers it unchanged, so it is retried like a GET. */
  cancelSubscription(id: string): Promise<LoopsV3Subscription>;
  /** §8.2 (LOOPS_CONTRACT.customerPortal): a POST, keyed and retried only where Loops cannot have acted. */
  createPortalSession(body: LoopsPortalSessionCreateBody, idempotencyKey: string): Promise<LoopsPortalSession>;
}

/** Reported after every call (metrics); `outcome` is `ok` or the failure kind/status. */
export type LoopsCallObserver = (operation: string, outcome: string, seconds: number) => void;

export interface LoopsClientOptions {
  apiBase: string;
  apiKey: string;
  timeoutMs: number;
  /** Shared keep-alive connection pool (undici Agent). */
  dispatcher: Dispatcher;
  logger: Logger;
  observe?: LoopsCallObserver;
  /**
   * Attempts per call, the first included (default LOOPS_RETRY.maxAttempts). The batch mapping
   * tool passes 1: it has its own, longer retry loop with a re-check before any repeated create,
   * and retries nested inside it would multiply the requests per price.
   */
  maxAttempts?: number;
  /** Send `Idempotency-Key` with keyed POSTs (default LOOPS_CONTRACT.sendIdempotencyKey, docs/loops-contract.md §7.7). */
  sendIdempotencyKey?: boolean;
}

interface V3ListQuery {
  limit: number;
  offset: number;
  status?: string;
  externalCustomerId?: string;
}

interface CallSpec<S extends z.ZodType> {
  operation: string;
  method: LoopsHttpMethod;
  path: string;
  schema: S;
  body?: unknown;
  idempotencyKey?: string;
}

export function createLoopsClient(options: LoopsClientOptions): LoopsClient {
  const base = new URL(options.apiBase);
  const origin = base.origin;
  // A base with a path (e.g. a proxy at https://host/loops) prefixes every API path.
  const basePath = base.pathname.replace(/\/+$/, '');
  const maxAttempts = options.maxAttempts ?? LOOPS_RETRY.maxAttempts;
  const sendIdempotencyKey = options.sendIdempotencyKey ?? LOOPS_CONTRACT.sendIdempotencyKey;

  async function callLogging<S extends z.ZodType>(logger: Logger, spec: CallSpec<S>, create?: CreateOptions): Promise<z.output<S>> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const sent: SentAt = {};
      try {
        const result = await (create ? lingeringAttempt(spec, create, sent) : attemptCall(spec, sent, options.timeoutMs));
        options.observe?.(spec.operation, 'ok', (performance.now() - started) / 1000);
        return result;
      } catch (error) {
        const failure = classify(error);
        options.observe?.(spec.operation, outcomeLabel(failure), (performance.now() - started) / 1000);
        const delay = retryDelayMs(failure, attempt, spec.method !== 'POST', { maxAttempts });
        if (delay === undefined) throw new LoopsError(failure, spec.operation, unresolvedCall(spec, failure, sent, error));
        logger.warn({ operation: spec.operation, attempt, failure: failure.kind, delay }, 'retrying Loops call');
        await sleep(delay);
      }
    }
  }

  /**
   * One attempt of a create that may linger: answered (or failed) like any attempt within
   * `timeoutMs`, except that at the timeout a request already sent is not cut off but handed back
   * in a StillWaiting error, open until `lingerMs` after it was sent. A request still queued in the
   * pool at the timeout is dropped unsent: Loops never saw it.
   */
  function lingeringAttempt<S extends z.ZodType>(spec: CallSpec<S>, create: CreateOptions, sent: SentAt): Promise<z.output<S>> {
    const stop = new AbortController();
    const abandon = () => stop.abort(namedError('AbortError', 'the gateway stopped waiting for Loops'));
    create.signal?.addEventListener('abort', abandon, { once: true });
    let lingerEnd: NodeJS.Timeout | undefined;
    // undici's own timeouts sit past the linger, so the linger's end is this timer's, measured from sending.
    const answer = attemptCall(spec, sent, create.lingerMs + LINGER_SLACK_MS, stop.signal, () => {
      lingerEnd = setTimeout(() => stop.abort(namedError('TimeoutError', 'no answer within the linger')), create.lingerMs);
    }).finally(() => {
      clearTimeout(lingerEnd);
      create.signal?.removeEventListener('abort', abandon);
    });
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        if (sent.atMs === undefined) stop.abort(namedError('TimeoutError', 'not sent within the timeout'));
        else reject(new StillWaiting(lateAnswer(spec, answer)));
      }, options.timeoutMs);
      answer.then(
        (value) => {
          clearTimeout(timeout);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timeout);
          reject(error);
        },
      );
    });
  }

  async function attemptCall<S extends z.ZodType>(
    spec: CallSpec<S>,
    sent: SentAt,
    timeoutMs: number,
    signal?: AbortSignal,
    onSent?: () => void,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (spec.idempotencyKey && sendIdempotencyKey) headers['idempotency-key'] = spec.idempotencyKey;
    const response = await exchange(options.dispatcher, {
      origin,
      path: `${basePath}${spec.path}`,
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      timeoutMs,
      ...(signal ? { signal } : {}),
      onSent: () => {
        sent.atMs = performance.now();
        onSent?.();
      },
    });
    const text = response.body;
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new HttpFailure(httpFailure(response.statusCode, text, response.headers['retry-after']));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HttpFailure({ kind: 'invalid_response', detail: `HTTP ${response.statusCode} with a non-JSON body` });
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpFailure({ kind: 'invalid_response', detail: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
    }
    return parsed.data;
  }

  /** A V3 list page (§3.2, §3.3, §8.2): `limit`/`offset` and the filters given, Stripe's list envelope. */
  async function listV3<S extends z.ZodType>(
    call: <T extends z.ZodType>(spec: CallSpec<T>) => Promise<z.output<T>>,
    operation: string,
    path: string,
    item: S,
    query: V3ListQuery,
  ): Promise<{ data: z.output<S>[]; hasMore: boolean }> {
    const search = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
    if (query.status) search.set('status', query.status);
    if (query.externalCustomerId) search.set('externalCustomerId', query.externalCustomerId);
    const page = await call({ operation, method: 'GET', path: `${path}?${search.toString()}`, schema: loopsV3ListSchema(item) });
    return { data: page.data, hasMore: page.has_more };
  }

  const id = encodeURIComponent;
  // The retry lines go to the logger of whatever the call serves (a request's, a task run's), so
  // they carry its id: the client is per tenant, the logger per request (no async context).
  const clientLoggingTo = (logger: Logger): LoopsClient => {
    const call = <S extends z.ZodType>(spec: CallSpec<S>, create?: CreateOptions) => callLogging(logger, spec, create);
    return {
      withLogger: clientLoggingTo,
      createSessionV3: (body, idempotencyKey, create) =>
        call(
          { operation: 'createSessionV3', method: 'POST', path: '/api/v3/checkout/sessions', schema: loopsV3SessionSchema, body, idempotencyKey },
          create,
        ),
      createSessionV2: (body, idempotencyKey, create) =>
        call(
          { operation: 'createSessionV2', method: 'POST', path: '/api/v2/checkout/sessions', schema: loopsV2SessionSchema, body, idempotencyKey },
          create,
        ),
      getSessionV3: (sessionId) =>
        call({ operation: 'getSessionV3', method: 'GET', path: `/api/v3/checkout/sessions/${id(sessionId)}`, schema: loopsV3SessionSchema }),
      listSessionsV3: (query) => listV3(call, 'listSessionsV3', '/api/v3/checkout/sessions', loopsV3SessionSchema, query),
      getSessionV2: (sessionId) =>
        call({ operation: 'getSessionV2', method: 'GET', path: `/api/v2/checkout/sessions/${id(sessionId)}`, schema: loopsV2SessionSchema }),
      updateSessionV2: (sessionId, body) =>
        call({ operation: 'updateSessionV2', method: 'PUT', path: `/api/v2/checkout/sessions/${id(sessionId)}`, schema: loopsV2SessionSchema, body }),
      createProductV3: (body, idempotencyKey, create) =>
        call({ operation: 'createProductV3', method: 'POST', path: '/api/v3/products', schema: loopsV3ProductSchema, body, idempotencyKey }, create),
      getProductV3: (productId) =>
        call({ operation: 'getProductV3', method: 'GET', path: `/api/v3/products/${id(productId)}`, schema: loopsV3ProductSchema }),
      listProductsV3: (limit, offset) => listV3(call, 'listProductsV3', '/api/v3/products', loopsV3ProductSchema, { limit, offset }),
      getSubscription: (subscriptionId) =>
        call({ operation: 'getSubscription', method: 'GET', path: `/api/v3/subscriptions/${id(subscriptionId)}`, schema: loopsV3SubscriptionSchema }),
      listSubscriptions: (query) => listV3(call, 'listSubscriptions', '/api/v3/subscriptions', loopsV3SubscriptionSchema, query),
      updateSubscription: (subscriptionId, body) =>
        call({
          operation: 'updateSubscription',
          method: 'PUT',
          path: `/api/v3/subscriptions/${id(subscriptionId)}`,
          schema: loopsV3SubscriptionSchema,
          body,
        }),
      cancelSubscription: (subscriptionId) =>
        call({
          operation: 'cancelSubscription',
          method: 'DELETE',
          path: `/api/v3/subscriptions/${id(subscriptionId)}`,
          schema: loopsV3SubscriptionSchema,
        }),
      createPortalSession: (body, idempotencyKey) =>
        call({
          operation: 'createPortalSession',
          method: 'POST',
          path: '/api/v3/customer-portal/sessions',
          schema: loopsPortalSessionSchema,
          body,
          idempotencyKey,
        }),
    };
  };
  return clientLoggingTo(options.logger);
}

/** When an attempt's request was handed to a connection (performance.now()), if it was. */
interface SentAt {
  atMs?: number;
}

/** Classified by name (`classify`), as undici's and fetch's own timeouts and aborts are. */
function namedError(name: 'TimeoutError' | 'AbortError', message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** undici's header and body timeouts of a lingering request: past the linger, so they never end it first. */
const LINGER_SLACK_MS = 1000;

/** A lingering create's timeout: the request is still open, and `lateAnswer` settles with it. */
class StillWaiting extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly lateAnswer: Promise<unknown>) {
    super('Loops did not answer within the timeout; still waiting');
  }
}

/** The late answer as callers see it: the parsed body, or a LoopsError. Never an unhandled rejection. */
function lateAnswer(spec: CallSpec<z.ZodType>, answer: Promise<unknown>): Promise<unknown> {
  const late = answer.catch((error: unknown) => {
    throw new LoopsError(classify(error), spec.operation);
  });
  late.catch(() => undefined);
  return late;
}

/** What the caller must know of a POST that ended without an answer Loops is done with (loops-error.ts). */
function unresolvedCall(spec: CallSpec<z.ZodType>, failure: LoopsFailure, sent: SentAt, error: unknown): UnresolvedCall | undefined {
  if (spec.method !== 'POST' || sent.atMs === undefined || !leavesOutcomeUnknown(failure)) return undefined;
  const sentMsAgo = performance.now() - sent.atMs;
  return error instanceof StillWaiting ? { sentMsAgo, lateAnswer: error.lateAnswer } : { sentMsAgo };
}

/** Carries an already-classified failure out of `attemptCall`. */
class HttpFailure extends Error {
  constructor(readonly failure: LoopsFailure) {
    super(failure.kind);
  }
}

function httpFailure(status: number, text: string, retryAfter: string | string[] | undefined): LoopsFailure {
  let message = text.trim().slice(0, 300) || `HTTP ${status}`;
  let code: string | undefined;
  try {
    const parsed = loopsErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      message = parsed.data.error.message ?? message;
      code = parsed.data.error.code;
    }
  } catch {
    // Loops may answer an error with an empty or non-JSON body (docs/loops-contract.md §1): keep the text.
  }
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  return {
    kind: 'http',
    status,
    message,
    ...(code ? { code } : {}),
    ...(Number.isFinite(seconds) && seconds >= 0 ? { retryAfterSeconds: seconds } : {}),
  };
}

function classify(error: unknown): LoopsFailure {
  if (error instanceof HttpFailure) return error.failure;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { kind: 'timeout' };
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) return { kind: 'timeout' };
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  return { kind: 'network', code: typeof code === 'string' ? code : 'UNKNOWN' };
}

function outcomeLabel(failure: LoopsFailure): string {
  return failure.kind === 'http' ? `http_${failure.status}` : failure.kind;
}

/** `client` writing its lines to `logger`: how a request or a task run hands its id to the Loops calls it makes. */
export const loopsLoggingTo = (client: LoopsClient, logger: Logger): LoopsClient => client.withLogger?.(logger) ?? client;
