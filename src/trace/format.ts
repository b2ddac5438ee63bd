// Trace values as one short line each: util.inspect bounded in depth and length, secrets
// redacted (redact*.ts), errors as "Name: message", durations in ms. A value in a JSON line is
// json-value.ts. The text is cut to what the
// line shows before redaction reads it, so a value of any size costs what its first few hundred
// characters cost.
import { redactText } from './redact';
import { redactInspected } from './redact-inspect';
type Inspect = (value: unknown, options: object) => string;
type UtilTypes = typeof import('node:util/types');
let inspectFn: Inspect | undefined;
let loadedTypes: UtilTypes | undefined;

/**
 * `util.inspect` options for one short line: strings longer than MAX_STRING are cut by inspect
 * itself (`'abc…'... 60 more characters`), so a token, key or password inside a long string
 * never reaches the log whole, while paths and short values stay readable; arrays, buffers and
 * nesting are bounded too.
 */
export const MAX_STRING = 48;
const INSPECT_OPTIONS = Object.freeze({ depth: 1, breakLength: Infinity, compact: true, maxArrayLength: 5, maxStringLength: MAX_STRING });
/** One value (an argument, a result) is cut to this many characters. */
export const MAX_VALUE = 120;
/** The whole argument list is cut to this many characters. */
const MAX_ARGS = 240;
export function elapsed(start: bigint, end: bigint): string {
  return ms(Number(end - start) / 1e6);
}

