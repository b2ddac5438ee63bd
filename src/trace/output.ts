// Where trace and recipe lines go and what they look like: text (`wrapt-hooks: <source> …`) or,
// with WRAPT_TRACE_FORMAT=json, one JSON object per line; to WRAPT_TRACE_FILE or stderr,
// through the one writer (writer.ts). While the http recipe is on, a line written during an
// incoming request carries that request's id (`[req 7]`, JSON `"req": 7`). A text line written
// in a worker thread says which (`wrapt-hooks: [tid 2] trace …`), and WRAPT_TRACE_PREFIX puts the
// time, process id and thread id on every text line (`wrapt-hooks: [<ISO time> pid 42 tid 0] …`);
// a JSON line always carries `time`, `pid` and `tid` (docs/tracing.md).
// With export on (docs/opentelemetry.md), every event written here is also a span (`spans`,
// otel/export.ts).
import path = require('node:path');
import { PREFIX } from '../debug';
import { jsonFormat, pathSetting, prefixSetting, type Env, type PrefixField } from '../env';
import { describeCause, warn } from '../errors';
import { globalSlot, KEYS } from '../global-state';
import { fileSink, stderrSink, threadId, TraceFileRefused, type Sink } from '../writer';

/**
 * Another destination for some lines, with its own format: `wrapt-hooks attach` gets the lines of
 * the traces and recipes it turned on (docs/attach.md), in the format of its own environment.
 */
export interface Route {
  readonly json: boolean;
  /** Gets whole lines (ending with a newline); never throws. */
  write(text: string): void;
}

interface OutputState {
  json: boolean | undefined;
  /** WRAPT_TRACE_PREFIX's fields (tid added in a worker thread), read once per thread. */
  prefix: readonly PrefixField[] | undefined;
  tid: number | undefined;
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

const state = (): OutputState =>
  globalSlot<OutputState>(KEYS.output, () => ({ json: undefined, prefix: undefined, tid: undefined, sink: undefined, requestId: undefined }));

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

/** This thread's id, read once (0 on the main thread). */
function tid(): number {
  const s = state();
  return (s.tid ??= threadId());
}

/** The fields WRAPT_TRACE_PREFIX asks for, with `tid` in a worker thread; a bad item warns once. */
function prefixFields(env: Env = process.env): readonly PrefixField[] {
  const s = state();
  if (s.prefix !== undefined) return s.prefix;
  const { fields, unknown } = prefixSetting(env['WRAPT_TRACE_PREFIX']);
  // Once per process: a worker thread reads the same variable.
  if (unknown.length > 0 && tid() === 0) {
    warn(
      'WRAPT_HOOKS_TRACE_PREFIX',
      `WRAPT_TRACE_PREFIX: ${unknown.map((item) => `"${item}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a prefix field; use any of time, pid, tid (comma-separated). The others are used.`,
    );
  }
  if (!fields.includes('tid') && tid() !== 0) fields.push('tid');
  return (s.prefix = fields);
}

/**
 * `wrapt-hooks: ` and, when WRAPT_TRACE_PREFIX asks for fields (or in a worker thread), the
 * bracket that carries them: `wrapt-hooks: [2026-12-06T10:00:01.123Z pid 4242 tid 0] `.
 * Every text line starts with it: trace and recipe lines, and the WRAPT_HOOKS_DEBUG log.
 */
export function linePrefix(time?: number): string {
  const fields = prefixFields();
  if (fields.length === 0) return `${PREFIX} `;
  let bracket = '';
  for (const field of fields) {
    const part = field === 'time' ? new Date(time ?? Date.now()).toISOString() : field === 'pid' ? `pid ${process.pid}` : `tid ${tid()}`;
    bracket += bracket === '' ? part : ` ${part}`;
  }
  return `${PREFIX} [${bracket}] `;
}

/**
 * Writes one line to stderr (the WRAPT_HOOKS_DEBUG log); a line starting `wrapt-hooks: ` gets the
 * prefix. A closed stderr is not an error of ours (the writer drops the line).
 */
export function stderrLine(line: string): void {
  const text = line.startsWith(`${PREFIX} `) ? `${linePrefix()}${line.slice(PREFIX.length + 1)}` : line;
  stderrSink().write(text.endsWith('\n') ? text : `${text}\n`);
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
  let out: string;
  if (route === undefined ? jsonLines() : route.json) {
    const record: Record<string, unknown> = { time: new Date(options.time ?? Date.now()).toISOString(), pid: process.pid, tid: tid(), ...fields };
    if (typeof record['ms'] === 'number') record['ms'] = Math.round(record['ms'] * 1000) / 1000;
    if (req !== undefined) record['req'] = req;
    out = `${safeJson(record)}\n`;
  } else {
    const start = linePrefix(options.time);
    out = `${start}${source} ${req === undefined ? '' : `[req ${req}] `}${text}\n`;
    for (const line of options.extra ?? []) out += `${start}  ${line}\n`;
  }
  (route ?? traceSink()).write(out);
}

function safeJson(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  } catch (error) {
    return JSON.stringify({ time: record['time'], pid: record['pid'], tid: record['tid'], error: `unserialisable trace record: ${describeCause(error)}` });
  }
}
