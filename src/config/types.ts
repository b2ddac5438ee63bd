// The shapes a config becomes once read and validated: a Plan of patches, packages and traces,
// and the problems found on the way. Types only.
import type { ErrorCode } from '../errors';
import type { Target } from '../core/targets';
import type { PlanTrace } from '../trace/options';

export type { PlanTrace };

export interface Problem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly cause?: unknown;
  /** The config file the problem is about, when one exists but failed to load. */
  readonly file?: string;
}

export interface PlanPatch {
  /** The target as written. */
  readonly target: string;
  /** The target, parsed once (when the config was validated). */
  readonly parsed: Target;
  /** The lazy specifier `"<module>#<export>"`. */
  readonly spec: string;
  readonly versions: string | undefined;
  /** Directory the specifier (and a relative target) resolves against. */
  readonly baseDir: string;
  /** For messages: the file and key that declared it. */
  readonly origin: string;
}

/** A validated config (or a patch package's field). */
export interface Section {
  patches: PlanPatch[];
  packages: { name: string; origin: string }[];
  trace: PlanTrace[];
  strict: boolean | undefined;
  /** Config "traceSummary". */
  traceSummary?: boolean | undefined;
  /** Config "control": the control socket for `wrapt-hooks attach`. */
  control?: boolean | undefined;
  /** Config "export": every traced call and recipe event is also an OpenTelemetry span. */
  export?: 'otel' | undefined;
  problems: Problem[];
}

export interface Plan extends Section {
  /** The config file used, if any. */
  readonly file: string | undefined;
  /** Config files in the same directory that the one used shadows (never read). */
  readonly shadowed?: readonly string[];
  /** Directory relative targets and specifiers resolve against. */
  readonly dir: string;
  readonly strict: boolean;
  /** WRAPT_TRACE_SUMMARY or "traceSummary": true. */
  readonly traceSummary: boolean;
  /** WRAPT_HOOKS_CONTROL or "control": true. */
  readonly control: boolean;
  /** WRAPT_TRACE_EXPORT or "export": where spans go besides the lines. */
  readonly export: 'otel' | undefined;
}

/** What the preload did in a thread (bootstrap.ts; kept under KEYS.bootstrapped, read by control/session.ts). */
export interface BootstrapResult {
  /** Why nothing was installed, when nothing was. */
  skipped?: string;
  plan?: Plan;
}
