/**
 * `createSimModel`: a model that speaks the Messages API well enough that the official SDK,
 * unmodified, cannot tell. One web-standard handler serves both the injectable `fetch` and the
 * loopback HTTP server. Each response is decided from the request alone (see knowledge.ts),
 * paced on the given clock and accounted in tokens, with prompt caching.
 */
import type { Runtime } from '@bgtasks/core';
import { createRuntime, type FetchHandler, type HttpServer, serve as runtimeServe, type ServeOptions } from '@bgtasks/runtime';
import { builtinScenario } from './builtin-scenarios.ts';
import { applyContextEdits } from './context-management.ts';
import { type ApiErrorType, SimApiError, SimServeError } from './errors.ts';
import { hash32 } from './internal/hash.ts';
import { readKnowledge } from './knowledge.ts';
import { buildMessage, type SimMessage } from './message.ts';
import { type Pacing, resolvePacing, responseTimeMs } from './pacing.ts';
import { planTurn, type TurnKind } from './policy.ts';
import { PromptCache } from './prompt-cache.ts';
import { type MessagesRequest, parseMessagesRequest } from './request.ts';
import { countInputTokens, type PrefixMemo, requestPrefixBlocks } from './request-tokens.ts';
import { type PollPolicy, parseScenario, type Scenario, type ScenarioInput } from './scenario.ts';
import { streamMessage } from './sse.ts';
import { detectStrategy, type SimStrategy } from './strategy.ts';
import { planThinking } from './thinking.ts';
import { resolveTurn } from './tool-search.ts';
import { readToolView, usableTools } from './tool-view.ts';

/** The clock a simulated model paces itself on: a runtime or a VirtualClock. */
export type SimClock = Pick<Runtime, 'now' | 'sleep'>;

/** One answered request, for logs and transcripts. */
export interface SimExchange {
  request: MessagesRequest;
  message: SimMessage;
  strategy: SimStrategy;
  kind: TurnKind;
  streamed: boolean;
  /** Clock reading when the request arrived, and the response time it was paced to, ms. */
  startedAt: number;
  durationMs: number;
}

/** Options of {@link createSimModel}. */
export interface SimModelOptions {
  /** Clock for pacing and cache expiry; the host runtime's real clock by default. */
  clock?: SimClock;
  /** Overrides of {@link DEFAULT_PACING}. */
  pacing?: Partial<Pacing>;
  /** Seed of ids and filler text; the same seed and requests give the same responses. Default 0. */
  seed?: number;
  /** Factor on job durations in the commands the model runs (e.g. 0.1 for a quick real run). Default 1. */
  scale?: number;
  /** Overrides the scenario's poll policy. */
  pollPolicy?: PollPolicy;
  /** When set, requests must carry this key (`x-api-key` or `Authorization: Bearer`), else 401. */
  apiKey?: string;
  /** Called after each answered request (when the response is fully paced). */
  onExchange?: (exchange: SimExchange) => void;
  /**
   * Largest request body accepted, bytes; a larger one gets 413 `request_too_large` after at most
   * this many bytes were read. Default {@link DEFAULT_MAX_BODY_BYTES}.
   */
  maxBodyBytes?: number;
  /** The HTTP server implementation; `serve` of `@bgtasks/runtime` by default. */
  serve?: (handler: FetchHandler, options: ServeOptions) => Promise<HttpServer>;
}

/**
 * Default of {@link SimModelOptions.maxBodyBytes}: 8 MiB. The real API takes up to 32 MB; the
 * simulator holds each body in memory, and an agent transcript is far smaller.
 */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Host names {@link SimModel.serve} binds to: loopback only. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

/** Options of {@link SimModel.serve}. */
export interface SimServeOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Loopback only (`127.0.0.1`, `::1` or `localhost`); default `127.0.0.1`. Anything else, such as
   * `0.0.0.0`, is refused with {@link SimServeError}: the simulator accepts any API key by default
   * and must not be reachable from the network.
   */
  host?: string;
}

/** A simulated model. */
export interface SimModel {
  readonly scenario: Scenario;
  /** A `fetch` for `new Anthropic({ fetch, apiKey })`. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** The web-standard handler behind both `fetch` and `serve`. */
  readonly handle: FetchHandler;
  /** Serves the same handler over HTTP on loopback. */
  serve(options?: SimServeOptions): Promise<HttpServer>;
}

function json(status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'request-id': requestId, ...extra },
  });
}

function errorResponse(error: SimApiError, requestId: string): Response {
  return json(
    error.status,
    { type: 'error', error: { type: error.type, message: error.message }, request_id: requestId },
    requestId,
  );
}

function apiError(status: number, type: ApiErrorType, message: string): SimApiError {
  return new SimApiError(status, type, message);
}

function tooLarge(maxBytes: number): SimApiError {
  return apiError(413, 'request_too_large', `Request exceeds the maximum allowed number of bytes: ${maxBytes}`);
}

