// The client side of the control socket (docs/attach.md): one connection to the process,
// newline-delimited JSON each way. Trace and recipe lines are printed on stdout as they come,
// notes on stderr; the other messages are replies, read in order with a timeout each.
import net = require('node:net');
import { CannotAttach, withTimeout } from './inspector';

const CONNECT_MS = 3000;

/** One line of attach's own on stderr. */
export function say(line: string): void {
  process.stderr.write(`wrapt-hooks attach: ${line}\n`);
}

export interface Connection {
  readonly socket: net.Socket;
  /** The next message from the process (lines and notes are printed as they come, not returned). */
  next(what: string, ms: number): Promise<Record<string, unknown>>;
  /** Resolves when the connection ends. */
  readonly closed: Promise<void>;
}

export async function connect(file: string, pid: number): Promise<Connection> {
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

export function send(connection: Connection, message: Record<string, unknown>): void {
  connection.socket.write(`${JSON.stringify(message)}\n`);
}

/** A reply that is an error from the process becomes a CannotAttach. */
export function expect(reply: Record<string, unknown>, op: string, pid: number): Record<string, unknown> {
  if (reply['op'] === 'error') throw new CannotAttach(String(reply['message'] ?? `process ${pid} refused`));
  if (reply['op'] !== op) throw new CannotAttach(`process ${pid} answered "${String(reply['op'])}" instead of "${op}"`);
  return reply;
}
