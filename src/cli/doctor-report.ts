// The JSON report of `wrapt-hooks doctor --json`. Types only.
import type { TargetKind } from '../core/targets';
import type { EsmMode } from '../hooks/node';

/** The JSON report of `wrapt-hooks doctor --json` (format `version: 1`; fields are only ever added). */
export interface DoctorReport {
  version: 1;
  ok: boolean;
  wraptHooks: { version: string };
  node: { version: string; esmMode: EsmMode };
  cwd: string;
  /**
   * `failed`: a config file that exists but failed to load (its problem is in `problems`); `file` is then null.
   * `shadowed`: config files beside the one used, which are never read.
   */
  config: { file: string | null; failed?: string; dir: string; strict: boolean; shadowed: string[] };
  /** WRAPT_HOOKS_DISABLE: `"all"`, or the targets it names (empty: nothing disabled). */
  disabled: 'all' | string[];
  targets: TargetReport[];
  packages: PackageReport[];
  traces: TraceReport[];
  problems: ProblemReport[];
}

export interface Installed {
  /** The package's version; Node's version for builtins; null for application files. */
  version: string | null;
  /** The file the target resolves to (null for builtins, or a package whose entry cannot be required). */
  file: string | null;
}

export interface TargetReport {
  target: string;
  key: string;
  kind: TargetKind;
  disabled: boolean;
  installed: Installed | null;
  /** Why the target was not found, or a remark about it. */
  note?: string;
  patches: PatchReport[];
}

export interface PatchReport {
  spec: string;
  origin: string;
  /** The patch package that declared it; null for the config file. */
  package: string | null;
  versions: string | null;
  /** null when there is no range or nothing to check it against. */
  versionMatches: boolean | null;
  file: string | null;
  /** The export used: its name, "default", or "module.exports"; null when not found. */
  export: string | null;
  ok: boolean;
  problem?: string;
}

export interface PackageReport {
  name: string;
  origin: string;
  version: string | null;
  root: string | null;
  targets: string[];
  ok: boolean;
  problem?: string;
}

export interface TraceReport {
  spec: string;
  target: string;
  path: string;
  stack: boolean;
  origin: string;
  package: string | null;
  installed: Installed | null;
  /** Whether the function path resolves to a function on the target's exports; null when unchecked. */
  resolves: boolean | null;
  /** For a wildcard (`#*`, `#Client.prototype.*`): the functions it was seen to match, where they could be read. */
  matches?: string[];
  ok: boolean;
  problem?: string;
  /** Something to know that is not a problem (an `export let` the target may reassign). */
  note?: string;
}

export interface ProblemReport {
  code: string;
  message: string;
  hint?: string;
}