/** Reads a body as text, refusing it (413) as soon as it passes `maxBytes`; never holds more. */
async function readBody(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Creates a simulated model for `scenario` (a built-in name, an object, or a parsed scenario).
 * @example
 * const sim = createSimModel('default', { clock: new VirtualClock() });
 * const client = new Anthropic({ apiKey: 'sim', fetch: sim.fetch });
 */
export function createSimModel(scenario: Scenario | ScenarioInput | string, options: SimModelOptions = {}): SimModel {
  const parsed = typeof scenario === 'string' ? builtinScenario(scenario) : parseScenario(scenario);
  const clock = options.clock ?? createRuntime();
  const pacing = resolvePacing(options.pacing);
  const seed = options.seed ?? 0;
  const scale = options.scale ?? 1;
  const cache = new PromptCache(pacing);
  // Each request repeats the previous one's tools, system and messages: their prefix hashes are
  // computed once per model (see requestPrefixBlocks).
  const prefixMemo: PrefixMemo = new Map();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let requests = 0;

  async function messages(request: Request, requestId: string, countOnly: boolean): Promise<Response> {
    const contentType = request.headers.get('content-type');
    if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
      await request.body?.cancel().catch(() => {});
      throw apiError(
        400,
        'invalid_request_error',
        `content-type: must be application/json, got ${contentType === null ? 'none' : JSON.stringify(contentType.slice(0, 100))}`,
      );
    }
    const text = await readBody(request, maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw apiError(
        400,
        'invalid_request_error',
        `There was an error parsing the body of your request: ${(error as Error).message}`,
      );
    }
    if (countOnly && typeof body === 'object' && body !== null && !('max_tokens' in body)) {
      (body as Record<string, unknown>).max_tokens = 1;
    }
    const req = parseMessagesRequest(body, { countOnly });
    if (countOnly) return json(200, { input_tokens: countInputTokens(req, pacing) }, requestId);

    const startedAt = clock.now();
    // The tools by their own names, whatever prefix the client gave them, deferred ones included.
    const view = readToolView(req);
    const tools = usableTools(view);
    const strategy = detectStrategy([...tools]);
    const knowledge = readKnowledge(req, parsed, scale);
    const planned = planTurn({
      scenario: parsed,
      knowledge,
      strategy,
      pollPolicy: options.pollPolicy ?? parsed.policy.poll,
      scale,
      seed,
      pacing,
      tools,
    });
    const prefix = requestPrefixBlocks(req, pacing, prefixMemo);
    const contextManagement = applyContextEdits(
      req,
      prefix.reduce((s, b) => s + b.tokens, 0),
      pacing,
    );
    const usage = cache.account(prefix, startedAt);
    const { stream: _stream, ...identity } = req;
    const identityJson = JSON.stringify(identity);
    const key = `${hash32(identityJson, seed).toString(36)}:${identityJson.length}`;
    const { turn, lead } = resolveTurn(planned, view, { key, seed });
    const thinking = planThinking(req, turn, { key, seed, pacing });
    const message = buildMessage(turn, {
      model: req.model,
      maxTokens: req.max_tokens,
      stopSequences: req.stop_sequences ?? [],
      key,
      seed,
      pacing,
      cache: usage,
      lead,
      ...(thinking ? { thinking } : {}),
      ...(contextManagement ? { contextManagement } : {}),
    });
    const generationMs = responseTimeMs(message.usage.output_tokens, pacing) - pacing.ttftMs;
    const durationMs = pacing.ttftMs + generationMs;
    const exchange: SimExchange = {
      request: req,
      message,
      strategy,
      kind: turn.kind,
      streamed: req.stream === true,
      startedAt,
      durationMs,
    };
    if (req.stream) {
      const body = streamMessage(message, {
        clock,
        pacing,
        ttftMs: pacing.ttftMs,
        generationMs,
        ...(request.signal ? { signal: request.signal } : {}),
        onDone: () => options.onExchange?.(exchange),
      });
      return new Response(body, {
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': requestId },
      });
    }
    await clock.sleep(durationMs, request.signal);
    options.onExchange?.(exchange);
    return json(200, message, requestId);
  }

  const handle: FetchHandler = async (request) => {
    const requestId = `req_sim_${(++requests).toString().padStart(6, '0')}`;
    try {
      const path = new URL(request.url).pathname.replace(/\/+$/, '');
      const route = path.endsWith('/v1/messages/count_tokens') ? 'count' : path.endsWith('/v1/messages') ? 'messages' : undefined;
      if (!route)
        throw apiError(
          404,
          'not_found_error',
          `Not found: ${request.method} ${path || '/'}; this simulator serves POST /v1/messages`,
        );
      if (request.method !== 'POST')
        throw apiError(405 as number, 'invalid_request_error', `Method ${request.method} not allowed; use POST`);
      if (options.apiKey !== undefined) {
        const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
        const key = request.headers.get('x-api-key') ?? bearer;
        if (!key) throw apiError(401, 'authentication_error', 'x-api-key header is required');
        if (key !== options.apiKey) throw apiError(401, 'authentication_error', 'invalid x-api-key');
      }
      if (!request.headers.get('anthropic-version'))
        throw apiError(400, 'invalid_request_error', 'anthropic-version: header is required');
      return await messages(request, requestId, route === 'count');
    } catch (error) {
      if (SimApiError.isInstance(error)) return errorResponse(error, requestId);
      // Anything else (a body stream that broke off, a bug): still the API's error shape.
      const message = error instanceof Error ? error.message : String(error);
      return errorResponse(apiError(500, 'api_error', `internal error of the simulator: ${message}`), requestId);
    }
  };

  return {
    scenario: parsed,
    handle,
    fetch: (input, init) => handle(new Request(input, init)),
    async serve(serveOptions = {}) {
      const serve = options.serve ?? runtimeServe;
      const hostname = serveOptions.host ?? '127.0.0.1';
      if (!LOOPBACK_HOSTS.includes(hostname)) {
        throw new SimServeError(
          `host ${JSON.stringify(hostname)} is not loopback; the simulator serves only on ${LOOPBACK_HOSTS.join(', ')}`,
        );
      }
      return serve(handle, { port: serveOptions.port ?? 0, hostname });
    },
  };
}
