// Tracing without a patch file: `trace` entries, WRAPT_TRACE and `run --trace` become lazy
// post-import hooks that wrap one function each and log every call.
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeLine } from './debug';
import { describeCause, report } from './errors';
import type { PlanTrace } from './config';
import { resolvePath, wrapFunctionWrapper } from './patches';
import type { Registry } from './registry';

type Inspect = (value: unknown, options: object) => string;
let inspect: Inspect | undefined;
let isPromise: ((value: unknown) => boolean) | undefined;

const INSPECT_OPTIONS = Object.freeze({ depth: 1, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 60, compact: true });
const MAX_VALUE = 120;

export function registerTraces(registry: Registry, traces: readonly PlanTrace[], _dir: string): void {
  for (const trace of traces) {
    const patch = (exports: unknown): void => applyTrace(registry, trace, exports);
    Object.defineProperty(patch, 'name', { value: `trace ${trace.spec}` });
    registry.register(patch, trace.target, { baseDir: trace.baseDir, origin: trace.origin, immediate: false, planned: true });
  }
}

function applyTrace(registry: Registry, trace: PlanTrace, exports: unknown): void {
  let original: unknown;
  try {
    original = resolvePath(exports, trace.path)[2];
  } catch (error) {
    report(registry.strict, 'WRAPT_HOOKS_TRACE_PATH', `trace "${trace.spec}" (${trace.origin}): ${describeCause(error)}`, error);
    return;
  }
  if (typeof original !== 'function') {
    report(registry.strict, 'WRAPT_HOOKS_TRACE_PATH', `trace "${trace.spec}" (${trace.origin}): "${trace.path}" is ${original === undefined ? 'not there' : `a ${typeof original}, not a function`} when "${trace.target}" loads. Check the path against its exports (npx wrapt-hooks doctor lists them).`);
    return;
  }
  const name = trace.spec;
  const stack = trace.stack;
  wrapFunctionWrapper(exports, trace.path, (wrapped, instance, args) => {
    const caller = stack ? callerFrame() : undefined;
    const call = `${name}(${args.map(format).join(', ')})`;
    const start = process.hrtime.bigint();
    let result: unknown;
    try {
      result = wrapped(...args);
    } catch (error) {
      emit(`${call} -> threw ${describeError(error)} ${elapsed(start)}`, caller);
      throw error;
    }
    isPromise ??= (require('node:util/types') as typeof import('node:util/types')).isPromise;
    if (isPromise(result)) {
      // Observing a promise must not change it: handlers that never throw, the same promise returned.
      (result as Promise<unknown>).then(
        (value) => emit(`${call} -> resolved ${format(value)} ${elapsed(start)}`, caller),
        (error: unknown) => emit(`${call} -> rejected ${describeError(error)} ${elapsed(start)}`, caller),
      );
    } else {
      emit(`${call} -> ${format(result)} ${elapsed(start)}`, caller);
    }
    void instance;
    return result;
  });
}

function elapsed(start: bigint): string {
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)}ms`;
}

/** One short line of `util.inspect`; long strings (tokens, keys) are cut. */
export function format(value: unknown): string {
  try {
    inspect ??= (require('node:util') as typeof import('node:util')).inspect as Inspect;
    const text = inspect(value, INSPECT_OPTIONS).replace(/\s*\n\s*/g, ' ');
    return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
  } catch {
    return '[uninspectable]';
  }
}

function describeError(error: unknown): string {
  try {
    return describeCause(error);
  } catch {
    return '[uninspectable error]';
  }
}

/** The first stack frame outside wrapt-hooks: who called the traced function. */
function callerFrame(): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 20;
  Error.captureStackTrace(holder, callerFrame);
  Error.stackTraceLimit = limit;
  const lines = (holder.stack ?? '').split('\n').slice(1);
  const frame = lines.find((line) => !line.includes(__dirname));
  return frame?.trim();
}

let fd: number | undefined;

function emit(line: string, caller: string | undefined): void {
  const text = `wrapt-hooks: trace ${line}\n${caller === undefined ? '' : `wrapt-hooks:   ${caller}\n`}`;
  const file = process.env['WRAPT_TRACE_FILE'];
  if (file === undefined || file === '') {
    writeLine(text.slice(0, -1));
    return;
  }
  try {
    // O_APPEND: each line lands whole at the end, even with several processes writing.
    if (fd === undefined) {
      fd = openSync(file, 'a');
      process.once('exit', () => {
        if (fd !== undefined) closeSync(fd);
      });
    }
    writeSync(fd, text);
  } catch {
    writeLine(text.slice(0, -1));
  }
}
