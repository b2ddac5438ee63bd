// The preload: config and discovery -> registry -> module hooks. Idempotent per thread, even
// when two installed copies of wrapt-hooks are preloaded; the only module with side effects.
import { debug, debugEnabled } from './debug';
import { describeCause, report, warn, WraptHooksError } from './errors';
import type { BootstrapResult, Plan } from './config/types';
import { exposeBundleApi } from './bundlers/expose';
import { disabledTargets } from './core/disable';
import { KEYS } from './global-state';
import type { Registry } from './core/registry';
import { isLoaderThread, isMainThread } from './thread';

const BOOTED = KEYS.bootstrapped;

export type { BootstrapResult };

/** Runs the preload once per thread. `entry` says which preload file called it. */
export function bootstrap(entry: 'require' | 'import' | 'cli'): BootstrapResult {
  const store = globalThis as unknown as Record<symbol, BootstrapResult | undefined>;
  const done = store[BOOTED];
  if (done !== undefined) {
    debug(`already installed; --${entry} preload skipped`);
    return done;
  }
  const result: BootstrapResult = {};
  store[BOOTED] = result;
  if (isLoaderThread()) {
    result.skipped = 'Node.js internal loader thread';
    return result;
  }
  if (isCli(process.argv[1])) {
    // The preload in NODE_OPTIONS also starts with `wrapt-hooks doctor`, which imports targets
    // to read their exports: its own process must install no hooks and run no patch code.
    debug('the wrapt-hooks command itself: no hooks installed in its process');
    result.skipped = 'the wrapt-hooks command';
    return result;
  }
  // Everything the preload finds is found from the working directory; a process whose directory
  // was deleted (a deploy swapped it) runs on without wrapt-hooks, as it would without the preload.
  let cwd: string;
  try {
    cwd = process.cwd();
    startCwd = cwd;
  } catch (error) {
    warn(
      'WRAPT_HOOKS_NO_CWD',
      `wrapt-hooks cannot read the working directory (${describeCause(error)}; deleted or moved while the process was starting?), where it looks for its config; the application runs unpatched. Start the process from a directory that exists.`,
    );
    result.skipped = 'no working directory';
    return result;
  }
  const disable = disabledTargets(process.env['WRAPT_HOOKS_DISABLE'], cwd);
  exposeBundleApi(disable, watchSummary);
  if (disable === 'all') {
    debug('WRAPT_HOOKS_DISABLE: everything is off');
    result.skipped = 'WRAPT_HOOKS_DISABLE';
    return result;
  }
  let strict = false;
  try {
    const { loadPlan } = require('./config/plan') as typeof import('./config/plan');
    const plan = loadPlan(cwd);
    result.plan = plan;
    strict = plan.strict;
    debug(plan.file === undefined ? `no config file found from ${cwd}` : `config ${plan.file}`);
    if (plan.problems.length > 0) {
      if (strict) {
        const [first] = plan.problems;
        throw new WraptHooksError(
          first!.code,
          plan.problems.map((problem) => problem.message).join('\n'),
          first!.cause === undefined ? undefined : { cause: first!.cause },
        );
      }
      for (const problem of plan.problems) warn(problem.code, problem.message, problem.cause);
    }
    if (plan.control) startControlAtBoot();
    if (plan.patches.length === 0 && plan.packages.length === 0 && plan.trace.length === 0) {
      result.skipped = 'nothing to patch';
      return result;
    }

    const { getRegistry } = require('./hooks/index') as typeof import('./hooks/index');
    const registry = getRegistry({ strict, disabled: disable });
    // Before the traces and recipes are registered: their wrappers see that export is on.
    if (plan.export === 'otel') (require('./otel/export') as typeof import('./otel/export')).enableExport();
    const configured = apply(registry, plan);
    if (disable !== undefined) {
      const { unknownDisabled } = require('./config/target-checks') as typeof import('./config/target-checks');
      for (const message of unknownDisabled(disable, configured)) report(strict, 'WRAPT_HOOKS_DISABLE_UNKNOWN', message);
    }
    // Before the check below: a run whose every target is disabled still gets its summary.
    watchSummary(registry);
    if (!registry.hasTargets()) {
      result.skipped = 'nothing to patch';
      return result;
    }

    (require('./hooks/index') as typeof import('./hooks/index')).ensureHooks(registry);
  } catch (error) {
    if (strict) throw error;
    warn(
      'WRAPT_HOOKS_CONFIG_INVALID',
      `wrapt-hooks could not start (${describeCause(error)}); the application runs unpatched. Run "npx wrapt-hooks doctor" to see why.`,
      error,
    );
  }
  return result;
}

