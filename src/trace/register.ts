// Tracing without a patch file: `trace` entries, WRAPT_TRACE and `run --trace` become lazy
// post-import hooks that wrap one function each and log every call, one line per call:
//
//   wrapt-hooks: trace greeter#shout('x') -> 'X' 0.04ms
//
// The traced function must behave exactly as before: same result, same exception, same `this`,
// the same promise object, and no change to how that promise's rejection is handled (see
// "promises" below). Nothing here writes to stdout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlanTrace } from '../config/types';
import { describeCause, report, warn } from '../errors';
import { resolvePath, wrapFunctionWrapper } from '../wrap/patches';
import type { Registry } from '../core/registry';
import { parseTarget } from '../core/targets';
import type { Wrapper } from '../types';
import { describeError, elapsed, format, formatArgs, isPromise, loadInspect, promiseState } from './format';

// The fs functions used to write trace lines, taken before any patch can wrap them, so that
// tracing `fs#writeSync` does not trace its own output.
const writeSync = fs.writeSync;
const openSync = fs.openSync;

/** Set while trace lines are being built or written: traced calls made then are not traced. */
let busy = false;

/** Where trace lines go: fd 2, or the file WRAPT_TRACE_FILE names (resolved when traces are registered). */
let traceFile: string | undefined;
let traceFd: number | undefined;

/** Registers each trace entry as a lazy post-import hook (nothing loads until its target does). */
export function registerTraces(registry: Registry, traces: readonly PlanTrace[], _dir?: string): void {
  // The builtins a trace uses, loaded now, before the module hooks exist: loading them later
  // would go through the hooks (and fire the hooks of a "util" or "v8" target from inside a
  // traced call), and the functions taken now are the originals even if they are traced.
  loadInspect();
  onSettled ??= settledHook();
  const file = process.env['WRAPT_TRACE_FILE'];
  if (file !== undefined && file !== '') traceFile = path.resolve(file);
  for (const trace of dedupe(traces)) {
    const patch = (exports: unknown): void => applyTrace(registry, trace, exports);
    Object.defineProperty(patch, 'name', { value: `trace ${trace.spec}` });
    registry.register(patch, trace.target, { baseDir: trace.baseDir, origin: trace.origin, immediate: false, planned: true });
  }
}

/** The same function listed twice (config and WRAPT_TRACE) is traced once; `stack` if either asks. */
function dedupe(traces: readonly PlanTrace[]): PlanTrace[] {
  const byKey = new Map<string, PlanTrace>();
  const out: PlanTrace[] = [];
  for (const trace of traces) {
    const target = parseTarget(trace.target, trace.baseDir);
    const key = `${typeof target === 'string' ? `${trace.baseDir}\0${trace.target}` : target.key}#${trace.path}`;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, trace);
      out.push(trace);
    } else if (trace.stack && !seen.stack) {
      const merged = { ...seen, stack: true };
      byKey.set(key, merged);
      out[out.indexOf(seen)] = merged;
    }
  }
  return out;
}

function applyTrace(registry: Registry, trace: PlanTrace, exports: unknown): void {
  const where = `trace "${trace.spec}" (${trace.origin})`;
  const fail = (message: string, error?: unknown): void => {
    registry.notApplied(message);
    report(registry.strict, 'WRAPT_HOOKS_TRACE_PATH', message, error);
  };
  let original: unknown;
  try {
    original = resolvePath(exports, trace.path)[2];
  } catch (error) {
    fail(`${where}: ${describeCause(error)}`, error);
    return;
  }
  if (typeof original !== 'function') {
    const what =
      original === undefined
        ? 'not there'
        : `${original === null ? 'null' : typeof original === 'object' ? 'an object' : `a ${typeof original}`}, not a function`;
    fail(
      `${where}: "${trace.path}" is ${what} when "${trace.target}" loads, so it is not traced. Check the path against the module's exports (methods are "Class.prototype.method").`,
    );
    return;
  }
  try {
    wrapFunctionWrapper(exports, trace.path, tracer(trace, trace.spec));
  } catch (error) {
    fail(`${where}: cannot trace "${trace.path}": ${describeCause(error)}`, error);
  }
}

/** The wrapper that logs each call of one traced function. */
function tracer(trace: PlanTrace, label: string): Wrapper {
  const withStack = trace.stack;
  return (wrapped, _instance, args) => {
    if (busy) return wrapped(...args);
    const caller = withStack ? quietly(callerFrame) : undefined;
    const call = `${label}(${quietly(() => formatArgs(args))})`;
    const start = process.hrtime.bigint();
    let result: unknown;
    try {
      result = wrapped(...args);
    } catch (error) {
      const end = process.hrtime.bigint();
      quietly(() => emit(`${call} -> threw ${describeError(error)} ${elapsed(start, end)}`, caller));
      // Node prints the source line of the last `throw` above an uncaught error: say whose it is.
      throw error; // wrapt-hooks trace: rethrowing, unchanged, what the traced function threw
    }
    const end = process.hrtime.bigint();
    quietly(() => {
      if (isPromise(result)) observe(result as Promise<unknown>, call, start, end, caller);
      else emit(`${call} -> ${format(result)} ${elapsed(start, end)}`, caller);
    });
    return result;
  };
}

/** Runs `fn` with tracing of nested calls off; never throws (a trace must not break the app). */
function quietly<T>(fn: () => T): T | undefined {
  const was = busy;
  busy = true;
  try {
    return fn();
  } catch {
    return undefined;
  } finally {
    busy = was;
  }
}

