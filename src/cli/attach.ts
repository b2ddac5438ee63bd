// `wrapt-hooks attach <pid>`: live debugging of a running process, no restart (docs/attach.md).
// It reaches the process's control socket (or, with --inspector, opens one through Node's
// inspector), turns traces and recipes on, prints their lines on stdout until it detaches
// (Ctrl-C, SIGTERM, --for, the process ending), and prints the reports asked for. The command
// line is attach-options.ts; the connection, attach-connection.ts.
// Exit codes: 0 attached and detached; 2 usage; 3 could not attach. Every wait has a timeout.
import fs = require('node:fs');
import { parseArgs } from 'node:util';
import { OPEN_DELAY_MS, controlDir, socketPath, untrustedDir, untrustedSocket } from '../control/paths';
import { connect, expect, say, send, type Connection } from './attach-connection';
import { ATTACH_USAGE, readOptions, type Options } from './attach-options';
import { CannotAttach, openThroughInspector, portOpen, type Opened } from './inspector';
import { unreachable } from './proc';

const REPLY_MS = 30000;
const DETACH_MS = 5000;

export async function attachCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      trace: { type: 'string', short: 't', multiple: true },
      recipe: { type: 'string', short: 'r', multiple: true },
      for: { type: 'string' },
      summary: { type: 'boolean' },
      handles: { type: 'boolean' },
      inspector: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(ATTACH_USAGE);
    return 0;
  }
  const options = readOptions(values, positionals, env);
  try {
    return await attach(options);
  } catch (error) {
    if (error instanceof CannotAttach) {
      say(error.message);
      return 3;
    }
    throw error;
  }
}

async function attach(options: Options): Promise<number> {
  const { pid } = options;
  const why = unreachable(pid);
  if (why !== undefined) throw new CannotAttach(why);
  const dir = controlDir();
  const file = socketPath(pid, dir);
  let opened: Opened | undefined;
  // A process started moments ago opens its socket OPEN_DELAY_MS after its start.
  const until = Date.now() + OPEN_DELAY_MS + 1000;
  while (!fs.existsSync(file) && Date.now() < until && unreachable(pid) === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!fs.existsSync(file)) {
    if (!options.inspector) {
      throw new CannotAttach(
        `process ${pid} has no control socket (${file}). Start it with the preload and WRAPT_HOOKS_CONTROL=1 (or "control": true in its config), or add --inspector to open one through Node's inspector.`,
      );
    }
    opened = await openThroughInspector(pid);
  }
  const bad = untrustedDir(dir) ?? untrustedSocket(opened?.socket ?? file);
  if (bad !== undefined) throw new CannotAttach(`refusing the control socket of process ${pid}: ${bad}`);
  const connection = await connect(opened?.socket ?? file, pid);
  try {
    return await session(connection, options, opened);
  } finally {
    connection.socket.destroy();
  }
}

async function session(connection: Connection, options: Options, opened: Opened | undefined): Promise<number> {
  const { pid } = options;
  send(connection, { op: 'hello', version: 1, json: options.json, closeInspector: opened !== undefined });
  const hello = expect(await connection.next('the greeting', REPLY_MS), 'hello', pid);
  if (opened !== undefined) {
    // The process closed its inspector when it answered; the port refusing connections confirms it.
    let open = await portOpen(opened.port);
    for (let tries = 0; open && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      open = await portOpen(opened.port);
    }
    const ms = Math.round(performance.now() - opened.openedAt);
    if (open || hello['inspectorClosed'] !== true) say(`warning: the inspector of process ${pid} (port ${opened.port}) is still open`);
    else say(`Node's inspector was open ${ms}ms in process ${pid} (port ${opened.port}); it is closed`);
  }
  const live = options.traces.length > 0 || options.recipes.length > 0;
  if (live) {
    send(connection, { op: 'attach', trace: options.traces, recipes: options.recipes, json: options.json });
    const attached = expect(await connection.next('the attach', REPLY_MS), 'attached', pid);
    const results = Array.isArray(attached['results']) ? (attached['results'] as Record<string, unknown>[]) : [];
    let working = 0;
    for (const result of results) {
      const status = String(result['status']);
      if (status !== 'failed') working++;
      say(
        `${String(result['entry']).startsWith('recipe ') ? '' : 'trace '}${String(result['entry'])}: ${status}${result['message'] === undefined || result['message'] === 'on' ? '' : ` (${String(result['message'])})`}`,
      );
    }
    if (working === 0 && !options.summary && !options.handles) {
      await detach(connection, pid);
      say('nothing was attached; detached');
      return 3;
    }
    say(`attached to process ${pid} (${String(hello['node'])}); ${options.forMs === undefined ? 'Ctrl-C' : `Ctrl-C or ${options.forMs / 1000}s`} to detach`);
    const ended = await waitForEnd(connection, options.forMs);
    if (ended === 'closed') {
      say(unreachable(pid) === undefined ? `process ${pid} closed the connection; detached` : `process ${pid} exited; detached`);
      return 0;
    }
  }
  if (options.summary) report(await request(connection, 'summary', pid));
  if (options.handles) report(await request(connection, 'handles', pid));
  const detached = await detach(connection, pid);
  if (live)
    say(
      `detached from process ${pid}: ${String(detached['restored'])} wrapper(s) removed${Number(detached['dropped']) > 0 ? `, ${String(detached['dropped'])} line(s) dropped (attach read too slowly)` : ''}`,
    );
  for (const kept of Array.isArray(detached['kept']) ? detached['kept'] : []) say(String(kept));
  return 0;
}

async function request(connection: Connection, what: 'summary' | 'handles', pid: number): Promise<string[]> {
  send(connection, { op: 'report', what });
  const reply = expect(await connection.next(`the ${what} report`, REPLY_MS), 'report', pid);
  return Array.isArray(reply['lines']) ? reply['lines'].map(String) : [];
}

function report(lines: readonly string[]): void {
  for (const line of lines) process.stdout.write(`${line}\n`);
}

async function detach(connection: Connection, pid: number): Promise<Record<string, unknown>> {
  send(connection, { op: 'detach' });
  try {
    return expect(await connection.next('the detach', DETACH_MS), 'detached', pid);
  } catch (error) {
    // The process ended meanwhile: there is nothing left to take off.
    if (unreachable(pid) !== undefined) return { restored: 0 };
    throw error;
  }
}

/** Waits for Ctrl-C, SIGTERM, SIGHUP, `forMs`, or the connection's end. */
function waitForEnd(connection: Connection, forMs: number | undefined): Promise<'signal' | 'time' | 'closed'> {
  return new Promise((resolve) => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const onSignal = (): void => finish('signal');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (why: 'signal' | 'time' | 'closed'): void => {
      for (const signal of signals) process.removeListener(signal, onSignal);
      if (timer !== undefined) clearTimeout(timer);
      resolve(why);
    };
    for (const signal of signals) process.on(signal, onSignal);
    if (forMs !== undefined) timer = setTimeout(() => finish('time'), forMs);
    void connection.closed.then(() => finish('closed'));
  });
}
