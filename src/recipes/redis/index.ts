// The redis recipe: one line per command sent by ioredis or by node-redis (`redis` 4 and later,
// whose client is @redis/client), when its reply arrives:
//
//   wrapt-hooks: redis GET user:1 -> string(5) 0.31ms
//   wrapt-hooks: redis SET user:1 [1 value, 5 bytes] -> OK 0.20ms
//   wrapt-hooks: redis AUTH [redacted] -> OK 0.12ms
//
// The command and its key (its first argument) are shown; every other argument only as a count
// and a size in bytes, since values are application data; AUTH and HELLO show no argument at
// all. The reply is summarised the same way (`string(5)`, `array(3)`, `OK`, `nil`, a number).
// Pipelines and MULTI are one line per command, each as it is answered (`QUEUED` inside MULTI).
//
// ioredis: every command goes through `Redis.prototype.sendCommand(command)`; the command's own
// resolve/reject are wrapped, so the promise the application holds is the same object and gets
// no handler (an unhandled rejection stays unhandled). node-redis keeps its send path in private
// methods; every command (pipelines and MULTI included) reaches the command queue's
// `addCommand(args)` or `addBatch(commands)`, whose promise is handed on through a `then` that
// writes the line and settles with the same value or reason.
import { emit, currentRequestId } from '../../trace/output';
import { describeError, msSince } from '../../trace/format';
import { wrapFunctionWrapper } from '../../wrap/patches';
import { isWrapped } from '../../wrap/wrappers';
import { summaryOf } from '../summary';

/** Commands whose arguments are all secret. */
const REDACTED = new Set(['AUTH', 'HELLO']);
/** Commands whose first argument is not a key (or that have none): shown as counts only. */
const NO_KEY = new Set(['PING', 'ECHO', 'INFO', 'MULTI', 'EXEC', 'DISCARD', 'QUIT', 'SELECT', 'FLUSHALL', 'FLUSHDB', 'DBSIZE', 'TIME', 'PUBLISH', 'SPUBLISH']);
const MAX_KEY = 200;
const STATUS = new Set(['OK', 'QUEUED', 'PONG']);

/** How a command is shown: `GET user:1`, `SET user:1 [1 value, 5 bytes]`, `AUTH [redacted]`. */
export function describeCommand(name: string, args: readonly unknown[]): string {
  const command = name.toUpperCase();
  if (args.length === 0) return command;
  if (REDACTED.has(command)) return `${command} [redacted]`;
  const keyed = !NO_KEY.has(command);
  const key = keyed ? ` ${keyText(args[0])}` : '';
  const rest = keyed ? args.slice(1) : args;
  if (rest.length === 0) return `${command}${key}`;
  let bytes = 0;
  for (const value of rest) bytes += sizeOf(value);
  return `${command}${key} [${rest.length} ${keyed ? 'value' : 'arg'}${rest.length === 1 ? '' : 's'}, ${bytes} byte${bytes === 1 ? '' : 's'}]`;
}

/** A reply as its kind and size: `string(5)`, `array(3)`, `map(2)`, `OK`, `nil`, `3`. */
export function describeReply(reply: unknown): string {
  if (reply === null || reply === undefined) return 'nil';
  if (typeof reply === 'string') return STATUS.has(reply) ? reply : `string(${Buffer.byteLength(reply)})`;
  // ioredis hands over status replies (OK, QUEUED) as buffers, like strings.
  if (Buffer.isBuffer(reply)) return reply.length <= 6 && STATUS.has(reply.toString('latin1')) ? reply.toString('latin1') : `string(${reply.length})`;
  if (typeof reply === 'number' || typeof reply === 'bigint' || typeof reply === 'boolean') return String(reply);
  if (Array.isArray(reply)) return `array(${reply.length})`;
  if (reply instanceof Map || reply instanceof Set) return `${reply instanceof Map ? 'map' : 'set'}(${reply.size})`;
  if (reply instanceof Error) return `error ${firstLine(reply.message)}`;
  if (typeof reply === 'object') return `map(${Object.keys(reply).length})`;
  return typeof reply;
}

