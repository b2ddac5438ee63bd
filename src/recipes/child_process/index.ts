// The child_process recipe: one line per child process, whichever function started it, with
// its command line, how it ended (exit code or signal, or the error that kept it from
// starting) and how long it ran:
//
//   wrapt-hooks: child_process spawn ls -la -> exit 0 12.0ms
//
// Every exported form is wrapped (spawn, exec, execFile, fork and the three sync forms). Node's
// exec calls the exported execFile: a form called while another wrapped form runs is the same
// child, so only the outer call writes a line.
// An async child is observed through its 'exit' event and its own `emit` for 'error' (an
// 'error' listener would change what an unhandled spawn error does). Credentials in the command
// line are redacted (trace/redact-command.ts: URL user info, `--password X`, `-u user:pw`, …).
import { emit } from '../../trace/output';
import { describeError, msSince } from '../../trace/format';
import { redactArgv, redactCommand } from '../../trace/redact-command';
import { wrapFunctionWrapper } from '../../wrap/patches';
import { isWrapped } from '../../wrap/wrappers';
import { summaryOf } from '../summary';

const ASYNC = ['spawn', 'exec', 'execFile', 'fork'] as const;
const SYNC = ['spawnSync', 'execSync', 'execFileSync'] as const;
/** Wrapped forms running now (synchronously): an inner one is part of the outer call. */
let depth = 0;

interface Child {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

export function patchChildProcess(cp: Record<string, unknown>): void {
  for (const name of [...ASYNC, ...SYNC]) {
    if (typeof cp[name] !== 'function' || isWrapped(cp[name])) continue;
    const isSync = (SYNC as readonly string[]).includes(name);
    wrapFunctionWrapper(cp, name, (wrapped, _instance, args) => {
      if (depth > 0) return wrapped(...args);
      depth++;
      try {
        return run(name, isSync, () => wrapped(...args), args);
      } finally {
        depth--;
      }
    });
  }
}

function run(name: string, isSync: boolean, call: () => unknown, args: unknown[]): unknown {
  const command = commandLine(name, args);
  const start = process.hrtime.bigint();
  if (isSync) return runSync(name, command, start, call);
  let child: unknown;
  try {
    child = call();
  } catch (error) {
    line(name, command, start, `error ${describeError(error)}`, { error: describeError(error) });
    throw error; // wrapt-hooks child_process recipe: rethrowing what Node threw
  }
  observe(name, command, start, child as Child);
  return child;
}

function runSync(name: string, command: string, start: bigint, call: () => unknown): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    // execSync/execFileSync throw for a non-zero exit: the error carries status and signal.
    const failure = error as { status?: unknown; signal?: unknown };
    if (typeof failure.status === 'number') line(name, command, start, `exit ${failure.status}`, { exit: failure.status });
    else if (typeof failure.signal === 'string') line(name, command, start, `signal ${failure.signal}`, { signal: failure.signal });
    else line(name, command, start, `error ${describeError(error)}`, { error: describeError(error) });
    throw error; // wrapt-hooks child_process recipe: rethrowing what Node threw
  }
  const spawned = result as { status?: unknown; signal?: unknown; error?: unknown } | null;
  if (name === 'spawnSync' && spawned !== null && typeof spawned === 'object') {
    if (spawned.error !== undefined) line(name, command, start, `error ${describeError(spawned.error)}`, { error: describeError(spawned.error) });
    else if (typeof spawned.signal === 'string') line(name, command, start, `signal ${spawned.signal}`, { signal: spawned.signal });
    else line(name, command, start, `exit ${String(spawned.status)}`, { exit: spawned.status });
  } else {
    line(name, command, start, 'exit 0', { exit: 0 });
  }
  return result;
}

function observe(name: string, command: string, start: bigint, child: Child): void {
  if (child === null || typeof child !== 'object' || typeof child.once !== 'function') return;
  let done = false;
  child.once('exit', (code: unknown, signal: unknown) => {
    if (done) return;
    done = true;
    if (typeof signal === 'string') line(name, command, start, `signal ${signal}`, { signal });
    else line(name, command, start, `exit ${String(code)}`, { exit: code });
  });
  const original = child.emit;
  child.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
    if (event === 'error' && !done) {
      done = true;
      line(name, command, start, `error ${describeError(args[0])}`, { error: describeError(args[0]) });
    }
    return original.call(this, event, ...args);
  };
}

function line(fn: string, command: string, start: bigint, text: string, fields: Record<string, unknown>): void {
  const ms = msSince(start);
  emit('child_process', `${fn} ${command} -> ${text} ${ms.toFixed(ms < 10 ? 2 : 1)}ms`, { recipe: 'child_process', fn, command, ...fields, ms });
  summaryOf('child_process')?.record(commandName(command), ms, fields['exit'] !== 0);
}

/** The name of the program a command line runs: `/usr/bin/git status` -> `git`. */
export function commandName(command: string): string {
  const space = command.indexOf(' ');
  const file = space === -1 ? command : command.slice(0, space);
  return file.slice(file.lastIndexOf('/') + 1) || file;
}

/** The command as a shell would show it: `ls -la`, `node worker.js` for fork, the string for exec. */
export function commandLine(name: string, args: readonly unknown[]): string {
  const [file, rest] = args;
  const list = Array.isArray(rest) ? rest.map(String) : [];
  if (name === 'exec' || name === 'execSync') return redactCommand(shorter(String(file)));
  const parts = name === 'fork' ? [process.execPath.split('/').pop() ?? 'node', String(file), ...list] : [String(file), ...list];
  return redactArgv(parts.map(shorter)).map(quote).join(' ');
}

/** The longest argument a line shows: a 64 KB argument is cut before anything reads it. */
const MAX_ARG = 1024;

function shorter(arg: string): string {
  return arg.length > MAX_ARG ? `${arg.slice(0, MAX_ARG)}…` : arg;
}

function quote(part: string): string {
  return part === '' || /[\s"'\\$`]/.test(part) ? `'${part.replace(/'/g, `'\\''`)}'` : part;
}
