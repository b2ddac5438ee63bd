// Export to OpenTelemetry (WRAPT_TRACE_EXPORT=otel, config "export": "otel"): every traced call
// and every recipe event is also a span (docs/opentelemetry.md). Loaded only when export is on;
// nothing of OpenTelemetry loads until the first span.
//
// Where spans go is decided at each span, so that it follows the application:
// - it registered a tracer provider (before the preload ran or after, found on OpenTelemetry's
//   global): spans go through `@opentelemetry/api` resolved from the application and join its
//   traces, children of the active span (its HTTP server span, say);
// - it registered none and an OTLP endpoint is set: wrapt-hooks' own provider (standalone.ts);
// - neither: one warning, and the lines go on as before.
import { AsyncLocalStorage } from 'node:async_hooks';
import { describeError } from '../trace/format';
import { debug } from '../debug';
import { warn } from '../errors';
import { setSpanExport, type OpenSpan, type SpanExport } from '../trace/output';
import { packageVersion } from '../version';
import { callShape, eventShape, formatTraceparent, parseTraceparent, KIND, type SpanShape } from './names';
import { hasEndpoint } from './settings';
import { loadFromApp } from './load';
import type { Api, Context, Span, Tracer } from './api-types';

/** OpenTelemetry's global registry (API major 1): holds `trace` once a provider is registered. */
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
/** The context key OpenTelemetry's exporters set around their own requests (core's suppressTracing). */
const SUPPRESS_TRACING = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

const STATUS_ERROR = 2;

interface Registered {
  trace?: unknown;
  context?: unknown;
}

const registered = (): Registered | undefined => (globalThis as unknown as Record<symbol, Registered | undefined>)[API_GLOBAL];

/** Turns export on: events written from now on are also spans. */
export function enableExport(): void {
  setSpanExport(new Exporter());
}

class Exporter implements SpanExport {
  private api: Api | null | undefined;
  private joined: Tracer | undefined;
  /** wrapt-hooks' own provider: undefined until needed, null when it cannot run. */
  private own: { tracer: Tracer } | null | undefined;
  private warnedNone = false;
  /** The active context when the application registered no context manager. */
  private readonly store = new AsyncLocalStorage<Context>();
  /** Set while wrapt-hooks' own exporter posts spans. */
  private readonly ownExport = new AsyncLocalStorage<true>();

  /** The tracer spans go to now, or undefined (nothing to export through). */
  private tracer(reg: Registered | undefined): Tracer | undefined {
    if (this.api === undefined) this.api = this.loadApi();
    const api = this.api;
    if (api === null) return undefined;
    if (reg?.trace !== undefined) {
      if (this.joined === undefined) debug("export: spans join the application's OpenTelemetry tracer provider");
      return (this.joined ??= api.trace.getTracer('wrapt-hooks', packageVersion()));
    }
    if (this.own === undefined) {
      if (hasEndpoint(process.env)) {
        const { startStandalone } = require('./standalone') as typeof import('./standalone');
        this.own = startStandalone(api, this.ownExport) ?? null;
      } else if (!this.warnedNone) {
        this.warnedNone = true;
        warn(
          'WRAPT_HOOKS_EXPORT_UNAVAILABLE',
          'WRAPT_TRACE_EXPORT=otel: the application has registered no OpenTelemetry tracer provider (yet) and no OTLP endpoint is set, so there is nothing to export spans through. Set OTEL_EXPORTER_OTLP_ENDPOINT (such as http://127.0.0.1:4318) or register a tracer provider; spans made before one is registered are not exported. The lines go on as before.',
        );
      }
    }
    return this.own?.tracer ?? undefined;
  }

  private loadApi(): Api | null {
    const found = loadFromApp('@opentelemetry/api');
    if (found !== undefined) return found.module as Api;
    warn(
      'WRAPT_HOOKS_EXPORT_UNAVAILABLE',
      'WRAPT_TRACE_EXPORT=otel: @opentelemetry/api cannot be loaded from the application or from wrapt-hooks, so no spans are exported. Install it beside the application (npm install @opentelemetry/api); the lines go on as before.',
    );
    return null;
  }

  /** The context spans begin in: the application's (its context manager), else wrapt-hooks' own. */
  private active(api: Api, reg: Registered | undefined): Context {
    if (reg?.context !== undefined) return api.context.active();
    return this.store.getStore() ?? api.ROOT_CONTEXT;
  }

  /** Runs `fn` in `context`, through the context manager that `active` read. */
  within<T>(api: Api, appContext: boolean, context: Context, fn: () => T): T {
    return appContext ? api.context.with(context, fn) : this.store.run(context, fn);
  }