function keyText(key: unknown): string {
  const text = Buffer.isBuffer(key) ? key.toString('utf8') : typeof key === 'string' || typeof key === 'number' ? String(key) : `[${typeof key}]`;
  // Control characters would break the line; a long key is cut.
  const shown = text.length > MAX_KEY ? `${text.slice(0, MAX_KEY)}…` : text;
  let out = '';
  for (const char of shown) out += char < ' ' || char === '\u007f' ? '?' : char;
  return out;
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return value.byteLength;
  return Buffer.byteLength(String(value));
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  const line = end === -1 ? text : text.slice(0, end);
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The line of one command, once its reply (or error) is known. */
function done(command: string, start: bigint, req: number | undefined, failed: boolean, outcome: unknown): void {
  const ms = msSince(start);
  const reply = failed ? `error ${firstLine(errorText(outcome))}` : describeReply(outcome);
  emit(
    'redis',
    `${command} -> ${reply} ${ms.toFixed(ms < 10 ? 2 : 1)}ms`,
    { recipe: 'redis', command, ...(failed ? { error: reply.slice(6) } : { reply }), ms },
    { req },
  );
  summaryOf('redis')?.record(command.split(' ', 1)[0]!, ms, failed);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : describeError(error);
}

// ---- ioredis ----------------------------------------------------------------------------------

interface IoredisCommand {
  name?: unknown;
  args?: unknown;
  resolve?: (value: unknown) => unknown;
  reject?: (error: unknown) => unknown;
}

/** Patch for `ioredis`: its default export is the Redis class (a namespace's default, as an ES module). */
export function patchIoredis(exports: unknown): void {
  const Redis = typeof exports === 'function' ? exports : (exports as { default?: unknown } | null)?.default;
  const proto = typeof Redis === 'function' ? (Redis.prototype as Record<string, unknown> | undefined) : undefined;
  if (proto === undefined || typeof proto['sendCommand'] !== 'function' || isWrapped(proto['sendCommand'])) return;
  wrapFunctionWrapper(proto, 'sendCommand', (wrapped, _redis, args) => {
    const command = args[0] as IoredisCommand | undefined;
    if (
      command !== null &&
      typeof command === 'object' &&
      typeof command.resolve === 'function' &&
      typeof command.reject === 'function' &&
      !seen.has(command)
    ) {
      seen.add(command);
      const shown = describeCommand(String(command.name), Array.isArray(command.args) ? command.args : []);
      const start = process.hrtime.bigint();
      const req = currentRequestId();
      const { resolve, reject } = command;
      let settled = false;
      command.resolve = function (this: unknown, value: unknown) {
        if (!settled) {
          settled = true;
          done(shown, start, req, false, value);
        }
        return resolve.call(this, value);
      };
      command.reject = function (this: unknown, error: unknown) {
        if (!settled) {
          settled = true;
          done(shown, start, req, true, error);
        }
        return reject.call(this, error);
      };
    }
    return wrapped(...args);
  });
}

/** A command sent again (a reconnect, a cluster redirection) keeps its first line's start. */
const seen = new WeakSet<object>();

// ---- node-redis -------------------------------------------------------------------------------

interface CommandsQueue {
  addCommand?: unknown;
  addBatch?: unknown;
}

/** Patch for @redis/client's command queue (dist/lib/client/commands-queue.js). */
export function patchRedisQueue(exports: unknown): void {
  const Queue = (exports as { default?: unknown } | null)?.default;
  const proto = typeof Queue === 'function' ? (Queue.prototype as CommandsQueue | undefined) : undefined;
  if (proto === undefined) return;
  if (typeof proto.addCommand === 'function' && !isWrapped(proto.addCommand)) {
    wrapFunctionWrapper(proto as Record<string, unknown>, 'addCommand', (wrapped, _queue, args) => {
      const sent = args[0];
      const result = wrapped(...args);
      return Array.isArray(sent) ? watch(result, sent) : result;
    });
  }
  if (typeof proto.addBatch === 'function' && !isWrapped(proto.addBatch)) {
    wrapFunctionWrapper(proto as Record<string, unknown>, 'addBatch', (wrapped, _queue, args) => {
      const commands = args[0];
      const result = wrapped(...args);
      if (!Array.isArray(commands) || !Array.isArray(result) || result.length !== commands.length) return result;
      return result.map((promise: unknown, i) => {
        const sent = (commands[i] as { args?: unknown } | null)?.args;
        return Array.isArray(sent) ? watch(promise, sent) : promise;
      });
    });
  }
}

/** The command's promise, handed on through a `then` that writes its line. */
function watch(promise: unknown, sent: readonly unknown[]): unknown {
  if (!(promise instanceof Promise)) return promise;
  const [name, ...rest] = sent;
  const shown = describeCommand(Buffer.isBuffer(name) ? name.toString() : String(name), rest);
  const start = process.hrtime.bigint();
  const req = currentRequestId();
  return promise.then(
    (value: unknown) => {
      done(shown, start, req, false, value);
      return value;
    },
    (error: unknown) => {
      done(shown, start, req, true, error);
      throw error; // wrapt-hooks redis recipe: the same reason, for the application's handlers
    },
  );
}
