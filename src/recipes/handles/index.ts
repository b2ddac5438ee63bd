// The handles recipe: what keeps the process alive, one line per active handle or request.
//
//   wrapt-hooks: handles server 127.0.0.1:3000 (created at src/server.js:10:5)
//   wrapt-hooks: handles socket 127.0.0.1:3000 <- 127.0.0.1:51234
//   wrapt-hooks: handles timer 5000ms repeating (created at src/poll.js:4:1)
//   wrapt-hooks: handles child_process pid 4242 sleep 100
//
// The report itself needs no recipe: `wrapt-hooks attach <pid> --handles` asks for it at any time
// (docs/attach.md), from Node's list of active handles and requests and the process's open files.
// With the recipe on from start-up (WRAPT_PATCHES=wrapt-hooks/recipes/handles), each line also
// says where the handle was created (the first application frame), and timers are listed one by
// one; and when the process is ended by SIGINT, SIGTERM or SIGHUP that the application does not
// handle itself (a run that outlived its main code until a timeout killed it), the report is
// written before the process dies of that same signal.
import { createHook } from 'node:async_hooks';
import fs = require('node:fs');
import path = require('node:path');
import { emit, traceSink } from '../../trace/output';
import { pickFrames, shortFrame } from '../../trace/stack';
import { commandLine } from '../child_process/index';

/** Async resource types whose creation site is worth a stack capture. */
const TRACKED = new Set([
  'TCPSERVERWRAP',
  'TCPWRAP',
  'PIPESERVERWRAP',
  'PIPEWRAP',
  'PROCESSWRAP',
  'Timeout',
  'UDPWRAP',
  'FSEVENTWRAP',
  'STATWATCHER',
  'SIGNALWRAP',
]);
/** Requests whose callbacks create handles: their creation site is passed on. */
const TRIGGERS = new Set(['TickObject', 'GETADDRINFOREQWRAP', 'TCPCONNECTWRAP', 'PIPECONNECTWRAP']);

function isNodeFrame(frame: string): boolean {
  return frame.includes('(node:') || frame.startsWith('at node:');
}

interface Tracking {
  readonly sites: WeakMap<object, string>;
  readonly timers: Set<TimerLike>;
  hook: { disable(): unknown } | undefined;
  pruneAt: number;
}

interface TimerLike {
  _idleTimeout?: number;
  _repeat?: number | null;
  _destroyed?: boolean;
  hasRef?(): boolean;
}

let tracking: Tracking | undefined;
let signalsHooked = false;

/** Called at start-up when the recipe is on ("wrapt-hooks-start" in its package.json): where handles are created, from the first one. */
export function start(): void {
  startTracking();
  watchSignals();
}

/** Starts recording where each handle and timer is created, from now on. */
export function startTracking(): void {
  if (tracking !== undefined) return;
  const state: Tracking = { sites: new WeakMap(), timers: new Set(), hook: undefined, pruneAt: 1024 };
  tracking = state;
  // A handle created in a callback (a server's handle is created a tick after `listen`) has no
  // application frame on its stack: it takes the site of what triggered it. Those stacks are
  // captured for every tick and looked up lazily, only when a handle needs one.
  const lazySites = new Map<number, () => string | undefined>();
  const init = (id: number, type: string, trigger: number, resource: object): void => {
    const tracked = TRACKED.has(type);
    if (!tracked && !TRIGGERS.has(type)) return;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, init);
    let memo: string | null | undefined;
    const site = (): string | undefined => {
      if (memo === undefined) {
        const [frame] = typeof holder.stack === 'string' ? pickFrames(holder.stack, 1) : [];
        memo = (frame !== undefined && !isNodeFrame(frame) ? shortFrame(frame) : lazySites.get(trigger)?.()) ?? null;
      }
      return memo ?? undefined;
    };
    lazySites.set(id, site);
    if (lazySites.size > 10_000) lazySites.delete(lazySites.keys().next().value as number);
    if (!tracked) return;
    const at = site();
    if (at !== undefined) state.sites.set(resource, at);
    if (type === 'Timeout') {
      state.timers.add(resource as TimerLike);
      if (state.timers.size >= state.pruneAt) pruneTimers(state);
    }
  };
  state.hook = createHook({ init }).enable();
}

/** Stops recording (`wrapt-hooks attach` at detach, when it turned the recipe on). */
export function off(): void {
  tracking?.hook?.disable();
  tracking = undefined;
}

function pruneTimers(state: Tracking): void {
  for (const timer of state.timers) if (timer._destroyed === true) state.timers.delete(timer);
  state.pruneAt = Math.max(1024, state.timers.size * 2);
}

export interface HandleLine {
  readonly text: string;
  readonly fields: Record<string, unknown>;
}

