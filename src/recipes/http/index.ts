// The http recipe: one line per incoming request on an http/https server, and one per outgoing
// request made with http/https, `fetch` (Node's global one) or undici's own API:
//
//   wrapt-hooks: http in GET /users/3 -> 200 12.3ms
//   wrapt-hooks: http [req 1] out GET http://127.0.0.1:8080/rates -> 404 2.5ms
//
// Incoming requests get an id, kept in an AsyncLocalStorage for the handler and everything it
// starts, so every line written meanwhile (any recipe's, any trace's) says `[req N]`.
// Outgoing requests are observed through Node's and undici's diagnostics_channel events: no
// listener is added to a request or response that could change how its errors are handled,
// and Node's bundled undici (global fetch) publishes on the same channels as the npm package.
// Times are to the response's headers. URLs lose their user info and secret-looking query values.
// With export on (docs/opentelemetry.md), requests are spans too: an incoming one continues its
// `traceparent` and is the active span while its handler runs; an outgoing one sends its own.
import { AsyncLocalStorage } from 'node:async_hooks';
import dc = require('node:diagnostics_channel');
import { emit, setRequestIdProvider, spanExport, type OpenSpan } from '../../trace/output';
import { describeError, msSince, redactUrl } from '../../trace/format';
import { isWrapped } from '../../wrap/wrappers';
import { wrapFunctionWrapper } from '../../wrap/patches';
import { routeOf, watchFastify } from './routes';
import { pathKey } from '../../trace/keys';
import { summaryOf } from '../summary';
import { undiciHasTraceparent, withTraceparent } from '../../otel/propagation';

const requests = new AsyncLocalStorage<number>();
let lastId = 0;

interface ServerPrototype {
  emit(event: string | symbol, ...args: unknown[]): boolean;
}
interface IncomingRequest {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
}
interface ServerResponse {
  statusCode: number;
  writableFinished?: boolean;
  once(event: string, listener: () => void): unknown;
}

/** Patch for `http` (and, through `patchHttps`, `https`): servers and client requests. */
export function patchHttp(http: { Server: { prototype: ServerPrototype } }): void {
  instrumentServer(http.Server.prototype);
  subscribeClient();
  if (spanExport() !== undefined) sendTraceparent(http as unknown as Record<string, unknown>);
}

export const patchHttps = patchHttp;

export { patchKoa } from './routes';

/** Patch for the `undici` package: its requests publish on the channels read here. */
export function patchUndici(): void {
  subscribeUndici();
}

/** Called on the first `undici:request:create` event (global fetch needs no import to run). */
export function onFirstUndiciRequest(message: unknown): void {
  subscribeUndici();
  onUndiciCreate(message);
}

function instrumentServer(proto: ServerPrototype): void {
  if (isWrapped(Object.getOwnPropertyDescriptor(proto, 'emit')?.value)) return;
  setRequestIdProvider(() => requests.getStore());
  watchFastify();
  wrapFunctionWrapper(proto, 'emit', (wrapped, _server, args) => {
    if (args[0] !== 'request') return wrapped(...args);
    const id = ++lastId;
    const req = args[1] as IncomingRequest;
    const res = args[2] as ServerResponse;
    const span = spanExport()?.server(req.headers?.['traceparent']);
    const start = process.hrtime.bigint();
    // As it arrived: a framework's router rewrites req.url while a mounted router runs (express).
    const url = req.url;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const ms = msSince(start);
      const method = String(req.method ?? '?');
      const path = redactUrl(String(url ?? ''));
      const route = routeOf(req);
      // 'close' before 'finish': the client went away before the response was sent.
      const outcome = res.writableFinished === false ? 'aborted' : String(res.statusCode);
      emit(
        'http',
        `in ${method} ${path}${route === undefined ? '' : ` (route ${route})`} -> ${outcome} ${ms.toFixed(ms < 10 ? 2 : 1)}ms`,
        {
          recipe: 'http',
          event: 'in',
          method,
          path,
          ...(route === undefined ? {} : { route }),
          status: outcome === 'aborted' ? null : res.statusCode,
          aborted: outcome === 'aborted',
          ms,
        },
        { req: id, span },
      );
      summaryOf('http')?.record(`in ${method} ${route ?? pathKey(path)}`, ms, outcome === 'aborted' || res.statusCode >= 500);
    };
    res.once('finish', finish);
    res.once('close', finish);
    return requests.run(id, () => (span === undefined ? wrapped(...args) : span.run(() => wrapped(...args))));
  });
}

// ---- outgoing: http/https ---------------------------------------------------------------------

interface Outgoing {
  readonly method: string;
  readonly url: string;
  readonly start: bigint;
  readonly req: number | undefined;
  /** null: OpenTelemetry suppresses tracing where the request was made (an exporter's own). */
  readonly span: OpenSpan | null | undefined;
}

const outgoing = new WeakMap<object, Outgoing>();
let clientSubscribed = false;
/** Every channel subscription made, for `off`. */
const subscriptions: [string, (message: unknown, name: string | symbol) => void][] = [];

function subscribe(channel: string, listener: (message: unknown, name: string | symbol) => void): void {
  dc.subscribe(channel, listener);
  subscriptions.push([channel, listener]);
}