// ---- promises --------------------------------------------------------------------------------
//
// A returned promise is logged when it settles, and it is returned unchanged. Observing it
// with `.then(onFulfilled, onRejected)` would mark it handled: an application that forgot to
// handle a rejection would no longer see 'unhandledRejection' nor crash. So the promise gets
// no handler at all. Settlement is observed with V8's promise hooks (`v8.promiseHooks.onSettled`,
// switched on only while a traced promise is pending), and the outcome is read with
// `util.inspect`, which reads a promise's state without reacting to it. The hook runs before
// V8 records the state, so the line is written from a microtask queued there: after the
// promise has settled, before any handler of the application runs, and before Node decides
// whether a rejection was handled.

interface Watch {
  readonly call: string;
  readonly start: bigint;
  readonly caller: string | undefined;
  done: boolean;
}

type OnSettled = (hook: (promise: Promise<unknown>) => void) => () => void;
/** Pending traced promises; a promise returned by several calls has one watch per call. */
const watching = new WeakMap<object, Watch[]>();
let watchCount = 0;
let stopHook: (() => void) | undefined;
let onSettled: OnSettled | null | undefined;
// A traced promise that never settles and is collected must not keep the hook on forever.
let finalizer: FinalizationRegistry<Watch> | undefined;

function observe(promise: Promise<unknown>, call: string, start: bigint, end: bigint, caller: string | undefined): void {
  const state = promiseState(promise);
  if (state !== undefined) {
    emit(`${call} -> ${state} ${elapsed(start, end)}`, caller);
    return;
  }
  onSettled ??= settledHook();
  if (onSettled === null) {
    // No promise hooks in this runtime: say what was returned and leave the promise alone.
    emit(`${call} -> ${format(promise)} ${elapsed(start, end)}`, caller);
    return;
  }
  const watch: Watch = { call, start, caller, done: false };
  const list = watching.get(promise);
  if (list === undefined) watching.set(promise, [watch]);
  else list.push(watch);
  finalizer ??= new FinalizationRegistry(release);
  finalizer.register(promise, watch, watch);
  watchCount++;
  stopHook ??= onSettled(settled);
}

function settledHook(): OnSettled | null {
  try {
    const hooks = (require('node:v8') as { promiseHooks?: { onSettled?: OnSettled } }).promiseHooks;
    return typeof hooks?.onSettled === 'function' ? hooks.onSettled.bind(hooks) : null;
  } catch {
    return null;
  }
}

/** The promise hook: runs for every promise that settles while a traced one is pending. */
function settled(promise: Promise<unknown>): void {
  if (!watching.has(promise)) return;
  const end = process.hrtime.bigint();
  queueMicrotask(() => {
    quietly(() => {
      const list = watching.get(promise);
      if (list === undefined) return;
      const state = promiseState(promise);
      if (state === undefined) return; // resolved with a pending thenable: the hook runs again
      watching.delete(promise);
      for (const watch of list) {
        finalizer?.unregister(watch);
        release(watch);
        emit(`${watch.call} -> ${state} ${elapsed(watch.start, end)}`, watch.caller);
      }
    });
  });
}

function release(watch: Watch): void {
  if (watch.done) return;
  watch.done = true;
  watchCount--;
  if (watchCount === 0 && stopHook !== undefined) {
    const stop = stopHook;
    stopHook = undefined;
    try {
      stop();
    } catch {
      // already stopped
    }
  }
}

/** The first stack frame outside wrapt-hooks: who called the traced function. */
function callerFrame(): string | undefined {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 30;
  } catch {
    // a frozen Error: keep its limit
  }
  try {
    Error.captureStackTrace(holder, callerFrame);
  } finally {
    try {
      Error.stackTraceLimit = limit;
    } catch {
      // as above
    }
  }
  if (typeof holder.stack !== 'string') return undefined;
  const own = __dirname + path.sep;
  const frame = holder.stack
    .split('\n')
    .slice(1)
    .find((line) => !line.includes(own) && !line.includes(`file://${own}`));
  return frame?.trim();
}

// ---- output ----------------------------------------------------------------------------------

/**
 * Writes one trace line (and the caller's frame) with a single synchronous write: to stderr,
 * or appended to WRAPT_TRACE_FILE (O_APPEND: with several processes appending, every write
 * lands whole at the end of the file, so lines are never interleaved).
 */
function emit(line: string, caller: string | undefined): void {
  const text = `wrapt-hooks: trace ${line}\n${caller === undefined ? '' : `wrapt-hooks:   ${caller}\n`}`;
  const was = busy;
  busy = true;
  try {
    write(text);
  } finally {
    busy = was;
  }
}

function write(text: string): void {
  if (traceFile !== undefined) {
    try {
      traceFd ??= openSync(traceFile, 'a', 0o600);
      writeSync(traceFd, text);
      return;
    } catch (error) {
      const file = traceFile;
      traceFile = undefined;
      traceFd = undefined;
      warn(
        'WRAPT_HOOKS_TRACE_FILE',
        `cannot write trace lines to WRAPT_TRACE_FILE=${file}: ${describeCause(error)}. Trace lines go to stderr instead; fix the path or its permissions.`,
        error,
      );
    }
  }
  try {
    writeSync(2, text);
  } catch {
    // stderr closed (EPIPE/EBADF): there is nowhere left to write to.
  }
}