/** What keeps the process alive now: one line per active handle, request, timer and open file. */
export function handlesReport(): HandleLine[] {
  const lines: HandleLine[] = [];
  const site = (object: unknown): string | undefined => {
    if (tracking === undefined || object === null || typeof object !== 'object') return undefined;
    return tracking.sites.get(object) ?? tracking.sites.get((object as { _handle?: object })._handle ?? {});
  };
  const add = (kind: string, what: string, object: unknown, extra: Record<string, unknown> = {}): void => {
    const at = site(object);
    const unref = hasRef(object) === false ? ' unref' : '';
    lines.push({
      text: `${kind} ${what}${unref}${at === undefined ? '' : ` (created at ${at})`}`,
      fields: { recipe: 'handles', kind, what, ...extra, ref: unref === '', ...(at === undefined ? {} : { at }) },
    });
  };
  const getHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  for (const handle of getHandles?.call(process) ?? []) describeHandle(handle, add);
  const getRequests = (process as unknown as { _getActiveRequests?: () => unknown[] })._getActiveRequests;
  for (const request of getRequests?.call(process) ?? []) {
    const name = (request as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'request';
    add('request', name, request);
  }
  const timers = tracking === undefined ? undefined : [...tracking.timers].filter((timer) => timer._destroyed !== true);
  if (timers !== undefined) {
    for (const timer of timers) {
      const delay = timer._idleTimeout ?? 0;
      add('timer', `${delay}ms${typeof timer._repeat === 'number' ? ' repeating' : ''}`, timer, { delay, repeat: typeof timer._repeat === 'number' });
    }
  } else {
    const count = process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    if (count > 0)
      lines.push({
        text: `timer ×${count} (start the process with WRAPT_PATCHES=wrapt-hooks/recipes/handles to see each one's delay and creator)`,
        fields: { recipe: 'handles', kind: 'timer', count },
      });
  }
  for (const [fd, file] of openFiles()) lines.push({ text: `file ${file} (fd ${fd})`, fields: { recipe: 'handles', kind: 'file', path: file, fd } });
  return lines;
}

type Add = (kind: string, what: string, object: unknown, extra?: Record<string, unknown>) => void;

function describeHandle(handle: unknown, add: Add): void {
  if (handle === null || typeof handle !== 'object') return;
  const name = (handle as { constructor?: { name?: string } }).constructor?.name ?? 'handle';
  const h = handle as Record<string, unknown> & { address?: () => unknown };
  if (name === 'Server' && typeof h.address === 'function') {
    add('server', formatAddress(safe(() => h.address!())), handle);
  } else if (name === 'Socket' || name === 'TLSSocket' || name === 'WriteStream' || name === 'ReadStream') {
    if (handle === process.stdin || handle === process.stdout || handle === process.stderr) {
      add('stdio', handle === process.stdin ? 'stdin' : handle === process.stdout ? 'stdout' : 'stderr', handle);
      return;
    }
    const remote = typeof h['remoteAddress'] === 'string' ? `${String(h['remoteAddress'])}:${String(h['remotePort'])}` : undefined;
    const local = typeof h['localAddress'] === 'string' ? `${String(h['localAddress'])}:${String(h['localPort'])}` : undefined;
    if (remote !== undefined) add('socket', `${local ?? '?'} <-> ${remote}`, handle, { local, remote });
    else add('socket', `pipe${typeof h['_pipeName'] === 'string' ? ` ${h['_pipeName']}` : ''}`, handle);
  } else if (name === 'ChildProcess') {
    const args = Array.isArray(h['spawnargs']) ? (h['spawnargs'] as unknown[]) : [];
    const command = commandLine('spawn', [args[0] ?? h['spawnfile'], args.slice(1)]);
    add('child_process', `pid ${String(h['pid'])} ${command}`, handle, { pid: h['pid'], command });
  } else if (name === 'FSWatcher' || name === 'StatWatcher') {
    add('watcher', name, handle);
  } else {
    add('handle', name, handle);
  }
}

function formatAddress(address: unknown): string {
  if (typeof address === 'string') return address;
  if (address !== null && typeof address === 'object') {
    const { address: host, port, family } = address as { address?: string; port?: number; family?: string };
    return `${family === 'IPv6' ? `[${host}]` : host}:${port}`;
  }
  return '(not listening)';
}

function hasRef(object: unknown): boolean | undefined {
  const fn = (object as { hasRef?: () => boolean } | null)?.hasRef;
  if (typeof fn === 'function') return safe(() => fn.call(object));
  const handle = (object as { _handle?: { hasRef?: () => boolean } } | null)?._handle;
  return typeof handle?.hasRef === 'function' ? safe(() => handle.hasRef!()) : undefined;
}

/** Regular files this process holds open (Linux: /proc/self/fd); none elsewhere. */
function openFiles(): [number, string][] {
  const out: [number, string][] = [];
  let fds: string[];
  try {
    fds = fs.readdirSync('/proc/self/fd');
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (!path.isAbsolute(target) || target.startsWith('/dev/') || target.startsWith('/proc/')) continue;
      if (fs.statSync(target).isFile()) out.push([Number(fd), target]);
    } catch {
      // closed meanwhile, or not a path
    }
  }
  return out.slice(0, 200);
}

/** Writes the report as recipe lines (through the trace writer, or a route). */
export function writeHandles(heading: string): void {
  emit('handles', heading, { recipe: 'handles', event: 'report', heading }, { req: undefined });
  for (const line of handlesReport()) emit('handles', line.text, line.fields, { req: undefined });
}

/**
 * At a SIGINT, SIGTERM or SIGHUP that the application does not handle, the report is written and
 * the process then dies of the same signal, as it would have without the recipe (signal-exit,
 * as for every end-of-run report: trace/at-exit.ts).
 */
function watchSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  // Required, not imported: one copy of signal-exit in the bundle (the writer's, sink.ts).
  (require('signal-exit') as typeof import('signal-exit')).onExit((_code, signal) => {
    if (signal === null) return;
    writeHandles(`still alive at ${signal}, ${Math.round(process.uptime() * 1000)}ms after start; kept alive by:`);
    traceSink().flush();
  });
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
