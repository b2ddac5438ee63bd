// Caller frames for `stack` trace options and the tempfile recipe: the frames outside
// wrapt-hooks, application frames first (not node_modules, not Node's own), then the rest.
import path = require('node:path');

/** wrapt-hooks' own files: the directory of the bundle this module is part of (dist/). */
const OWN = `${__dirname}${path.sep}`;
const OWN_URL = `file://${OWN}`;

function isOwn(frame: string): boolean {
  return frame.includes(OWN) || frame.includes(OWN_URL);
}

function isNode(frame: string): boolean {
  return (
    frame.includes('(node:') ||
    frame.startsWith('at node:') ||
    frame.includes('(internal/') ||
    frame === 'at <anonymous>' ||
    frame.endsWith(' (<anonymous>)') ||
    frame.startsWith('at new Promise (<anonymous>)')
  );
}

/**
 * Up to `count` frames of the code that called `below` (a function on the current stack),
 * application frames first. Never throws.
 */
export function callerFrames(count: number, below: (...args: never[]) => unknown): string[] {
  if (count <= 0) return [];
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 50;
  } catch {
    // a frozen Error: keep its limit
  }
  try {
    Error.captureStackTrace(holder, below);
  } catch {
    return [];
  } finally {
    try {
      Error.stackTraceLimit = limit;
    } catch {
      // as above
    }
  }
  return typeof holder.stack === 'string' ? pickFrames(holder.stack, count) : [];
}

/** Up to `count` frames of a captured `stack` outside wrapt-hooks, application frames first. */
export function pickFrames(stack: string, count: number): string[] {
  const frames = stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at ') && !isOwn(line));
  const app = frames.filter((line) => !isNode(line) && !line.includes(`${path.sep}node_modules${path.sep}`));
  const rest = frames.filter((line) => !app.includes(line) && !isNode(line));
  return [...app, ...rest].slice(0, count);
}

/** `at fn (/app/src/export.js:7:8)` -> `src/export.js:7:8` (relative to the working directory). */
export function shortFrame(frame: string): string {
  const match = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?$/.exec(frame);
  if (match === null) return frame.replace(/^at /, '');
  let location = match[1]!.replace(/^file:\/\//, '');
  const relative = path.relative(process.cwd(), location);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) location = relative;
  return location;
}
