// The off-thread ES module loader (`module.register`, Node 20 and older 22/24 lines). It runs in
// Node's loader thread: the targets arrive with `initialize` and, when the application registers
// more, over a message port that every `resolve` drains first. The application's thread posts a
// new target before `registerPostImportHook` returns and can only import after that, so the
// import's `resolve` finds the target: no import races its registration, and nothing waits.
//
// The port also carries, the other way, the import specifier of each URL this loader marks for
// wrapping. When another agent's import-in-the-middle loader, chained after this one, writes the
// wrapper for such a URL (1.x and 2.x then lose the specifier), the application's thread reads it
// from here (esm-bridge.ts).
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { isTargetUrl, packageReached, TargetSets } from '../core/match';
import { asyncHooks, type LoadResult, type ResolveContext, type ResolveResult } from './esm-hooks';
import { wrappedUrl } from './esm-wrapper';

/** The targets by kind, as lists (what crosses the thread boundary). */
export interface TargetLists {
  builtins: string[];
  packages: string[];
  deep: string[];
  files: string[];
}

/** What the loader posts back: the specifier a marked URL was imported by. */
export interface MarkedSpecifier {
  url: string;
  specifier: string;
}

const tables = new TargetSets();
let port: MessagePort | undefined;

function add(lists: TargetLists): void {
  for (const kind of ['builtins', 'packages', 'deep', 'files'] as const) {
    for (const key of lists[kind] ?? []) tables[kind].add(key);
  }
}

/** Takes the targets the application registered since the last call. */
function drain(): void {
  if (port === undefined) return;
  for (let entry = receiveMessageOnPort(port); entry !== undefined; entry = receiveMessageOnPort(port)) add(entry.message as TargetLists);
}

const hooks = asyncHooks(
  (url, specifier) => isTargetUrl(tables, url, specifier),
  (url, specifier) => packageReached(tables, url, specifier),
);

export function initialize(data: { targets: TargetLists; port?: MessagePort } | undefined): void {
  if (data === undefined) return;
  add(data.targets);
  port = data.port;
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  next: (specifier: string, context?: ResolveContext) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  drain();
  const result = await hooks.resolve(specifier, context, next);
  const original = port === undefined || wrappedUrl(specifier) !== undefined ? undefined : wrappedUrl(result.url);
  if (original !== undefined) port?.postMessage({ url: original, specifier } satisfies MarkedSpecifier);
  return result;
}

export function load(url: string, context: object, next: (url: string, context?: object) => Promise<LoadResult>): Promise<LoadResult> {
  return hooks.load(url, context, next);
}
