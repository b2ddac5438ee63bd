// What a line wrapt-hooks prints looks like: the `wrapt-hooks:` prefix every text line starts
// with (trace and recipe lines, the WRAPT_HOOKS_DEBUG log, the exit summary, the CLI's errors),
// the bracket WRAPT_TRACE_PREFIX adds after it (`wrapt-hooks: [<ISO time> pid 42 tid 0] `; a text
// line written in a worker thread always says `[tid 2]`), and a trace event as one text line or
// one JSON object (WRAPT_TRACE_FORMAT=json; `time`, `pid` and `tid` always, `req` during an
// incoming request) (docs/tracing.md). Where a trace line goes is trace/output.ts. Loaded with the
// first line written (debug.ts requires it then), not at every start.
import { prefixSetting, type Env, type PrefixField } from './env';
import { describeCause, warn } from './errors';
import { globalSlot, KEYS } from './global-state';
import { threadId } from './thread';
import { stderrSink } from './writer';

/** What every line wrapt-hooks prints starts with (debug, summary, trace and recipe lines, the CLI's errors). */
export const PREFIX = 'wrapt-hooks:';

interface LineState {
  /** WRAPT_TRACE_PREFIX's fields (tid added in a worker thread), read once per thread. */
  prefix?: readonly PrefixField[] | undefined;
  tid?: number | undefined;
}

/** Kept with the trace output's state (trace/output.ts), shared by every copy of wrapt-hooks in the thread. */
const state = (): LineState => globalSlot<LineState>(KEYS.output, () => ({}));

/** This thread's id, read once (0 on the main thread). */
export function tid(): number {
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
 * One trace event: `text` after `wrapt-hooks: [prefix] <source> [req N] `, with `extra` lines
 * (caller frames) after it, or (`json`) `fields` as one JSON object with `time`, `pid`, `tid`
 * and `req` added. Ends with a newline.
 */
export function eventLine(
  source: string,
  text: string,
  fields: Readonly<Record<string, unknown>>,
  json: boolean,
  options: { req?: number | undefined; time?: number | undefined; extra?: readonly string[] | undefined },
): string {
  const { req } = options;
  if (json) {
    const record: Record<string, unknown> = { time: new Date(options.time ?? Date.now()).toISOString(), pid: process.pid, tid: tid(), ...fields };
    if (typeof record['ms'] === 'number') record['ms'] = Math.round(record['ms'] * 1000) / 1000;
    if (req !== undefined) record['req'] = req;
    return `${safeJson(record)}\n`;
  }
  const start = linePrefix(options.time);
  let out = `${start}${source} ${req === undefined ? '' : `[req ${req}] `}${text}\n`;
  for (const line of options.extra ?? []) out += `${start}  ${line}\n`;
  return out;
}

function safeJson(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  } catch (error) {
    return JSON.stringify({ time: record['time'], pid: record['pid'], tid: record['tid'], error: `unserialisable trace record: ${describeCause(error)}` });
  }
}