  /** A span begun now under the active context (or `parent`); null where tracing is suppressed. */
  private begin(shape: SpanShape, parent?: (api: Api, active: Context) => Context): Open | null | undefined {
    const reg = registered();
    const tracer = this.tracer(reg);
    const api = this.api;
    if (tracer === undefined || api == null) return undefined;
    let context = this.active(api, reg);
    if (context.getValue(SUPPRESS_TRACING) === true) return null;
    if (parent !== undefined) context = parent(api, context);
    const span = tracer.startSpan(shape.name, { kind: shape.kind, attributes: shape.attributes }, context);
    return new Open(this, api, reg?.context !== undefined, span, context);
  }

  /** A traced call's shape, made once per entry (the SDK copies the attributes it is given). */
  private readonly calls = new Map<string, SpanShape>();

  private callShape(label: string): SpanShape {
    let shape = this.calls.get(label);
    if (shape === undefined) this.calls.set(label, (shape = callShape(label)));
    return shape;
  }

  call(label: string): OpenSpan | undefined {
    return this.begin(this.callShape(label)) ?? undefined;
  }

  calledFor(label: string, ms: number, failed: boolean, error: unknown): void {
    const reg = registered();
    const tracer = this.tracer(reg);
    if (tracer === undefined || this.api == null) return;
    const context = this.active(this.api, reg);
    if (context.getValue(SUPPRESS_TRACING) === true) return;
    const shape = this.callShape(label);
    const end = performance.now();
    const span = tracer.startSpan(shape.name, { kind: shape.kind, attributes: shape.attributes, startTime: Math.max(0, end - ms) }, context);
    if (failed) fail(span, error);
    span.end(end);
  }

  server(traceparent: unknown): OpenSpan | undefined {
    // An incoming `traceparent` is continued unless a span is already active (the
    // application's own HTTP instrumentation began one, which continued it).
    return (
      this.begin({ name: 'HTTP', kind: KIND.server, attributes: {} }, (api, active) => {
        const remote = api.trace.getSpan(active) === undefined ? parseTraceparent(traceparent) : undefined;
        return remote === undefined ? active : api.trace.setSpanContext(active, { ...remote, isRemote: true });
      }) ?? undefined
    );
  }

  client(): OpenSpan | null | undefined {
    return this.begin({ name: 'HTTP', kind: KIND.client, attributes: {} });
  }

  exporting(): boolean {
    return this.ownExport.getStore() === true;
  }

  event(source: string, fields: Readonly<Record<string, unknown>>, open: OpenSpan | null | undefined): void {
    if (open === null) return;
    const shape = eventShape(source, fields);
    if (open instanceof Open) {
      if (shape === undefined) return open.span.end();
      open.span.updateName(shape.name);
      open.span.setAttributes(shape.attributes);
      if (shape.error !== undefined) open.span.setStatus({ code: STATUS_ERROR, message: shape.error });
      open.span.end();
      return;
    }
    if (shape === undefined) return;
    const reg = registered();
    const tracer = this.tracer(reg);
    if (tracer === undefined || this.api == null) return;
    const context = this.active(this.api, reg);
    if (context.getValue(SUPPRESS_TRACING) === true) return;
    const end = performance.now();
    const ms = typeof fields['ms'] === 'number' && Number.isFinite(fields['ms']) ? fields['ms'] : 0;
    const span = tracer.startSpan(shape.name, { kind: shape.kind, attributes: shape.attributes, startTime: Math.max(0, end - ms) }, context);
    if (shape.error !== undefined) span.setStatus({ code: STATUS_ERROR, message: shape.error });
    span.end(end);
  }
}

class Open implements OpenSpan {
  constructor(
    private readonly exporter: Exporter,
    private readonly api: Api,
    private readonly appContext: boolean,
    readonly span: Span,
    private readonly parent: Context,
  ) {}

  run<T>(fn: () => T): T {
    return this.exporter.within(this.api, this.appContext, this.api.trace.setSpan(this.parent, this.span), fn);
  }

  traceparent(): string {
    return formatTraceparent(this.span.spanContext());
  }

  endCall(failed: boolean, error: unknown): void {
    if (failed) fail(this.span, error);
    this.span.end();
  }
}

/** Status ERROR, and the exception recorded: the error itself, or a rejection as the line shows it. */
function fail(span: Span, error: unknown): void {
  const isError = error instanceof Error;
  span.recordException(isError ? error : typeof error === 'string' ? error : describeError(error));
  span.setStatus({ code: STATUS_ERROR, message: isError ? describeError(error) : typeof error === 'string' ? error : describeError(error) });
}
