// Tracing without a patch file: `trace` entries, WRAPT_TRACE and `run --trace` become lazy
// post-import hooks that wrap one function each (tracer.ts) when its target loads. Nothing
// loads or wraps until then.
import { describeCause, report } from '../errors';
import { resolvePath, wrapFunctionWrapper } from '../wrap/patches';
import type { Registry } from '../core/registry';
import { parseTarget } from '../core/targets';
import { loadInspect } from './format';
import { mergeOptions, type PlanTrace } from './options';
import { jsonLines, traceSink } from './output';
import { loadPromiseHooks } from './promises';
import { statsFor, type Stats } from './summary';
import { quietly, tracer } from './tracer';

export interface TraceSettings {
  /** WRAPT_TRACE_SUMMARY / "traceSummary": per-function counts and times at exit. */
  readonly summary?: boolean;
}

/** Registers each trace entry as a lazy post-import hook (nothing loads until its target does). */
export function registerTraces(registry: Registry, traces: readonly PlanTrace[], settings: TraceSettings = {}): void {
  // The builtins a trace uses, loaded now, before the module hooks exist: loading them later
  // would go through the hooks (and fire the hooks of a "util" or "v8" target from inside a
  // traced call), and the functions taken now are the originals even if they are traced.
  loadInspect();
  loadPromiseHooks(quietly);
  // The destination is settled now: a WRAPT_TRACE_FILE that cannot be opened warns at start-up.
  jsonLines();
  traceSink();
  for (const trace of dedupe(traces)) {
    const stats = settings.summary === true ? statsFor(trace.spec) : undefined;
    const patch = (exports: unknown): void => applyTrace(registry, trace, exports, stats);
    Object.defineProperty(patch, 'name', { value: `trace ${trace.spec}` });
    registry.register(patch, trace.target, { baseDir: trace.baseDir, origin: trace.origin, immediate: false, planned: true });
  }
}

/** The same function listed twice (config and WRAPT_TRACE) is traced once; the later entry's options win where it sets them. */
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
    } else {
      const options = mergeOptions(seen.options, trace.options);
      const merged = { ...seen, options, stack: options.stack > 0 };
      byKey.set(key, merged);
      out[out.indexOf(seen)] = merged;
    }
  }
  return out;
}

function applyTrace(registry: Registry, trace: PlanTrace, exports: unknown, stats: Stats | undefined): void {
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
    wrapFunctionWrapper(exports, trace.path, tracer(trace.spec, trace.options, stats));
  } catch (error) {
    fail(`${where}: cannot trace "${trace.path}": ${describeCause(error)}`, error);
  }
}
