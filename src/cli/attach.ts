// `wrapt-hooks attach <pid>`: live debugging of a running process, no restart (docs/attach.md).
// It reaches the process's control socket (or, with --inspector, opens one through Node's
// inspector), turns traces and recipes on, prints their lines on stdout until it detaches
// (Ctrl-C, SIGTERM, --for, the process ending), and prints the reports asked for.
// Exit codes: 0 attached and detached; 2 usage; 3 could not attach. Every wait has a timeout.
import fs = require('node:fs');
import net = require('node:net');
import { parseArgs } from 'node:util';
import { optionProblem, parseTraceEntry } from '../config/validate';
import { controlDir, socketPath, untrustedDir, untrustedSocket } from '../control/paths';
import { recipeNames } from '../recipes/discover';
import { UsageError } from './args';
import { CannotAttach, openThroughInspector, portOpen, withTimeout, type Opened } from './inspector';
import { unreachable } from './proc';

const ATTACH_USAGE = `Usage: wrapt-hooks attach <pid> [--trace <spec>]... [--recipe <name>[,<name>]]...
                          [--for <duration>] [--summary] [--handles] [--inspector]

Attaches to a running Node.js process of yours, turns traces and recipes on in it at once
(modules already loaded and those loaded later), and prints their lines here, on stdout, until
you press Ctrl-C, --for has passed or the process ends; then everything it added is taken off.

The process needs a control socket: start it with the preload and WRAPT_HOOKS_CONTROL=1
(or "control": true in the config). --inspector opens one in a process started without it,
through Node's inspector (SIGUSR1, as "node inspect -p <pid>" does), closed again at once.

Options:
  -t, --trace <spec>   trace a function, as WRAPT_TRACE: "fs#readFileSync", "./src/db.js#query+slow=5"
                       (./ paths are relative to the process's working directory). Repeatable.
  -r, --recipe <name>  turn a recipe on: ${recipeNames().join(', ')}. Repeatable, or comma-separated.
      --for <duration> detach after this long: 30s, 2m, 500ms
      --summary        print the process's debug summary and trace summary, then detach
      --handles        print what keeps the process alive, then detach
      --inspector      open the control socket through Node's inspector when there is none
  -h, --help           show this help

Lines are text, or JSON with WRAPT_TRACE_FORMAT=json in attach's own environment.
Exit codes: 0 attached and detached, 2 usage, 3 could not attach.
`;

const CONNECT_MS = 3000;
const REPLY_MS = 30000;
const DETACH_MS = 5000;

interface Options {
  pid: number;
  traces: string[];
  recipes: string[];
  forMs: number | undefined;
  summary: boolean;
  handles: boolean;
  inspector: boolean;
  json: boolean;
}

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

/** Checks the command line; throws UsageError for a mistake in it. */
export function readOptions(values: Record<string, unknown>, positionals: readonly string[], env: NodeJS.ProcessEnv): Options {
  if (positionals.length !== 1) throw new UsageError('attach: give exactly one process id, like "wrapt-hooks attach 4242 --trace fs#readFileSync".');
  const text = positionals[0]!;
  const pid = /^[1-9]\d{0,9}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(pid) || pid > 2 ** 31 - 1) throw new UsageError(`attach: "${text}" is not a process id.`);
  const traces = ((values['trace'] as string[] | undefined) ?? [])
    .flatMap((value) => value.split(','))
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  for (const spec of traces) {
    // Checked here for its shape; the process resolves it against its own working directory.
    const read = parseTraceEntry(spec, '/');
    if (typeof read.parsed === 'string') throw new UsageError(`attach: --trace ${JSON.stringify(spec)}: ${read.parsed}`);
    if (read.problems.length > 0) throw new UsageError(`attach: --trace ${JSON.stringify(spec)}: ${optionProblem(read.problems[0]!)}.`);
  }
  const known = recipeNames();
  const recipes = ((values['recipe'] as string[] | undefined) ?? [])
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of recipes)
    if (!known.includes(name)) throw new UsageError(`attach: --recipe ${JSON.stringify(name)} is not a recipe. The recipes are: ${known.join(', ')}.`);
  const forMs = values['for'] === undefined ? undefined : duration(values['for'] as string);
  const summary = values['summary'] === true;
  const handles = values['handles'] === true;
  if (traces.length === 0 && recipes.length === 0 && !summary && !handles) {
    throw new UsageError('attach: nothing to do: give --trace, --recipe, --summary or --handles.');
  }
  const json = (env['WRAPT_TRACE_FORMAT'] ?? '').trim().toLowerCase() === 'json';
  return { pid, traces, recipes, forMs, summary, handles, inspector: values['inspector'] === true, json };
}

