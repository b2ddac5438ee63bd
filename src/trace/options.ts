// Trace entry options: the object form in the config (`{ "fn": "pg#Client.prototype.query",
// "slow": 5 }`) and the `+` suffixes of the string form (`pg#Client.prototype.query+this+slow=5`,
// in WRAPT_TRACE, `run --trace` and the config's `trace` list) mean the same, and are checked by
// the same code. A bad value is a problem naming the entry; the entry is still traced without it.

export interface TraceOptions {
  /** Caller frames shown under the line: 0 for none. */
  readonly stack: number;
  /** The receiver is shown before the arguments. */
  readonly this: boolean;
  /** Only calls taking at least this many milliseconds are written. */
  readonly slow: number | undefined;
  /** Only throws and rejections are written. */
  readonly errors: boolean;
  /** The fraction of calls written, 0–1. */
  readonly sample: number | undefined;
  /** Strings are shown up to this many characters. */
  readonly maxString: number | undefined;
}

export const DEFAULT_TRACE_OPTIONS: TraceOptions = Object.freeze({
  stack: 0,
  this: false,
  slow: undefined,
  errors: false,
  sample: undefined,
  maxString: undefined,
});

/** The option keys, in the order docs/tracing.md lists them (the object form also has `fn` and `enabled`). */
export const OPTION_KEYS = Object.freeze(['stack', 'this', 'slow', 'errors', 'sample', 'maxString'] as const);
type OptionKey = (typeof OPTION_KEYS)[number];

export interface OptionProblem {
  /** The option's key, as written. */
  readonly key: string;
  readonly unknown: boolean;
  readonly message: string;
}

/**
 * Splits `"<target>#<path>+opt+opt=value"` into the spec and its option values. Options follow
 * the function path (a path never holds `+`), so a `+` in the target (`./a+b.js#f`) stays.
 */
export function splitSpec(text: string): { spec: string; raw: Record<string, unknown> } {
  const hash = text.lastIndexOf('#');
  const plus = text.indexOf('+', hash + 1);
  if (hash <= 0 || plus === -1) return { spec: text, raw: {} };
  const raw: Record<string, unknown> = {};
  for (const part of text.slice(plus + 1).split('+')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    // `+stack` is `stack: true`; `+slow=5` is the text "5", read as the object form's number.
    raw[eq === -1 ? item : item.slice(0, eq)] = eq === -1 ? true : fromText(item.slice(eq + 1));
  }
  return { spec: text.slice(0, plus).trim(), raw };
}

function fromText(value: string): unknown {
  const text = value.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
}

/** Checks option values (object form or parsed suffixes); keys other than options are the caller's. */
export function readOptions(raw: Readonly<Record<string, unknown>>, ignore: readonly string[] = []): { options: TraceOptions; problems: OptionProblem[] } {
  const problems: OptionProblem[] = [];
  const out: { -readonly [K in OptionKey]: TraceOptions[K] } = { ...DEFAULT_TRACE_OPTIONS };
  const set = (key: 'this' | 'errors', value: boolean): void => {
    out[key] = value;
  };
  const bad = (key: string, expected: string, value: unknown): void => {
    problems.push({ key, unknown: false, message: `expected ${expected}, got ${describe(value)}` });
  };
  for (const [key, value] of Object.entries(raw)) {
    if (ignore.includes(key)) continue;
    switch (key as OptionKey) {
      case 'stack':
        if (value === true) out.stack = 1;
        else if (value === false) out.stack = 0;
        else if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100) out.stack = value as number;
        else bad(key, 'true, false or a number of frames from 0 to 100', value);
        break;
      case 'this':
      case 'errors':
        if (typeof value === 'boolean') set(key as 'this' | 'errors', value);
        else bad(key, 'true or false', value);
        break;
      case 'slow':
        if (typeof value === 'number' && Number.isFinite(value) && value >= 0) out.slow = value;
        else bad(key, 'a number of milliseconds (0 or more), like 5', value);
        break;
      case 'sample':
        if (typeof value === 'number' && value >= 0 && value <= 1) out.sample = value;
        else bad(key, 'a fraction from 0 to 1, like 0.1', value);
        break;
      case 'maxString':
        if (Number.isInteger(value) && (value as number) >= 1) out.maxString = value as number;
        else bad(key, 'a whole number of characters (1 or more), like 500', value);
        break;
      default:
        problems.push({ key, unknown: true, message: `unknown option (known: ${OPTION_KEYS.join(', ')})` });
    }
  }
  return { options: Object.freeze(out), problems };
}

/** Two entries for one function: the later one's options win where it sets them. */
export function mergeOptions(first: TraceOptions, later: TraceOptions): TraceOptions {
  const merged: Record<string, unknown> = { ...first };
  for (const key of OPTION_KEYS) {
    if (later[key] !== DEFAULT_TRACE_OPTIONS[key]) merged[key] = later[key];
  }
  return Object.freeze(merged) as unknown as TraceOptions;
}

/** `+this+slow=5`: the suffix form of options (for messages, doctor and `run --trace`). */
export function optionSuffix(options: TraceOptions): string {
  let text = '';
  for (const key of OPTION_KEYS) {
    const value = options[key];
    if (value === DEFAULT_TRACE_OPTIONS[key]) continue;
    text += value === true || (key === 'stack' && value === 1) ? `+${key}` : `+${key}=${String(value)}`;
  }
  return text;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** A trace entry of the plan (config "trace", WRAPT_TRACE, a patch package's field). */
export interface PlanTrace {
  readonly target: string;
  readonly path: string;
  readonly spec: string;
  /** The entry's options (`+stack`, `{ "slow": 5 }`, ...). */
  readonly options: TraceOptions;
  /** `options.stack > 0`. */
  readonly stack: boolean;
  readonly baseDir: string;
  readonly origin: string;
}
