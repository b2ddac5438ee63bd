// Where trace and recipe lines go and what they look like: text (`wrapt-hooks: <source> …`) or,
// with WRAPT_TRACE_FORMAT=json, one JSON object per line; to WRAPT_TRACE_FILE or stderr,
// through the one writer (writer.ts). While the http recipe is on, a line written during an
// incoming request carries that request's id (`[req 7]`, JSON `"req": 7`).
import path = require('node:path');
import { describeCause, warn } from '../errors';
import { PREFIX } from '../debug';
import { jsonFormat, pathSetting, type Env } from '../env';
import { globalSlot, KEYS } from '../global-state';
import { fileSink, stderrSink, type Sink } from '../writer';

interface OutputState {
  json: boolean | undefined;
  sink: Sink | undefined;
  /** Set by the http recipe: the id of the incoming request the current code runs for. */
  requestId: (() => number | undefined) | undefined;
}

const state = (): OutputState => globalSlot<OutputState>(KEYS.output, () => ({ json: undefined, sink: undefined, requestId: undefined }));

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
      warn(
        'WRAPT_HOOKS_TRACE_FILE',
        `cannot write trace lines to WRAPT_TRACE_FILE=${resolved}: ${describeCause(error)}. Trace lines go to stderr instead; fix the path or its permissions.`,
        error,
      );
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
 * Writes one event: `text` after `wrapt-hooks: <source> [req N] `, or `fields` as JSON with
 * `time`, `pid` and `req` added; `extra` lines (caller frames) follow the text line.
 */
export function emit(
  source: string,
  text: string,
  fields: Readonly<Record<string, unknown>>,
  options: { req?: number | undefined; time?: number | undefined; extra?: readonly string[] | undefined } = {},
): void {
  const req = 'req' in options ? options.req : currentRequestId();
  let out: string;
  if (jsonLines()) {
    const record: Record<string, unknown> = { time: new Date(options.time ?? Date.now()).toISOString(), pid: process.pid, ...fields };
    if (typeof record['ms'] === 'number') record['ms'] = Math.round(record['ms'] * 1000) / 1000;
    if (req !== undefined) record['req'] = req;
    out = `${safeJson(record)}\n`;
  } else {
    out = `${PREFIX} ${source} ${req === undefined ? '' : `[req ${req}] `}${text}\n`;
    for (const line of options.extra ?? []) out += `${PREFIX}   ${line}\n`;
  }
  traceSink().write(out);
}

function safeJson(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  } catch (error) {
    return JSON.stringify({ time: record['time'], pid: record['pid'], error: `unserialisable trace record: ${describeCause(error)}` });
  }
}
