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
// Traces and recipes go through the registry and the trace code the preload uses, registered to
// fire at once for what is loaded and later for what loads; every property they replace is
// recorded (wrap/patches.ts recordReplacements) and put back at detach, which also comes when
// the connection is lost. One session at a time.
import type { Socket } from 'node:net';
import { parseTraceEntry, optionProblem } from '../config/validate';
import { discover } from '../config/discovery';
import { getRegistry, type Registry } from '../core/registry';
import { loadSpecifier } from '../core/patch-loader';
import { parseTarget, type Target } from '../core/targets';
import { DeepTargets, type TargetTables } from '../core/match';
import { describeCause } from '../errors';
import { KEYS } from '../global-state';
import { ensureHooks } from '../hooks/index';
import { RECIPE_PREFIX, listenLazily, recipeNames, startRecipe } from '../recipes/discover';
import { loadRecipe } from '../recipes/index';
import { emit, routeSource, type Route } from '../trace/output';
import { registerLiveTrace } from '../trace/register';
import type { Stats } from '../trace/summary';
import { recordReplacements, restoreReplacement, resolvePath, wrapFunctionWrapper, type Replacement } from '../wrap/patches';
import { tracer } from '../trace/tracer';
import type { BootstrapResult, PlanTrace } from '../config/types';
import { isModuleNamespaceObject } from 'node:util/types';

/** The longest message either side sends or accepts, in bytes. */
export const MAX_MESSAGE = 64 * 1024;
const MAX_ENTRIES = 64;
const MAX_SPEC = 1024;
/** Lines queued for a client that reads slower than the process writes: past this, lines are counted and dropped. */
const MAX_BUFFERED = 16 * 1024 * 1024;
const ORIGIN = 'wrapt-hooks attach';