/** A duration as trace lines show it: `0.04ms`, `12.3ms`. */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)}ms`;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** How much of a value is shown: the defaults, or larger with the `maxString` option. */
export interface Limits {
  readonly inspect: Readonly<Record<string, unknown>>;
  readonly value: number;
  readonly args: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({ inspect: INSPECT_OPTIONS, value: MAX_VALUE, args: MAX_ARGS });

/** Limits for `maxString: N`: strings up to N characters, and room for them in the line. */
export function limitsFor(maxString: number | undefined): Limits {
  if (maxString === undefined) return DEFAULT_LIMITS;
  return Object.freeze({
    inspect: Object.freeze({ ...INSPECT_OPTIONS, maxStringLength: maxString }),
    value: Math.max(MAX_VALUE, maxString + 40),
    args: Math.max(MAX_ARGS, maxString + 80),
  });
}

export function formatArgs(args: readonly unknown[], limits: Limits = DEFAULT_LIMITS): string {
  let text = '';
  for (let i = 0; i < args.length; i++) {
    const next = `${i === 0 ? '' : ', '}${format(args[i], limits)}`;
    if (text.length + next.length > limits.args) return `${text}${i === 0 ? '' : ', '}… ${args.length - i} more`;
    text += next;
  }
  return text;
}

/** One short line of `util.inspect`: long strings cut, values of secret-looking keys redacted, errors as "Name: message". */
export function format(value: unknown, limits: Limits = DEFAULT_LIMITS): string {
  try {
    if (isError(value)) return describeError(value);
    return shown(inspect(value, limits.inspect), limits.value);
  } catch {
    return '[uninspectable]';
  }
}

/**
 * util.inspect, with every Error it meets shown as `[Name: message]`. Inspecting an error
 * reads its `stack`, and once V8 has formatted a stack the error loses the source excerpt
 * Node prints above it if it ever crashes the process (`file.js:4` and the `^` line); a traced
 * rejection the application leaves unhandled must crash exactly as it did. So while inspect
 * runs (synchronously, no application code in between), Error.prototype gets an inspect.custom
 * method that reads only `name`, `message` and `code`.
 */
function inspect(value: unknown, options: object): string {
  inspectFn ??= (require('node:util') as { inspect: Inspect }).inspect;
  // A primitive holds no error: no need to touch Error.prototype (which costs every later
  // property access on errors their fast path for a while).
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return inspectFn(value, options);
  const proto = Error.prototype as unknown as Record<symbol, unknown>;
  let installed = false;
  if (!Object.prototype.hasOwnProperty.call(proto, INSPECT_CUSTOM)) {
    try {
      Object.defineProperty(proto, INSPECT_CUSTOM, { value: shortError, configurable: true, writable: true, enumerable: false });
      installed = true;
    } catch {
      // frozen intrinsics: errors print in full
    }
  }
  try {
    return inspectFn(value, options);
  } finally {
    if (installed) delete proto[INSPECT_CUSTOM];
  }
}

const INSPECT_CUSTOM = Symbol.for('nodejs.util.inspect.custom');
/** The last error shortError printed (to tell a rejection's reason from a value that looks like one). */
let lastShortError: string | undefined;

function shortError(this: unknown): string {
  lastShortError = describeError(this);
  return `[${lastShortError}]`;
}

/**
 * inspect's output as a line shows it: cut to `max` characters (a little more first, so that a
 * cut never falls inside the line's own ending), on one line, secrets redacted, then cut.
 */
export function shown(text: string, max: number): string {
  const room = max + 64;
  const truncated = text.length > room;
  let line = truncated ? text.slice(0, room) : text;
  if (line.includes('\n')) line = oneLine(line);
  return cut(redactInspected(line, truncated), max);
}

/** Line breaks and the indentation around them as one space (linear: no pattern runs). */
function oneLine(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('\n', i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    let before = at;
    while (before > i && isBlank(text.charCodeAt(before - 1))) before--;
    let after = at + 1;
    while (after < text.length && (isBlank(text.charCodeAt(after)) || text.charCodeAt(after) === 0x0a)) after++;
    out += `${text.slice(i, before)} `;
    i = after;
  }
  return out;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

/** A URL (or a path with a query) without its user info and secret-looking query values. */
export { redactUrl } from './redact';

/** One command-line argument, or free text, with credentials redacted (redact.ts). */
export function redactArg(arg: string): string {
  return redactText(arg);
}

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** node:util/types, required once (loadInspect requires it before the module hooks exist). */
export function utilTypes(): UtilTypes {
  return (loadedTypes ??= require('node:util/types') as UtilTypes);
}

export function isError(value: unknown): value is Error {
  const types = utilTypes();
  // `instanceof` would run a proxy's getPrototypeOf trap: application code.
  return types.isNativeError(value) || (typeof value === 'object' && value !== null && !types.isProxy(value) && value instanceof Error);
}

/** `Name [code]: first line of the message`, cut; anything else thrown is inspected. */
export function describeError(error: unknown): string {
  try {
    if (!isError(error)) return format(error);
    const code = (error as { code?: unknown }).code;
    const full = String(error.message);
    const newline = full.indexOf('\n');
    // Only what the line shows is read: a message of any size costs the same.
    const message = (newline < 0 ? full : full.slice(0, newline)).slice(0, MAX_VALUE + 1);
    const tag = typeof code === 'string' && !message.startsWith(code) ? ` [${code}]` : '';
    const line = `${String(error.name).slice(0, MAX_VALUE)}${tag}: ${message}`;
    return cut(redactText(line.slice(0, MAX_VALUE + 1), line.length > MAX_VALUE), MAX_VALUE);
  } catch {
    return '[uninspectable error]';
  }
}

/**
 * `resolved <value>` / `rejected <reason>` for a settled promise, undefined while it is pending;
 * read through util.inspect, which does not add a reaction to the promise.
 */
export function promiseState(promise: Promise<unknown>, limits: Limits = DEFAULT_LIMITS): string | undefined {
  lastShortError = undefined;
  const text = inspect(promise, { ...limits.inspect, depth: INSPECT_OPTIONS.depth + 1 });
  const open = text.indexOf('{ ');
  const close = text.lastIndexOf(' }');
  if (open === -1 || close <= open) return `resolved ${shown(text, limits.value)}`;
  const body = withoutAsyncIds(text.slice(open + 2, close));
  if (body === '<pending>' || body.startsWith('<pending>,')) return undefined;
  if (body.startsWith('<rejected> ')) {
    const reason = body.slice('<rejected> '.length);
    // An error is printed by shortError as "[Name: message]": shown without the brackets.
    const first = lastShortError !== undefined && reason === `[${lastShortError}]` ? cut(lastShortError, limits.value) : shown(reason, limits.value);
    return `rejected ${first}`;
  }
  return `resolved ${shown(body, limits.value)}`;
}

/**
 * While async hooks are on (an AsyncLocalStorage, the http recipe, an APM agent), Node 20 and 22
 * keep a promise's async ids and store as symbol-keyed properties, which inspect prints after
 * its state: `42, [Symbol(async_id_symbol)]: 3, …` (Node 24 under the test runner: without the brackets). They are Node's bookkeeping, not the value.
 */
function withoutAsyncIds(body: string): string {
  const at = body.search(/, \[?Symbol\((?:async_id_symbol|trigger_async_id_symbol|kResourceStore)\)\]?: /);
  return at === -1 ? body : body.slice(0, at);
}

/** Loads util.inspect and util.types now, before the module hooks exist (see registerTraces). */
export function loadInspect(): void {
  inspectFn ??= (require('node:util') as { inspect: Inspect }).inspect;
  utilTypes();
}

export function isPromise(value: unknown): boolean {
  return utilTypes().isPromise(value);
}
