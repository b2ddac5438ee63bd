// Errors and warnings: every problem has a code starting WRAPT_HOOKS_ and says what
// failed, where, and what to do.

import { globalSlot, KEYS } from './global-state';

export type ErrorCode =
  | 'WRAPT_HOOKS_CONFIG_NOT_FOUND'
  | 'WRAPT_HOOKS_CONFIG_PARSE'
  | 'WRAPT_HOOKS_CONFIG_INVALID'
  | 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY'
  | 'WRAPT_HOOKS_UNTRUSTED_FILE'
  | 'WRAPT_HOOKS_PATCH_NOT_FOUND'
  | 'WRAPT_HOOKS_PATCH_LOAD'
  | 'WRAPT_HOOKS_PATCH_EXPORT'
  | 'WRAPT_HOOKS_PATCH_FAILED'
  | 'WRAPT_HOOKS_PATCH_ASYNC'
  | 'WRAPT_HOOKS_PATCH_RETURN'
  | 'WRAPT_HOOKS_PACKAGE_NOT_FOUND'
  | 'WRAPT_HOOKS_PACKAGE_INVALID'
  | 'WRAPT_HOOKS_INVALID_ARGUMENT'
  | 'WRAPT_HOOKS_PATH_NOT_FOUND'
  | 'WRAPT_HOOKS_NOT_A_FUNCTION'
  | 'WRAPT_HOOKS_READ_ONLY'
  | 'WRAPT_HOOKS_TRACE_PATH'
  | 'WRAPT_HOOKS_TRACE_FILE'
  | 'WRAPT_HOOKS_TRACE_PREFIX'
  | 'WRAPT_HOOKS_ESM_UNAVAILABLE'
  | 'WRAPT_HOOKS_BUNDLE_NO_PRELOAD'
  | 'WRAPT_HOOKS_ESM_AGENT'
  | 'WRAPT_HOOKS_TARGET_NOT_FOUND'
  | 'WRAPT_HOOKS_BUILTIN_UNAVAILABLE'
  | 'WRAPT_HOOKS_DISABLE_UNKNOWN';

const ERROR_BRAND = KEYS.errorBrand;

/**
 * The error thrown in strict mode and by the wrapper functions; `code` says which problem.
 * `instanceof` holds across copies of the library (the preload's bundle and the library, two
 * installed versions): the class is recognised by a brand shared through `Symbol.for`.
 */
export class WraptHooksError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'WraptHooksError';
    this.code = code;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERROR_BRAND] === true;
  }
}
Object.defineProperty(WraptHooksError.prototype, ERROR_BRAND, { value: true });

// Warnings already given in this thread, shared by every copy of wrapt-hooks.
const seen = globalSlot(KEYS.warnings, () => new Set<string>());

/** One `WraptHooksWarning` through `process.emitWarning`; the same message is never repeated. */
export function warn(code: ErrorCode, message: string, cause?: unknown): void {
  const key = `${code}\0${message}`;
  if (seen.has(key)) return;
  seen.add(key);
  // The cause, whole, unless the message already says it.
  let detail = cause === undefined ? undefined : describeCause(cause);
  if (detail !== undefined && message.includes(detail)) detail = undefined;
  process.emitWarning(message, detail === undefined ? { type: 'WraptHooksWarning', code } : { type: 'WraptHooksWarning', code, detail });
}

/**
 * A problem found while the application runs: a warning (fail-open), or in strict mode a
 * thrown WraptHooksError.
 */
export function report(strict: boolean, code: ErrorCode, message: string, cause?: unknown): void {
  if (strict) throw new WraptHooksError(code, message, cause === undefined ? undefined : { cause });
  warn(code, message, cause);
}

// "JSON Error in /app/.wrapt-hooksrc.json:" and the like: the line cosmiconfig's loaders put
// before the parser's own message. Our messages name the file themselves.
const LOADER_PREFIX = /^(?:JSON|YAML|TypeScript|JS) Error in [^\n]*?:[ \t]*(?:\n|$)/;