export type Result = { entry: string; status: 'applied' | 'waiting' | 'failed' | 'on'; message: string };

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
  private readonly replacements: Replacement[] = [];
  private readonly undo: (() => void)[] = [];
  private readonly keys = new Set<string>();
  private readonly stats: Stats[] = [];
  private attachedAt = 0;
  private dropped = 0;
  private detached = false;
  private json = false;
  private readonly route: Route = { json: false, write: (text) => this.line(text) };

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
        this.send({ op: 'report', what: m['what'], lines: m['what'] === 'summary' ? this.summary() : this.handles() });
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
    const results: Result[] = [];
    const traces: { spec: string; trace: PlanTrace; target: Target }[] = [];
    for (const spec of specs) {
      const read = this.readTrace(spec);
      if ('status' in read) results.push(read);
      else traces.push({ spec, ...read });
    }
    // Before any target is registered, and so before the module hooks include these files: an
    // `import()` of a loaded module then hands back its own namespace, not a new wrapper of it.
    const namespaces = await this.loadedNamespaces(traces.map(({ target }) => target));
    if (traces.length > 0 || recipes.some((name) => name !== 'handles')) ensureHooks(this.registry);
    for (const { spec, trace, target } of traces) results.push(this.trace(spec, trace, target, namespaces));
    for (const name of recipes) results.push(this.recipe(name));
    this.send({ op: 'attached', results });
  }

  /** Runs a patch of this session with every property it replaces recorded. */
  private recorded<T>(fn: () => T): T {
    return recordReplacements((replacement) => this.replacements.push(replacement), fn);
  }

  private readTrace(spec: string): Result | { trace: PlanTrace; target: Target } {
    const cwd = safeCwd();
    const read = parseTraceEntry(spec, cwd);
    if (typeof read.parsed === 'string') return { entry: spec, status: 'failed', message: read.parsed };
    if (read.problems.length > 0) return { entry: spec, status: 'failed', message: `${optionProblem(read.problems[0]!)}.` };
    const target = parseTarget(read.parsed.target, cwd);
    if (typeof target === 'string') return { entry: spec, status: 'failed', message: target };
    return { trace: { ...read.parsed, options: read.options, stack: read.options.stack > 0, baseDir: cwd, origin: ORIGIN }, target };
  }

  /**
   * The namespaces of ES modules loaded before the attach that the registry never saw (the
   * process had no hook for them) and that `targets` name, by target key.
   */
  private async loadedNamespaces(targets: readonly Target[]): Promise<Map<string, { filename: string; namespace: object }[]>> {
    const byKey = new Map<string, { filename: string; namespace: object }[]>();
    const wanted = targets.filter((target) => target.kind !== 'builtin' && !this.registry.isTarget(target.key));
    if (wanted.length === 0) return byKey;
    const { loadedEsmTargets, loadedScriptUrls } = require('./loaded-esm') as typeof import('./loaded-esm');
    for (const { url, filename, keys } of loadedEsmTargets(targetTables(wanted), loadedScriptUrls())) {
      let namespace: unknown;
      try {
        namespace = await import(url);
      } catch {
        continue; // a module that failed to evaluate: nothing to trace in it
      }
      if (!isModuleNamespaceObject(namespace)) continue;
      for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), { filename, namespace: namespace as object }]);
    }
    return byKey;
  }

  private trace(spec: string, trace: PlanTrace, target: Target, namespaces: Map<string, { filename: string; namespace: object }[]>): Result {
    this.keys.add(target.key);
    let now = true;
    const applied: string[] = [];
    const failures: string[] = [];
    const { unregister, stats, wrappers } = registerLiveTrace(this.registry, trace, {
      route: this.route,
      around: (fn) => this.recorded(fn),
      applied: (filename) => {
        if (now) applied.push(filename ?? trace.target);
        else this.send({ op: 'note', text: `trace ${trace.spec}: applied to ${filename ?? trace.target}, loaded now` });
      },
      failed: (message) => {
        if (now) failures.push(message);
        else this.send({ op: 'note', text: message });
      },
    });
    this.undo.push(unregister);
    this.stats.push(stats);
    for (const { filename, namespace } of applied.length === 0 ? (namespaces.get(target.key) ?? []) : []) {
      const done = this.traceInNamespace(trace, filename, namespace, stats, wrappers);
      if (done === undefined) applied.push(filename);
      else failures.push(done);
    }
    now = false;
    if (failures.length > 0) return { entry: spec, status: 'failed', message: failures.join('; ') };
    if (applied.length > 0) return { entry: spec, status: 'applied', message: `traced in ${[...new Set(applied)].join(', ')}` };
    return { entry: spec, status: 'waiting', message: `"${trace.target}" is not loaded yet: traced when the process loads it` };
  }

  /**
   * Wraps a member reachable from a loaded ES module's namespace; a namespace's own binding cannot
   * be replaced, which is said. Returns why it did not, or undefined when it did.
   */
  private traceInNamespace(trace: PlanTrace, filename: string, namespace: object, stats: Stats, wrappers: WeakSet<object>): string | undefined {
    const { spec, path: fnPath } = trace;
    if (!fnPath.includes('.')) {
      return `trace "${spec}": "${fnPath}" is an export binding of the ES module ${filename}, loaded before the attach; a module's own bindings cannot be replaced once it is loaded. Trace a member reachable from it (like "Class.prototype.method"), or start the process with WRAPT_TRACE=${spec}`;
    }
    try {
      const original: unknown = resolvePath(namespace, fnPath)[2];
      if (typeof original !== 'function') return `trace "${spec}": "${fnPath}" is not a function in ${filename}`;
      if (wrappers.has(original)) return undefined;
      wrappers.add(this.recorded(() => wrapFunctionWrapper(namespace, fnPath, tracer(spec, trace.options, stats, this.route))));
      return undefined;
    } catch (error) {
      return `trace "${spec}": cannot trace "${fnPath}" in ${filename}: ${describeCause(error)}`;
    }
  }

  private recipe(name: string): Result {
    const entry = `recipe ${name}`;
    if (!recipeNames().includes(name)) return { entry, status: 'failed', message: `"${name}" is not a recipe. The recipes are: ${recipeNames().join(', ')}` };
    const full = RECIPE_PREFIX + name;
    const booted = (globalThis as unknown as Record<symbol, BootstrapResult | undefined>)[KEYS.bootstrapped];
    if (booted?.plan?.packages.some((item) => item.name === full) === true) {
      return { entry, status: 'on', message: "already on in the process (its own configuration); its lines go to the process's output" };
    }
    const found = discover(full, safeCwd(), ORIGIN);
    if (found.problems.length > 0 || found.root === undefined) return { entry, status: 'failed', message: found.problems.map((p) => p.message).join('; ') };
    routeSource(name, this.route);
    this.undo.push(() => routeSource(name, undefined));
    const problems: string[] = [];
    const onError = (message: string, error: unknown): void => {
      problems.push(error === undefined ? message : `${message}: ${describeCause(error)}`);
    };
    for (const patch of found.patches) {
      const lazy = loadSpecifier(patch.spec, patch.baseDir, `for "${patch.target}" (${ORIGIN} --recipe ${name})`);
      if ('error' in lazy) {
        problems.push(lazy.error.message);
        continue;
      }
      const fn = lazy.fn;
      const hook = (exports: unknown, info: Parameters<typeof fn>[1]): unknown => this.recorded(() => fn(exports, info));
      Object.defineProperty(hook, 'name', { value: `recipe ${name}` });
      this.keys.add(patch.parsed.key);
      this.undo.push(
        this.registry.register(hook, patch.parsed, {
          baseDir: patch.baseDir,
          origin: `${ORIGIN} --recipe ${name}`,
          versions: patch.versions,
          immediate: true,
          planned: false,
          internal: true,
        }),
      );
    }
    this.undo.push(listenLazily(found.root, onError));
    this.recorded(() => startRecipe(found.root!, onError));
    this.undo.push(() => {
      const off = (loadRecipe(name) as { off?: unknown } | undefined)?.off;
      if (typeof off === 'function') (off as () => void)();
    });
    if (problems.length > 0) return { entry, status: 'failed', message: problems.join('; ') };
    return { entry, status: 'applied', message: 'on' };
  }

  /** Lines formatted as the client asked (text or JSON), collected instead of written. */
  private collect(write: (route: Route) => void): string[] {
    const lines: string[] = [];
    write({ json: this.json, write: (text) => lines.push(text.endsWith('\n') ? text.slice(0, -1) : text) });
    return lines;
  }

  private summary(): string[] {
    const { summaryLines } = require('../core/summary') as typeof import('../core/summary');
    const { neverFiredReason } = require('../bundlers/detect') as typeof import('../bundlers/detect');
    const { summaryNow } = require('../trace/summary') as typeof import('../trace/summary');
    const debugLines = summaryLines(this.registry, process.argv, safeCwd(), (target) => neverFiredReason(target));
    return this.collect((route) => {
      for (const line of debugLines) {
        if (route.json) route.write(`${JSON.stringify({ time: new Date().toISOString(), pid: process.pid, debug: line.replace(/^wrapt-hooks: /, '') })}\n`);
        else route.write(`${line}\n`);
      }
      const own = summaryNow();
      const booted = (globalThis as unknown as Record<symbol, BootstrapResult | undefined>)[KEYS.bootstrapped];
      for (const { text, fields } of own) emit('trace', text, fields, { req: undefined, route });
      if (own.length === 0 && (booted?.plan?.trace.length ?? 0) > 0)
        emit(
          'trace',
          'summary: the process does not count its own traces (start it with WRAPT_TRACE_SUMMARY=1)',
          { summary: true, counted: false },
          { req: undefined, route },
        );
      for (const stats of this.stats) {
        const { text, fields } = stats.line();
        emit('trace', `${text} (this attach)`, { ...fields, attach: true }, { req: undefined, route });
      }
    });
  }

  private handles(): string[] {
    const { handlesReport } = require('../recipes/handles/index') as typeof import('../recipes/handles/index');
    const report = handlesReport();
    return this.collect((route) => {
      emit(
        'handles',
        `${report.length} active in pid ${process.pid}:`,
        { recipe: 'handles', event: 'report', count: report.length },
        { req: undefined, route },
      );
      for (const line of report) emit('handles', line.text, line.fields, { req: undefined, route });
    });
  }

  /** Takes off everything this session added; idempotent. */
  detach(): { restored: number; kept: string[] } {
    if (this.detached) return { restored: 0, kept: [] };
    this.detached = true;
    if (active === this) active = undefined;
    for (const fn of this.undo.splice(0).reverse()) {
      try {
        fn();
      } catch {
        // an undo that fails leaves the rest to run
      }
    }
    let restored = 0;
    const kept: string[] = [];
    for (const replacement of this.replacements.splice(0).reverse()) {
      if (restoreReplacement(replacement)) restored++;
      else kept.push(`${replacement.attribute}: replaced again since the attach wrapped it, left as it is`);
    }
    for (const key of this.keys) this.registry.resync(key);
    return { restored, kept };
  }
}

/** Match tables holding only `targets` (to find their files among the modules loaded). */
function targetTables(targets: readonly Target[]): TargetTables {
  const tables = { builtins: new Set<string>(), packages: new Set<string>(), deep: new DeepTargets(), files: new Set<string>() };
  for (const target of targets) {
    if (target.kind === 'package') tables.packages.add(target.key);
    else if (target.kind === 'deep') tables.deep.add(target.key);
    else if (target.kind === 'file') tables.files.add(target.key);
  }
  return tables;
}

function stringList(value: unknown, max: number, maxLength: number): string[] | undefined {
  if (!Array.isArray(value) || value.length > max) return undefined;
  for (const item of value) if (typeof item !== 'string' || item.length > maxLength) return undefined;
  return value as string[];
}

function safeCwd(): string {
  try {
    return process.cwd();
  } catch {
    return '/';
  }
}