/** Is `script` (the process's main script) the `wrapt-hooks` command, of any installed copy? */
export function isCli(script: string | undefined): boolean {
  // A string test first: every other process pays nothing more.
  if (script === undefined || !/wrapt-hooks(?:\.js)?$/.test(script)) return false;
  try {
    const { existsSync, realpathSync } = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const real = realpathSync(script);
    return path.basename(real) === 'wrapt-hooks.js' && path.basename(path.dirname(real)) === 'bin' && existsSync(path.join(real, '..', '..', 'dist', 'cli.js'));
  } catch {
    return false;
  }
}

/**
 * Registers the plan: config patches first, then discovered packages in the order listed, then
 * traces. Returns every target it named (canonical key -> as written), disabled ones included.
 */
function apply(registry: Registry, plan: Plan): Map<string, string> {
  const configured = new Map<string, string>();
  for (const patch of plan.patches) {
    configured.set(patch.parsed.key, patch.target);
    registry.registerPatch(patch, { immediate: false, planned: true });
  }
  if (plan.packages.length > 0) {
    const { discover } = require('./config/discovery') as typeof import('./config/discovery');
    for (const { name, origin } of plan.packages) {
      debug(`discover ${name}`);
      const found = discover(name, plan.dir, origin);
      for (const problem of found.problems) report(registry.strict, problem.code, problem.message, problem.cause);
      for (const patch of found.patches) {
        configured.set(patch.parsed.key, patch.target);
        registry.registerPatch(patch, { immediate: false, planned: true });
      }
      plan.trace.push(...found.trace);
      if (found.root !== undefined && found.problems.length === 0 && name.startsWith('wrapt-hooks/recipes/')) {
        const recipes = require('./recipes/discover') as typeof import('./recipes/discover');
        const onError = (message: string, error: unknown): void => report(registry.strict, 'WRAPT_HOOKS_PATCH_LOAD', message, error);
        recipes.listenLazily(found.root, onError);
        recipes.startRecipe(found.root, onError);
        if (plan.traceSummary) recipes.summariesOn();
        // Where its lines go is settled now, as for traces (trace/register.ts): a process manager
        // that replaces process.stderr.write before the application runs (pm2's cluster mode) is
        // seen only by a writer that watched process.stderr from before then (writer.ts).
        (require('./trace/output') as typeof import('./trace/output')).traceSink();
      }
    }
  }
  if (plan.trace.length > 0) {
    const { registerTraces } = require('./trace/register') as typeof import('./trace/register');
    registerTraces(registry, plan.trace, { summary: plan.traceSummary });
    // Only WRAPT_HOOKS_DISABLE's check needs the traces' targets as keys.
    if (registry.disabled.size > 0) {
      const { parseTarget } = require('./core/targets') as typeof import('./core/targets');
      for (const trace of plan.trace) {
        const target = parseTarget(trace.target, trace.baseDir);
        if (typeof target !== 'string') configured.set(target.key, trace.target);
      }
    }
  }
  return configured;
}

let summaryWatched = false;
let startCwd = '';

/** The exit summary (WRAPT_HOOKS_DEBUG), once per thread: for the config's hooks and a bundle's alike. */
function watchSummary(registry: Registry): void {
  if (!debugEnabled || summaryWatched) return;
  summaryWatched = true;
  // At exit, and on a terminating signal the application does not handle (trace/at-exit.ts).
  (require('./trace/at-exit') as typeof import('./trace/at-exit')).atExit(() => {
    const { neverFiredReason } = require('./bundlers/detect') as typeof import('./bundlers/detect');
    // The directory the process started in: the application may have deleted it since.
    const cwd = startCwd;
    (require('./core/summary') as typeof import('./core/summary')).writeSummary(
      registry,
      (target) => neverFiredReason(target, process.argv[1], cwd),
      process.argv,
      cwd,
    );
  });
}

/**
 * WRAPT_HOOKS_CONTROL / "control": the control socket, in the main thread only (it is named by pid).
 * It is opened OPEN_DELAY_MS after start-up by an unreferenced timer, so that the start pays
 * nothing for it and a process that ends sooner never opens one; `node:net` is the one a server
 * loads anyway.
 */
function startControlAtBoot(): void {
  if (!isMainThread()) return;
  const { OPEN_DELAY_MS } = require('./control/paths') as typeof import('./control/paths');
  const timer = setTimeout(() => {
    try {
      startControl();
    } catch (error) {
      warn(
        'WRAPT_HOOKS_CONTROL',
        `cannot open the control socket for "wrapt-hooks attach": ${describeCause(error)}. The application runs on without it.`,
        error,
      );
    }
  }, OPEN_DELAY_MS);
  timer.unref();
}

/**
 * Listens on this process's control socket (docs/attach.md) and returns its path; throws when it
 * cannot. Also what `wrapt-hooks attach --inspector` calls in a process started without it.
 */
export function startControl(): string {
  const { listenControl } = require('./control/listen') as typeof import('./control/listen');
  return listenControl((socket) => (require('./control/session') as typeof import('./control/session')).serve(socket));
}
