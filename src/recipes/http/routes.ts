// The framework route an incoming request matched, read from what the framework records for
// itself (never by matching the path again):
// - express 4 and 5: `req.route` (the matched Route, its `path`) under `req.baseUrl` (the mount
//   path of the router that holds it), both on the request object node:http handed over;
// - koa with @koa/router: `ctx._matchedRoute` on koa's context, which the request object does not
//   lead to: koa's `createContext(req, res)` is wrapped to remember each request's context;
// - fastify: the route its `fastify.request.handler` tracing channel publishes as the handler
//   starts (`route.url`), for the raw request (`request.raw`).
import dc = require('node:diagnostics_channel');
import { wrapFunctionWrapper } from '../../wrap/patches';
import { isWrapped } from '../../wrap/wrappers';

const koaContexts = new WeakMap<object, object>();
const fastifyRoutes = new WeakMap<object, string>();
let fastifySubscribed = false;

/** Listens for fastify's handler events; costs fastify nothing until it is loaded. */
export function watchFastify(): void {
  if (fastifySubscribed) return;
  fastifySubscribed = true;
  dc.subscribe('tracing:fastify.request.handler:start', (message) => {
    const { request, route } = message as { request?: { raw?: unknown }; route?: { url?: unknown } };
    const raw = request?.raw;
    if (typeof raw === 'object' && raw !== null && typeof route?.url === 'string') fastifyRoutes.set(raw, route.url);
  });
}

/** Patch for `koa`: the class (CommonJS) or a namespace whose default export it is (ES module). */
export function patchKoa(exports: unknown): void {
  const Application = typeof exports === 'function' ? exports : (exports as { default?: unknown } | null)?.default;
  const proto = typeof Application === 'function' ? (Application.prototype as Record<string, unknown> | undefined) : undefined;
  if (proto === undefined || typeof proto['createContext'] !== 'function' || isWrapped(proto['createContext'])) return;
  wrapFunctionWrapper(proto, 'createContext', (wrapped, _app, args) => {
    const ctx = wrapped(...args);
    if (typeof args[0] === 'object' && args[0] !== null && typeof ctx === 'object' && ctx !== null) koaContexts.set(args[0], ctx);
    return ctx;
  });
}

/** The route `req` matched, when a framework recorded one; read when the response has finished. */
export function routeOf(req: object): string | undefined {
  try {
    const fastify = fastifyRoutes.get(req);
    if (fastify !== undefined) return fastify;
    const ctx = koaContexts.get(req) as { _matchedRoute?: unknown } | undefined;
    if (ctx !== undefined) return pathText(ctx._matchedRoute);
    const { route, baseUrl } = req as { route?: { path?: unknown }; baseUrl?: unknown };
    if (route === null || typeof route !== 'object') return undefined;
    const path = pathText(route.path);
    return path === undefined ? undefined : `${typeof baseUrl === 'string' ? baseUrl : ''}${path}`;
  } catch {
    return undefined;
  }
}

/** A route path as written: a string, a RegExp, or a list of them. */
function pathText(path: unknown): string | undefined {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  if (Array.isArray(path) && path.length > 0) return path.map((item) => pathText(item) ?? '?').join(',');
  return undefined;
}
