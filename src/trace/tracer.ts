// The wrapper that traces one function: one line per call (or per settled promise), shaped by
// the entry's options, and counted for the exit summary whether written or not:
//
//   wrapt-hooks: trace greeter#shout('x') -> 'X' 0.04ms
//   wrapt-hooks: trace pg#Client.prototype.query[this=Client {…}]('SELECT 1') -> resolved Result {…} 3.1ms
//
// The traced function behaves exactly as before: same result, same exception, same `this`, the
// same promise object, untouched rejection handling (promises.ts). Nothing here writes to stdout.
import type { Wrapper } from '../types';
import { describeError, format, formatArgs, isPromise, limitsFor, ms } from './format';
import { formatArgList, jsonValue, settledValue } from './json-value';
import type { TraceOptions } from './options';
import { currentRequestId, emit, jsonLines, spanExport, type Route } from './output';
import { observe } from './promises';
import { callerFrames } from './stack';
import type { Stats } from './summary';

/** Set while trace lines are being built or written: traced calls made then are not traced. */
let busy = false;

/** Runs `fn` with tracing of nested calls off; never throws (a trace must not break the app). */
export function quietly<T>(fn: () => T): T | undefined {
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

type Outcome = 'returned' | 'threw' | 'resolved' | 'rejected';

/**
 * The wrapper for one traced function, labelled `label` ("greeter#shout"); its lines go to
 * `route` when given (an attached `wrapt-hooks attach`), else to the process's trace output.
 */
export function tracer(label: string, options: TraceOptions, stats: Stats | undefined, route?: Route): Wrapper {
  const limits = limitsFor(options.maxString);
  // With `slow` or `errors`, most calls are not written: their arguments are inspected only
  // when the call has ended and is known to be written (as they are then).
  const late = options.slow !== undefined || options.errors;
  const sample = options.sample;
  // With export on, each call written is also a span (docs/opentelemetry.md): begun with the
  // call and active while it runs, or, when the line is decided late, made after the fact.
  const spans = spanExport();
  return (wrapped, instance, args) => {
    if (busy) return wrapped(...args);
    stats?.call();
    const written = sample === undefined || Math.random() < sample;
    if (!written && stats === undefined) return wrapped(...args);
    const req = written ? currentRequestId() : undefined;
    const time = written ? Date.now() : 0;
    const frames = written && options.stack > 0 ? quietly(() => callerFrames(options.stack, callerFrames)) : undefined;
    const json = written && (route === undefined ? jsonLines() : route.json);
    let call = written && !late ? quietly(() => describeCall(json)) : undefined;
    function describeCall(asJson: boolean): CallText {
      const receiver = options.this ? format(instance, limits) : undefined;
      if (asJson) return { text: '', args: formatArgList(args, limits), receiver };
      return { text: `${label}${receiver === undefined ? '' : `[this=${receiver}]`}(${formatArgs(args, limits)})`, args: undefined, receiver };
    }
    const span = spans !== undefined && written && !late ? quietly(() => spans.call(label)) : undefined;
    const start = process.hrtime.bigint();
    // `shown` is the outcome as text (`asJson` as a JSON line's value), made only when the line is
    // written; `error` is what was thrown, for the span.
    const finish = (outcome: Outcome, shown: () => string, end: bigint, asJson: () => unknown = shown, error?: unknown): void => {
      const took = Number(end - start) / 1e6;
      const failed = outcome === 'threw' || outcome === 'rejected';
      stats?.done(took, failed);
      if (!written || (options.errors && !failed) || (options.slow !== undefined && took < options.slow)) return;
      const reason = failed ? (error ?? shown()) : undefined;
      if (span !== undefined) span.endCall(failed, reason);
      else spans?.calledFor(label, took, failed, reason);
      call ??= describeCall(json);
      if (json) {
        const fields: Record<string, unknown> = { fn: label, args: call.args };
        if (call.receiver !== undefined) fields['this'] = call.receiver;
        fields[failed ? 'error' : 'result'] = asJson();
        if (outcome === 'resolved' || outcome === 'rejected') fields['settled'] = outcome;
        fields['ms'] = Math.round(took * 1000) / 1000;
        if (frames !== undefined) fields['stack'] = frames;
        emit('trace', '', fields, { req, time, route });
      } else {
        const value = shown();
        emit('trace', `${call.text} -> ${outcome === 'returned' ? value : `${outcome} ${value}`} ${ms(took)}`, {}, { req, extra: frames, route });
      }
    };
    let result: unknown;
    try {
      result = span === undefined ? wrapped(...args) : span.run(() => wrapped(...args));
    } catch (error) {
      const end = process.hrtime.bigint();
      quietly(() => finish('threw', () => describeError(error), end, undefined, error));
      // Node prints the source line of the last `throw` above an uncaught error: say whose it is.
      throw error; // wrapt-hooks trace: rethrowing, unchanged, what the traced function threw
    }
    const end = process.hrtime.bigint();
    quietly(() => {
      if (isPromise(result)) {
        const observed = observe(result as Promise<unknown>, end, limits, (state, failed, settledAt) => {
          const text = (): string => state.slice(failed ? 'rejected '.length : 'resolved '.length);
          finish(failed ? 'rejected' : 'resolved', text, settledAt, () => (failed ? text() : settledValue(text())));
        });
        if (observed) return;
      }
      finish(
        'returned',
        () => format(result, limits),
        end,
        () => jsonValue(result, limits),
      );
    });
    return result;
  };
}

interface CallText {
  readonly text: string;
  readonly args: unknown[] | undefined;
  readonly receiver: string | undefined;
}
