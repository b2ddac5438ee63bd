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
  | 'WRAPT_HOOKS_ESM_UNAVAILABLE'
  | 'WRAPT_HOOKS_BUNDLE_NO_PRELOAD';

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
  // The cause's first line, unless the message already says it.
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

/** The first line of an error, for messages. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${cause.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${cause.message.split('\n')[0]}`;
  }
  return String(cause);
}
