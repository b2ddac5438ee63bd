// The preload: config and discovery -> registry -> module hooks. Idempotent per thread, even
// when two installed copies of wrapt-hooks are preloaded; the only module with side effects.
import { debug, debugEnabled } from './debug';
import { describeCause, report, warn, WraptHooksError } from './errors';
import type { Plan } from './config/types';
import { exposeBundleApi } from './bundlers/expose';
import { disabledTargets } from './core/disable';
import { KEYS } from './global-state';
import type { Registry } from './core/registry';
import { isLoaderThread } from './hooks/thread';

const BOOTED = KEYS.bootstrapped;

export interface BootstrapResult {
  /** Why nothing was installed, when nothing was. */
  skipped?: string;
  plan?: Plan;
}

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
  const disable = disabledTargets(process.env['WRAPT_HOOKS_DISABLE'], process.cwd());
  exposeBundleApi(disable, watchSummary);
  if (disable === 'all') {
    debug('WRAPT_HOOKS_DISABLE: everything is off');
    result.skipped = 'WRAPT_HOOKS_DISABLE';
    return result;
  }
  let strict = false;
  try {
    const { loadPlan } = require('./config/plan') as typeof import('./config/plan');
    const plan = loadPlan();
    result.plan = plan;
    strict = plan.strict;
    debug(plan.file === undefined ? `no config file found from ${process.cwd()}` : `config ${plan.file}`);
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
    if (plan.patches.length === 0 && plan.packages.length === 0 && plan.trace.length === 0) {
      result.skipped = 'nothing to patch';
      return result;
    }

    const { getRegistry } = require('./core/registry') as typeof import('./core/registry');
    const registry = getRegistry();
    registry.strict = strict;
    if (disable !== undefined) registry.disabled = disable;
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
        recipes.listenLazily(found.root, (message, error) => report(registry.strict, 'WRAPT_HOOKS_PATCH_LOAD', message, error));
        if (plan.traceSummary) recipes.summariesOn();
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

/** The exit summary (WRAPT_HOOKS_DEBUG), once per thread: for the config's hooks and a bundle's alike. */
function watchSummary(registry: Registry): void {
  if (!debugEnabled || summaryWatched) return;
  summaryWatched = true;
  // At exit, and on a terminating signal the application does not handle (trace/at-exit.ts).
  (require('./trace/at-exit') as typeof import('./trace/at-exit')).atExit(() => {
    const { neverFiredReason } = require('./bundlers/detect') as typeof import('./bundlers/detect');
    (require('./core/summary') as typeof import('./core/summary')).writeSummary(registry, (target) => neverFiredReason(target));
  });
}
