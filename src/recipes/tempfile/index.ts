// The tempfile recipe, the classic monkey-patching debug session: which temporary directories
// are created, by whom, and which are still on disk when the process exits.
//
//   wrapt-hooks: tempfile created /tmp/x-Ab12 at src/export.js:7:8
//   wrapt-hooks: tempfile leaked /tmp/x-Ab12 (created at src/export.js:7:8)
//
// Every mkdtemp form is wrapped: fs.mkdtempSync, fs.mkdtemp (callback), fs.promises.mkdtemp
// (the same function as `fs/promises`), and the disposable forms where Node has them. The
// creator is the first stack frame in the application (else outside wrapt-hooks and Node).
import fs = require('node:fs');
import path = require('node:path');
import { atExit } from '../../trace/at-exit';
import { emit } from '../../trace/output';
import { callerFrames } from '../../trace/stack';
import { wrapFunctionWrapper } from '../../wrap/patches';
import { isWrapped } from '../../wrap/wrappers';

const existsSync = fs.existsSync;
/** Directory -> where it was created, in creation order. */
const created = new Map<string, string>();
let exitHooked = false;

export function patchFs(fsModule: Record<string, unknown>): void {
  wrapSync(fsModule, 'mkdtempSync');
  wrapSync(fsModule, 'mkdtempDisposableSync');
  wrapCallback(fsModule, 'mkdtemp');
  const promises = fsModule['promises'];
  if (promises !== null && typeof promises === 'object') patchFsPromises(promises as Record<string, unknown>);
}

/** `fs/promises` is `fs.promises`: patched once, whichever loads first. */
export function patchFsPromises(promises: Record<string, unknown>): void {
  wrapPromise(promises, 'mkdtemp');
  wrapPromise(promises, 'mkdtempDisposable');
}

function wrapSync(holder: Record<string, unknown>, name: string): void {
  if (typeof holder[name] !== 'function' || isWrapped(holder[name])) return;
  wrapFunctionWrapper(holder, name, (wrapped, _instance, args) => {
    const at = creator();
    const result = wrapped(...args);
    record(typeof result === 'string' ? result : (result as { path?: unknown } | null)?.path, at);
    return result;
  });
}

function wrapCallback(holder: Record<string, unknown>, name: string): void {
  if (typeof holder[name] !== 'function' || isWrapped(holder[name])) return;
  wrapFunctionWrapper(holder, name, (wrapped, _instance, args) => {
    const at = creator();
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = function (this: unknown, ...results: unknown[]) {
        if (results[0] === null || results[0] === undefined) record(results[1], at);
        return (callback as (...a: unknown[]) => unknown).apply(this, results);
      };
    }
    return wrapped(...args);
  });
}

function wrapPromise(holder: Record<string, unknown>, name: string): void {
  if (typeof holder[name] !== 'function' || isWrapped(holder[name])) return;
  wrapFunctionWrapper(holder, name, (wrapped, _instance, args) => {
    const at = creator();
    const result = wrapped(...args) as Promise<unknown>;
    // fs.promises returns a new promise per call: the caller gets the derived one, which
    // settles the same way (a rejection stays unhandled if the caller leaves it so).
    return result.then((value) => {
      record(typeof value === 'string' ? value : (value as { path?: unknown } | null)?.path, at);
      return value;
    });
  });
}

function creator(): string {
  const [frame] = callerFrames(1, creator);
  return frame === undefined ? 'unknown' : shortFrame(frame);
}

/** `at fn (/app/src/export.js:7:8)` -> `src/export.js:7:8` (relative to the working directory). */
function shortFrame(frame: string): string {
  const match = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?$/.exec(frame);
  if (match === null) return frame.replace(/^at /, '');
  let location = match[1]!.replace(/^file:\/\//, '');
  const relative = path.relative(process.cwd(), location);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) location = relative;
  return location;
}

function record(dir: unknown, at: string): void {
  if (typeof dir !== 'string') return;
  created.set(dir, at);
  emit('tempfile', `created ${dir} at ${at}`, { recipe: 'tempfile', event: 'created', path: dir, at });
  if (!exitHooked) {
    exitHooked = true;
    atExit(reportLeaks);
  }
}

function reportLeaks(): void {
  for (const [dir, at] of created) {
    if (existsSync(dir)) emit('tempfile', `leaked ${dir} (created at ${at})`, { recipe: 'tempfile', event: 'leaked', path: dir, at }, { req: undefined });
  }
}