/**
 * What an error said, whole: its name, code and every line of its message (a loader often puts
 * the real cause on the second line), without cosmiconfig's "… Error in <file>:" line. A
 * syntax error gets the file, line and column Node put on top of its stack.
 */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  const message = String(cause.message).replace(LOADER_PREFIX, '').trim();
  const at = cause.name === 'SyntaxError' ? syntaxLocation(cause.stack ?? '') : undefined;
  const where = at === undefined || message.includes(`${at.file}:${at.line}`) ? '' : ` (${at.file}:${at.line}:${at.column})`;
  return `${cause.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${message}${where}`;
}

/** The first line of `describeCause`, for rows that must stay on one line (the exit summary). */
export function describeCauseBriefly(cause: unknown): string {
  return describeCause(cause).split('\n')[0]!;
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

// "<file>:<line>\n<source line>\n   ^": what Node puts on top of a CommonJS SyntaxError's
// stack, and what `node --check` prints.
const ARROW = /^(?:file:\/\/)?([^\n]+?):(\d+)\n([^\n]*)\n( *)\^/;

/** The file, line and column of a syntax error, from the arrow text Node prints for it. */
export function syntaxLocation(text: string): SourceLocation | undefined {
  const match = ARROW.exec(text);
  if (match === null) return undefined;
  return { file: match[1]!, line: Number(match[2]), column: match[4]!.length + 1 };
}

/** Line and column (both from 1) of the character at `index` in `text`. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(Math.max(index, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

/**
 * Where a JSON or YAML parser stopped and why: js-yaml's `mark` and `reason`; for JSON, the
 * "(line L column C)" newer Node versions print, or the position (converted with `text`).
 * Undefined when the error says neither.
 */
export function parseErrorLocation(error: unknown, text?: string): { line: number; column: number; reason: string } | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { mark, reason: yamlReason, message } = error as { mark?: { line?: unknown; column?: unknown }; reason?: unknown; message?: unknown };
  if (mark !== undefined && typeof mark.line === 'number' && typeof mark.column === 'number') {
    return { line: mark.line + 1, column: mark.column + 1, reason: typeof yamlReason === 'string' ? yamlReason : String(message) };
  }
  const lines = String(message ?? '')
    .replace(LOADER_PREFIX, '')
    .split('\n');
  // parse-json (cosmiconfig's JSON loader) surrounds the reason with code frames.
  const reasonLine = lines.find((line) => /position \d+|end of JSON|JSON input/.test(line)) ?? lines.find((line) => line.trim() !== '') ?? '';
  const reason = reasonLine
    .replace(/ while parsing .*$/, '')
    .replace(/\s*(?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?/, '')
    .trim();
  const written = /\(line (\d+) column (\d+)\)/.exec(reasonLine);
  if (written !== null) return { line: Number(written[1]), column: Number(written[2]), reason };
  if (text === undefined) return undefined;
  const position = /at position (\d+)/.exec(reasonLine);
  if (position !== null) return { ...lineColumn(text, Number(position[1])), reason };
  if (/Unexpected end of JSON input/.test(reasonLine)) return { ...lineColumn(text, text.length), reason };
  // Node 20 says "Unexpected token '}', "…" is not valid JSON" with no position: find it.
  const index = jsonErrorIndex(text);
  return index === undefined ? undefined : { ...lineColumn(text, index), reason: reason.replace(/, (?:\.\.\.)?".*$/s, '') };
}

/** Where JSON.parse stops in `text` (the index of the first character that cannot continue it), or undefined when it parses. */
export function jsonErrorIndex(text: string): number | undefined {
  let i = 0;
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const expect = (char: string): void => {
    if (text[i] !== char) fail();
    i++;
  };
  const string = (): void => {
    expect('"');
    while (text[i] !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    i++;
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === close) {
          i++;
          return;
        }
        expect(',');
      }
    }
    if (char === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal === null) fail();
    i += literal![0].length;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (at) {
    if (typeof at !== 'number') throw at;
    return at;
  }
}

/**
 * A parse error as our messages show it: "line 4, column 3: Expected double-quoted property
 * name" (the parser's reason), or the whole cause when it says no position.
 */
export function describeParseError(error: unknown, text?: string): string {
  const at = parseErrorLocation(error, text);
  return at === undefined ? describeCause(error) : `line ${at.line}, column ${at.column}: ${at.reason}`;
}
