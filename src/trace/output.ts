// Where trace and recipe lines go: WRAPT_TRACE_FILE or stderr, through the one writer
// (writer.ts), or a route of their own (`wrapt-hooks attach`); as text or, with
// WRAPT_TRACE_FORMAT=json, one JSON object per line. What a line looks like (its prefix,
// `[req N]`, the JSON fields) is line.ts. While the http recipe is on, a line written during an
// incoming request carries that request's id (`[req 7]`, JSON `"req": 7`), provided from here.
// With export on (docs/opentelemetry.md), every event written here is also a span (`spans`,
// otel/export.ts).
import path = require('node:path');
import { jsonFormat, pathSetting, type Env } from '../env';
import { describeCause, warn } from '../errors';
import { globalSlot, KEYS } from '../global-state';
import { eventLine } from '../line';
import type { Sink } from '../sink';
import { fileSink, stderrSink, TraceFileRefused } from '../writer';

/**
 * Another destination for some lines, with its own format: `wrapt-hooks attach` gets the lines of
 * the traces and recipes it turned on (docs/attach.md), in the format of its own environment.
 */
export interface Route {
  readonly json: boolean;
  /** Gets whole lines (ending with a newline); never throws. */
  write(text: string): void;
}

/** This thread's destination and format of trace lines (line.ts keeps the line prefix's fields in the same slot). */
interface OutputState {
  json: boolean | undefined;
  sink: Sink | undefined;
  /** Set by the http recipe: the id of the incoming request the current code runs for. */
  requestId: (() => number | undefined) | undefined;
  /** Recipes whose lines go elsewhere than the process's own trace output, by source name. */
  routes?: Map<string, Route>;
  /** Set when export is on: where events become spans. */
  spans?: SpanExport | undefined;
}

/** A span begun before its event is written (a traced call, an http request), ended by it. */
export interface OpenSpan {
  /** Runs `fn` with this span active: spans begun meanwhile are its children. */
  run<T>(fn: () => T): T;
  /** The W3C `traceparent` header that makes a request's receiver continue this span's trace. */
  traceparent(): string;
  /** Ends a traced call's span; a failure sets status ERROR and records the exception. */
  endCall(failed: boolean, error: unknown): void;
}

/** Spans for the events written here (otel/export.ts implements it). */
export interface SpanExport {
  /** A traced call begins (`greeter#shout`). */
  call(label: string): OpenSpan | undefined;
  /** A traced call decided late (`slow`, `errors`), ending now after `ms`: its span, made after the fact. */
  calledFor(label: string, ms: number, failed: boolean, error: unknown): void;
  /** An incoming request begins; its `traceparent` header, if any, is continued. */
  server(traceparent: unknown): OpenSpan | undefined;
  /**
   * An outgoing request begins: its span, or null when OpenTelemetry suppresses tracing here
   * (an exporter's own request), so that its event makes no span either.
   */
  client(): OpenSpan | null | undefined;
  /** True while wrapt-hooks' own exporter posts spans: its requests are not events. */
  exporting(): boolean;
  /** An event is written: the span it began ends now, or one is made that lasted `fields.ms` (none for null). */
  event(source: string, fields: Readonly<Record<string, unknown>>, span: OpenSpan | null | undefined): void;
}

const state = (): OutputState => globalSlot<OutputState>(KEYS.output, () => ({ json: undefined, sink: undefined, requestId: undefined }));

/** Sends every line of `source` (a recipe's name) to `route`, or back to the process's output (undefined). */
export function routeSource(source: string, route: Route | undefined): void {
  const s = state();
  if (route === undefined) s.routes?.delete(source);
  else (s.routes ??= new Map()).set(source, route);
}

/** Export on (otel/export.ts installs it) or off. */
export function setSpanExport(spans: SpanExport | undefined): void {
  state().spans = spans;
}

/** Where events become spans, when export is on. */
export function spanExport(): SpanExport | undefined {
  return state().spans;
}

/** WRAPT_TRACE_FORMAT=json: one JSON object per line. */
export function jsonLines(env: Env = process.env): boolean {
  const s = state();
  return (s.json ??= jsonFormat(env['WRAPT_TRACE_FORMAT']));
}

/** The trace writer: WRAPT_TRACE_FILE (resolved against the working directory) or stderr. */
export function traceSink(env: Env = process.env): Sink {
  const s = state();
  if (s.sink !== undefined) return s.sink;
  const file = pathSetting(env['WRAPT_TRACE_FILE']);
  if (file !== undefined) {
    const resolved = path.resolve(file);
    try {
      return (s.sink = fileSink(resolved));
    } catch (error) {
      if (error instanceof TraceFileRefused) {
        warn(
          'WRAPT_HOOKS_TRACE_FILE',
          `refusing to write trace lines to WRAPT_TRACE_FILE=${resolved}: ${error.message}. Trace lines go to stderr instead; point WRAPT_TRACE_FILE at a new file or at one only this user can write (mode 0600).`,
        );
      } else {
        warn(
          'WRAPT_HOOKS_TRACE_FILE',
          `cannot write trace lines to WRAPT_TRACE_FILE=${resolved}: ${describeCause(error)}. Trace lines go to stderr instead; fix the path or its permissions.`,
          error,
        );
      }
    }
  }
  return (s.sink = stderrSink());
}

/** The http recipe installs the provider of the current request's id. */
export function setRequestIdProvider(provider: (() => number | undefined) | undefined): void {
  state().requestId = provider;
}

/** The id of the incoming request the current code runs for, if the http recipe is on. */
export function currentRequestId(): number | undefined {
  const provider = state().requestId;
  if (provider === undefined) return undefined;
  try {
    return provider();
  } catch {
    return undefined;
  }
}

/**
 * Writes one event: `text` after `wrapt-hooks: [prefix] <source> [req N] `, or `fields` as JSON
 * with `time`, `pid`, `tid` and `req` added; `extra` lines (caller frames) follow the text line.
 */
export function emit(
  source: string,
  text: string,
  fields: Readonly<Record<string, unknown>>,
  options: {
    req?: number | undefined;
    time?: number | undefined;
    extra?: readonly string[] | undefined;
    route?: Route | undefined;
    span?: OpenSpan | null | undefined;
  } = {},
): void {
  // Traced calls end their own spans (tracer.ts); every other event is a span here.
  const spans = state().spans;
  if (spans !== undefined && source !== 'trace') spans.event(source, fields, options.span);
  const req = 'req' in options ? options.req : currentRequestId();
  const route = options.route ?? state().routes?.get(source);
  const out = eventLine(source, text, fields, route === undefined ? jsonLines() : route.json, { req, time: options.time, extra: options.extra });
  (route ?? traceSink()).write(out);
}
