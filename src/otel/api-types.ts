// The parts of `@opentelemetry/api` and the SDK that wrapt-hooks calls, as structural types:
// the packages are the application's (optional), so nothing here imports them. Types only.

export interface Context {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): Context;
}

export interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote?: boolean;
}

export interface Span {
  spanContext(): SpanContext;
  setAttributes(attributes: Record<string, string | number | boolean>): Span;
  setStatus(status: { code: number; message?: string }): Span;
  updateName(name: string): Span;
  recordException(exception: unknown): void;
  end(endTime?: number): void;
}

export interface SpanOptions {
  kind: number;
  attributes: Record<string, string | number | boolean>;
  startTime?: number;
}

export interface Tracer {
  startSpan(name: string, options: SpanOptions, context: Context): Span;
}

export interface Api {
  readonly ROOT_CONTEXT: Context;
  readonly trace: {
    getTracer(name: string, version?: string): Tracer;
    getSpan(context: Context): Span | undefined;
    setSpan(context: Context, span: Span): Context;
    setSpanContext(context: Context, spanContext: SpanContext): Context;
  };
  readonly context: {
    active(): Context;
    with<T>(context: Context, fn: () => T): T;
  };
}

/** What the SDK's span exporters do (`@opentelemetry/sdk-trace-base` SpanExporter). */
export interface SpanExporter {
  export(spans: unknown[], done: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}