/** `30s`, `2m`, `500ms`, `1h`, or a number of seconds. */
export function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = match?.[2] ?? 's';
  const ms = match === null ? NaN : Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2 ** 31 - 1)
    throw new UsageError(`attach: --for ${JSON.stringify(text)} is not a duration like 30s, 2m or 500ms.`);
  return ms;
}

function say(line: string): void {
  process.stderr.write(`wrapt-hooks attach: ${line}\n`);
}

async function attach(options: Options): Promise<number> {
  const { pid } = options;
  const why = unreachable(pid);
  if (why !== undefined) throw new CannotAttach(why);
  const dir = controlDir();
  const file = socketPath(pid, dir);
  let opened: Opened | undefined;
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

interface Connection {
  readonly socket: net.Socket;
  /** The next message from the process (lines and notes are printed as they come, not returned). */
  next(what: string, ms: number): Promise<Record<string, unknown>>;
  /** Resolves when the connection ends. */
  readonly closed: Promise<void>;
}

async function connect(file: string, pid: number): Promise<Connection> {
  const socket = net.connect(file);
  await withTimeout(
    CONNECT_MS,
    `process ${pid} did not accept the connection`,
    new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new CannotAttach(
            error.code === 'ECONNREFUSED'
              ? `the control socket ${file} is stale: process ${pid} no longer listens on it`
              : `cannot connect to ${file}: ${error.message}`,
          ),
        ),
      );
    }),
  );
  socket.setEncoding('utf8');
  const replies: Record<string, unknown>[] = [];
  let waiting: ((message: Record<string, unknown> | undefined) => void) | undefined;
  let buffer = '';
  let ended = false;
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      ended = true;
      waiting?.(undefined);
      resolve();
    });
  });
  socket.on('error', () => {
    // 'close' follows
  });
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
      const text = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (message === null || typeof message !== 'object') continue;
      if (message['op'] === 'line' && typeof message['text'] === 'string') process.stdout.write(`${message['text']}\n`);
      else if (message['op'] === 'note' && typeof message['text'] === 'string') say(message['text']);
      else if (waiting !== undefined) {
        const resolve = waiting;
        waiting = undefined;
        resolve(message);
      } else replies.push(message);
    }
    if (buffer.length > 16 * 1024 * 1024) socket.destroy();
  });
  const next = (what: string, ms: number): Promise<Record<string, unknown>> => {
    const queued = replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (ended) return Promise.reject(new CannotAttach(`process ${pid} closed the connection before ${what}`));
    return withTimeout(
      ms,
      `process ${pid} did not answer ${what}`,
      new Promise<Record<string, unknown>>((resolve, reject) => {
        waiting = (message) => (message === undefined ? reject(new CannotAttach(`process ${pid} closed the connection before ${what}`)) : resolve(message));
      }),
    ).finally(() => {
      waiting = undefined;
    });
  };
  return { socket, next, closed };
}

function send(connection: Connection, message: Record<string, unknown>): void {
  connection.socket.write(`${JSON.stringify(message)}\n`);
}

/** A reply that is an error from the process becomes a CannotAttach. */
function expect(reply: Record<string, unknown>, op: string, pid: number): Record<string, unknown> {
  if (reply['op'] === 'error') throw new CannotAttach(String(reply['message'] ?? `process ${pid} refused`));
  if (reply['op'] !== op) throw new CannotAttach(`process ${pid} answered "${String(reply['op'])}" instead of "${op}"`);
  return reply;
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
