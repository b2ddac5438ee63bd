// One `wrapt-hooks attach` session over the control socket (docs/attach.md), loaded at the first
// connection. The protocol is newline-delimited JSON, each message at most MAX_MESSAGE bytes and
// checked field by field (anything from the socket is untrusted):
//
//   client -> process                                   process -> client
//   {"op":"hello","version":1,"json":b,                 {"op":"hello","pid",…}
//    "closeInspector":b}
//   {"op":"attach","trace":[…],"recipes":[…],"json":b}  {"op":"attached","results":[…]}
//   {"op":"report","what":"summary"|"handles"}          {"op":"report","lines":[…]}
//   {"op":"detach"}                                     {"op":"detached","restored","kept"}
//                                                       {"op":"line","text"} (trace and recipe lines)
//                                                       {"op":"note","text"} (a module loaded later)
//                                                       {"op":"error","code","message"}
//
// What an attach turns on, and takes off at the detach (which also comes when the connection is
// lost), is changes.ts; the reports are reports.ts. One session at a time.
import type { Socket } from 'node:net';
import { getRegistry, type Registry } from '../core/registry';
import { describeCause } from '../errors';
import type { Route } from '../trace/output';
import { Changes, safeCwd } from './changes';
import { handlesReport, summaryReport } from './reports';

/** The longest message either side sends or accepts, in bytes. */
export const MAX_MESSAGE = 64 * 1024;
const MAX_ENTRIES = 64;
const MAX_SPEC = 1024;
/** Lines queued for a client that reads slower than the process writes: past this, lines are counted and dropped. */
const MAX_BUFFERED = 16 * 1024 * 1024;

let active: Session | undefined;

/** Serves one client of the control socket. */
export function serve(socket: Socket): void {
  socket.setEncoding('utf8');
  socket.on('error', () => {
    // A client gone mid-write: 'close' follows, which detaches.
  });
  if (active !== undefined) {
    socket.end(
      `${JSON.stringify({ op: 'error', code: 'busy', message: `another wrapt-hooks attach is active in process ${process.pid}; detach it first` })}\n`,
    );
    return;
  }
  const session = new Session(socket);
  active = session;
  socket.on('close', () => session.detach());
}

class Session {
  private buffer = '';
  private queue: Promise<void> = Promise.resolve();
  private readonly registry: Registry = getRegistry();
  private attachedAt = 0;
  private dropped = 0;
  private detached = false;
  private json = false;
  private readonly route: Route = { json: false, write: (text) => this.line(text) };
  private readonly changes = new Changes(this.registry, this.route, (text) => this.send({ op: 'note', text }));

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: string) => this.receive(chunk));
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(`${JSON.stringify(message)}\n`);
  }

  /** A trace or recipe line (ends with a newline), for the client's stdout. */
  private line(text: string): void {
    if (this.detached) return;
    if (this.socket.writableLength > MAX_BUFFERED) {
      this.dropped++;
      return;
    }
    this.send({ op: 'line', text: text.endsWith('\n') ? text.slice(0, -1) : text });
  }

  private fail(code: string, message: string): void {
    this.send({ op: 'error', code, message });
    this.detach();
    this.socket.end();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let at = this.buffer.indexOf('\n'); at !== -1; at = this.buffer.indexOf('\n')) {
      const text = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 1);
      if (Buffer.byteLength(text) > MAX_MESSAGE) return this.fail('too-large', `a message is longer than ${MAX_MESSAGE} bytes`);
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        return this.fail('bad-message', 'a message is not JSON');
      }
      this.queue = this.queue.then(() => this.handle(message)).catch((error: unknown) => this.fail('internal', describeCause(error)));
    }
    if (Buffer.byteLength(this.buffer) > MAX_MESSAGE) this.fail('too-large', `a message is longer than ${MAX_MESSAGE} bytes`);
  }

  private async handle(message: unknown): Promise<void> {
    if (this.detached) return;
    const m = message as Record<string, unknown> | null;
    if (m === null || typeof m !== 'object' || Array.isArray(m) || typeof m['op'] !== 'string') return this.fail('bad-message', 'a message has no "op"');
    switch (m['op']) {
      case 'hello':
        return this.hello(m);
      case 'attach': {
        const trace = stringList(m['trace'], MAX_ENTRIES, MAX_SPEC);
        const recipes = stringList(m['recipes'], MAX_ENTRIES, 64);
        if (trace === undefined || recipes === undefined || typeof m['json'] !== 'boolean') {
          return this.fail('bad-message', `"attach" takes "trace" and "recipes" (arrays of at most ${MAX_ENTRIES} strings) and "json" (true or false)`);
        }
        return this.attach(trace, recipes, m['json']);
      }
      case 'report':
        if (m['what'] !== 'summary' && m['what'] !== 'handles') return this.fail('bad-message', '"report" takes "what": "summary" or "handles"');
        this.send({
          op: 'report',
          what: m['what'],
          lines: m['what'] === 'summary' ? summaryReport(this.registry, this.json, this.changes.stats()) : handlesReport(this.json),
        });
        return;
      case 'detach': {
        const { restored, kept } = this.detach();
        this.send({ op: 'detached', restored, kept, dropped: this.dropped, ms: this.attachedAt === 0 ? 0 : Date.now() - this.attachedAt });
        this.socket.end();
        return;
      }
      default:
        return this.fail('bad-message', `unknown op ${JSON.stringify(m['op']).slice(0, 40)}`);
    }
  }

  private hello(m: Record<string, unknown>): void {
    if (m['version'] !== 1) return this.fail('version', `this process speaks control protocol version 1, the client ${JSON.stringify(m['version'])}`);
    if (m['json'] !== undefined && typeof m['json'] !== 'boolean') return this.fail('bad-message', '"json" is true or false');
    this.setFormat(m['json'] === true);
    const reply: Record<string, unknown> = { op: 'hello', pid: process.pid, node: process.version, cwd: safeCwd(), argv: process.argv.slice(0, 8) };
    if (m['closeInspector'] === true) {
      // attach --inspector opened the inspector to start this socket; it is closed before anything else.
      const inspector = require('node:inspector') as typeof import('node:inspector');
      if (inspector.url() !== undefined) inspector.close();
      reply['inspectorClosed'] = inspector.url() === undefined;
    }
    this.send(reply);
  }

  private setFormat(json: boolean): void {
    this.json = json;
    (this.route as { json: boolean }).json = json;
  }

  private async attach(specs: string[], recipes: string[], json: boolean): Promise<void> {
    this.setFormat(json);
    this.attachedAt = Date.now();
    this.send({ op: 'attached', results: await this.changes.add(specs, recipes) });
  }

  /** Takes off everything this session added; idempotent. */
  detach(): { restored: number; kept: string[] } {
    if (this.detached) return { restored: 0, kept: [] };
    this.detached = true;
    if (active === this) active = undefined;
    return this.changes.takeOff();
  }
}

function stringList(value: unknown, max: number, maxLength: number): string[] | undefined {
  if (!Array.isArray(value) || value.length > max) return undefined;
  for (const item of value) if (typeof item !== 'string' || item.length > maxLength) return undefined;
  return value as string[];
}
