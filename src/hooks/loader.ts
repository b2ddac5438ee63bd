// The off-thread ES module loader (`module.register`, Node 20 and older 22/24 lines). It runs in
// Node's loader thread: the targets arrive with `initialize` and, when the application registers
// more, over a message port.
import type { MessagePort } from 'node:worker_threads';
import { DeepTargets, isTargetUrl } from '../core/match';
import { asyncHooks } from './esm-hooks';

/** The targets by kind, as lists (what crosses the thread boundary). */
export interface TargetLists {
  builtins: string[];
  packages: string[];
  deep: string[];
  files: string[];
}

const tables = { builtins: new Set<string>(), packages: new Set<string>(), deep: new DeepTargets(), files: new Set<string>() };

function add(lists: TargetLists): void {
  for (const kind of ['builtins', 'packages', 'deep', 'files'] as const) {
    for (const key of lists[kind] ?? []) tables[kind].add(key);
  }
}

const hooks = asyncHooks((url, specifier) => isTargetUrl(tables, url, specifier));

export function initialize(data: { targets: TargetLists; port?: MessagePort } | undefined): void {
  if (data === undefined) return;
  add(data.targets);
  if (data.port !== undefined) {
    data.port.on('message', (lists: TargetLists) => add(lists));
    data.port.unref();
  }
}

export const resolve = hooks.resolve;
export const load = hooks.load;
