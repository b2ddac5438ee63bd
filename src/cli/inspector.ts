// `wrapt-hooks attach --inspector`: reaching a process that runs without a control socket through
// Node's inspector, the way `node inspect -p <pid>` does (docs/attach.md). SIGUSR1 opens the
// inspector on 127.0.0.1; one `Runtime.evaluate` loads this copy of wrapt-hooks into the process
// by absolute path and starts its control socket; the WebSocket is closed at once, and the
// process closes its inspector when the session's first message asks it to. While the inspector
// is open, any local user who reaches 127.0.0.1 can run code in the process: every step has a
// short timeout, and the time it was open is measured and printed.
//
// Refused before anything is sent: a process that is not Node.js, one that does not catch
// SIGUSR1 (started with --disable-sigusr1: the signal would kill it), one started with --inspect
// (its inspector is someone's debugging session).
import http = require('node:http');
import path = require('node:path');
import { catchesSigusr1, commandOf, isNode, listeningPorts } from './proc';

/** A refusal, printed as one line with exit code 3. */
export class CannotAttach extends Error {}

export interface Opened {
  readonly socket: string;
  readonly port: number;
  /** When SIGUSR1 was sent (performance.now()). */
  readonly openedAt: number;
}

/** This copy's dist/start.js, whose load() gives dist/preload.js (from the code cache, as a start does). */
export const START = path.resolve(__dirname, 'start.js');

const SIGNAL_WAIT_MS = 3000;
const STEP_MS = 3000;

/** Checks that `pid` may be opened through its inspector; throws CannotAttach saying why not. */
export function checkInspectable(pid: number): void {
  const command = commandOf(pid);
  if (command.exe === undefined && command.argv.length === 0) throw new CannotAttach(`cannot read /proc/${pid}: attach --inspector needs Linux's /proc`);
  if (!isNode(command)) throw new CannotAttach(`process ${pid} is not Node.js (${command.exe ?? command.argv[0]})`);
  const flags = [...command.argv.slice(1), ...command.nodeOptions.split(/\s+/)];
  if (flags.some((flag) => flag === '--disable-sigusr1')) {
    throw new CannotAttach(`process ${pid} was started with --disable-sigusr1, so its inspector cannot be opened; start it with WRAPT_HOOKS_CONTROL=1 instead`);
  }
  if (flags.some((flag) => /^--inspect(-brk|-wait)?(=|$)/.test(flag))) {
    throw new CannotAttach(
      `process ${pid} was started with --inspect: its inspector is open for a debugger, which attach does not take over; start it with WRAPT_HOOKS_CONTROL=1 instead`,
    );
  }
  const catches = catchesSigusr1(pid);
  if (catches === false) {
    throw new CannotAttach(`process ${pid} does not handle SIGUSR1 (disabled), so the signal would end it; start it with WRAPT_HOOKS_CONTROL=1 instead`);
  }
}

/** Opens the inspector of `pid`, starts the control socket in it and closes the WebSocket. */
export async function openThroughInspector(pid: number): Promise<Opened> {
  checkInspectable(pid);
  const before = listeningPorts(pid);
  const openedAt = performance.now();
  process.kill(pid, 'SIGUSR1');
  const port = await waitFor(SIGNAL_WAIT_MS, () => [...listeningPorts(pid)].find((candidate) => !before.has(candidate)));
  if (port === undefined) {
    throw new CannotAttach(
      `SIGUSR1 opened no inspector in process ${pid} within ${SIGNAL_WAIT_MS / 1000}s: the application handles SIGUSR1 itself, an inspector is already open, or its port (9229) is taken by another process (the process's stderr says which)`,
    );
  }
  const targets = await getJson(port, '/json/list');
  const url = Array.isArray(targets) ? (targets[0] as { webSocketDebuggerUrl?: unknown } | undefined)?.webSocketDebuggerUrl : undefined;
  if (typeof url !== 'string' || !url.startsWith(`ws://127.0.0.1:${port}/`)) throw new CannotAttach(`port ${port} of process ${pid} is not Node's inspector`);
  const result = await evaluate(url, startExpression());
  let parsed: { ok?: unknown; path?: unknown; error?: unknown };
  try {
    parsed = JSON.parse(String(result)) as typeof parsed;
  } catch {
    throw new CannotAttach(`the inspector of process ${pid} answered something unexpected`);
  }
  if (parsed.ok !== true || typeof parsed.path !== 'string')
    throw new CannotAttach(`could not start the control socket in process ${pid}: ${String(parsed.error)}`);
  return { socket: parsed.path, port, openedAt };
}

/**
 * The code run in the process: this copy's preload, by absolute path, starts the control socket.
 * If the session never asks for the inspector to close, a timer closes it.
 */
function startExpression(): string {
  const file = JSON.stringify(START);
  return `(() => {
  try {
    const load = process.getBuiltinModule('node:module').createRequire(${file});
    const path = load(${file}).load().startControl();
    setTimeout(() => { const inspector = process.getBuiltinModule('node:inspector'); if (inspector.url() !== undefined) inspector.close(); }, 10000).unref();
    return JSON.stringify({ ok: true, path });
  } catch (error) {
    return JSON.stringify({ ok: false, error: String(error && error.message || error) });
  }
})()`;
}

/** Runs `expression` through the inspector WebSocket at `url`; the socket is closed before this returns. */
async function evaluate(url: string, expression: string): Promise<unknown> {
  const WebSocket = require('ws') as typeof import('ws');
  const ws = new WebSocket(url, { handshakeTimeout: STEP_MS, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  try {
    return await withTimeout(
      STEP_MS,
      'the inspector did not answer',
      new Promise<unknown>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('close', () => reject(new CannotAttach('the inspector closed the connection')));
        ws.on('open', () => ws.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, returnByValue: true } })));
        ws.on('message', (data) => {
          let message: { id?: unknown; result?: { result?: { value?: unknown }; exceptionDetails?: { text?: unknown } } };
          try {
            message = JSON.parse(String(data)) as typeof message;
          } catch {
            return;
          }
          if (message.id !== 1) return;
          if (message.result?.exceptionDetails !== undefined)
            reject(new CannotAttach(`the code attach runs failed: ${String(message.result.exceptionDetails.text)}`));
          else resolve(message.result?.result?.value);
        });
      }),
    );
  } finally {
    await closeSocket(ws);
  }
}

async function closeSocket(ws: import('ws').WebSocket): Promise<void> {
  if (ws.readyState === ws.CLOSED) return;
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.close();
  const timer = setTimeout(() => ws.terminate(), 1000);
  await closed;
  clearTimeout(timer);
}

/** GET a JSON document from the inspector's HTTP side. */
function getJson(port: number, pathname: string): Promise<unknown> {
  return withTimeout(
    STEP_MS,
    `the inspector on port ${port} did not answer`,
    new Promise((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, path: pathname, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > 1024 * 1024) request.destroy(new Error('answer too long'));
        });
        response.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch {
            reject(new CannotAttach(`port ${port} is not Node's inspector`));
          }
        });
      });
      request.on('error', reject);
    }),
  );
}

/** Is anything still listening on 127.0.0.1:`port`? */
export function portOpen(port: number): Promise<boolean> {
  const net = require('node:net') as typeof import('node:net');
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` every 20 ms until it gives a value, or `ms` have passed (undefined). */
export async function waitFor<T>(ms: number, check: () => T | undefined): Promise<T | undefined> {
  const until = performance.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined || performance.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `promise`, or a CannotAttach(`what`) after `ms`. */
export function withTimeout<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CannotAttach(`${what} within ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