/**
 * Turns the recipe's channel subscriptions off (`wrapt-hooks attach` at detach; the wrapper it
 * put on `Server.prototype.emit` is taken off by whoever recorded it, docs/attach.md).
 */
export function off(): void {
  for (const [channel, listener] of subscriptions.splice(0)) dc.unsubscribe(channel, listener);
  clientSubscribed = false;
  undiciSubscribed = false;
  setRequestIdProvider(undefined);
}

/** The span `http.request` began for each request it created (sendTraceparent). */
const clientSpans = new WeakMap<object, OpenSpan | null>();

/** With export on, `http.request`/`http.get` begin the request's span and send its `traceparent`. */
function sendTraceparent(http: Record<string, unknown>): void {
  for (const name of ['request', 'get']) {
    if (typeof http[name] !== 'function' || isWrapped(http[name])) continue;
    wrapFunctionWrapper(http, name, (wrapped, _instance, args) => {
      const spans = spanExport();
      const span = spans === undefined || spans.exporting() ? undefined : spans.client();
      if (span === undefined) return wrapped(...args);
      const request = span === null ? wrapped(...args) : wrapped(...withTraceparent(args, span.traceparent()));
      if (request !== null && typeof request === 'object') clientSpans.set(request, span);
      return request;
    });
  }
}

function subscribeClient(): void {
  if (clientSubscribed) return;
  clientSubscribed = true;
  subscribe('http.client.request.start', (message) => {
    const request = (message as { request?: ClientRequestLike }).request;
    if (request === undefined || spanExport()?.exporting() === true) return;
    const host = safe(() => request.getHeader('host')) ?? request.host ?? '';
    outgoing.set(request, {
      method: String(request.method ?? 'GET'),
      url: requestUrl(`${request.protocol ?? 'http:'}//${String(host)}`, request.path),
      start: process.hrtime.bigint(),
      req: requests.getStore(),
      span: undefined,
    });
  });
  subscribe('http.client.response.finish', onOutgoingResponse);
  // Published by the Node versions that have it; elsewhere an error shows as no line.
  subscribe('http.client.request.error', onOutgoingError);
}

// The end of an outgoing request, as node:http's and undici's channels both publish it.
function onOutgoingResponse(message: unknown): void {
  const { request, response } = message as { request?: object; response?: { statusCode?: number } };
  if (request !== undefined) finishOutgoing(request, response?.statusCode, undefined);
}

function onOutgoingError(message: unknown): void {
  const { request, error } = message as { request?: object; error?: unknown };
  if (request !== undefined) finishOutgoing(request, undefined, error);
}

interface ClientRequestLike {
  method?: string;
  protocol?: string;
  host?: string;
  path?: string;
  getHeader(name: string): unknown;
}

function finishOutgoing(request: object, status: number | undefined, error: unknown): void {
  const record = outgoing.get(request);
  if (record === undefined) return;
  outgoing.delete(request);
  const ms = msSince(record.start);
  const outcome = error === undefined ? String(status ?? '?') : `error ${errorCode(error)}`;
  emit(
    'http',
    `out ${record.method} ${record.url} -> ${outcome} ${ms.toFixed(ms < 10 ? 2 : 1)}ms`,
    {
      recipe: 'http',
      event: 'out',
      method: record.method,
      url: record.url,
      ...(error === undefined ? { status: status ?? null } : { error: errorCode(error) }),
      ms,
    },
    { req: record.req, span: record.span ?? clientSpans.get(request) },
  );
  summaryOf('http')?.record(`out ${record.method} ${pathKey(record.url)}`, ms, error !== undefined || (status ?? 0) >= 500);
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : describeError(error);
}

// ---- outgoing: undici and fetch ---------------------------------------------------------------

interface UndiciRequest {
  origin?: unknown;
  path?: string;
  method?: string;
  headers?: unknown;
  addHeader?(name: string, value: string): unknown;
}

let undiciSubscribed = false;

function subscribeUndici(): void {
  if (undiciSubscribed) return;
  undiciSubscribed = true;
  subscribe('undici:request:create', onUndiciCreate);
  subscribe('undici:request:headers', onOutgoingResponse);
  subscribe('undici:request:error', onOutgoingError);
}

function onUndiciCreate(message: unknown): void {
  const request = (message as { request?: UndiciRequest }).request;
  if (request === undefined || outgoing.has(request)) return;
  const spans = spanExport();
  if (spans?.exporting() === true) return;
  const url = requestUrl(String(request.origin ?? ''), request.path);
  const span = spans?.client();
  if (span != null && !undiciHasTraceparent(request.headers)) safe(() => request.addHeader?.('traceparent', span.traceparent()));
  outgoing.set(request, { method: String(request.method ?? 'GET'), url, start: process.hrtime.bigint(), req: requests.getStore(), span });
}

/**
 * The URL an outgoing request went to, for its line: the origin and the path, or the path alone
 * when it is a whole URL (a request to a forward proxy), redacted (user info, secret-looking
 * query parameters).
 */
function requestUrl(origin: string, path: string | undefined): string {
  const target = path ?? '';
  return redactUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(target.slice(0, 40)) ? target : `${origin}${target}`);
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
