// The plan: the config file found, read and validated, with the environment's additions
// (WRAPT_PATCHES, WRAPT_TRACE, WRAPT_HOOKS_STRICT). Reading a plan has no side effects:
// problems are returned, not reported, so that the preload, `doctor` and tests all see the
// same list.
import path = require('node:path');
import { exportSetting, flag, list, type Env } from '../env';
import { MODULE_NAME } from './places';
import { findConfig } from './search';
import type { Plan, Problem, Section } from './types';
import { optionProblem, parseTraceEntry, traceTargetMistake, validateSection } from './validate';

/** Reads the config (search or WRAPT_HOOKS_CONFIG) and the environment into a plan. */
export function loadPlan(cwd: string = process.cwd(), env: Env = process.env): Plan {
  const found = findConfig(cwd, env);
  const problems: Problem[] = [...found.problems];
  let section: Section = { patches: [], packages: [], trace: [], strict: undefined, problems: [] };
  const file = found.file;
  const dir = file === undefined ? cwd : path.dirname(file);
  // The search has loaded the file and checked that it is trusted (config/search.ts); an empty file configures nothing.
  if (file !== undefined && found.value !== undefined) {
    section = validateSection(found.value, file, dir, 'config', path.basename(file) === 'package.json' ? [MODULE_NAME] : []);
  }
  problems.push(...section.problems);
  // A package listed twice (in "packages" and WRAPT_PATCHES, say) is discovered once, where first listed.
  const packages: { name: string; origin: string }[] = [];
  const listed = new Set<string>();
  for (const entry of [...section.packages, ...list(env['WRAPT_PATCHES']).map((name) => ({ name, origin: 'WRAPT_PATCHES' }))]) {
    if (entry.name === '' || listed.has(entry.name)) continue;
    listed.add(entry.name);
    packages.push(entry);
  }
  const trace = [...section.trace];
  (env['WRAPT_TRACE'] ?? '').split(',').forEach((item, index) => {
    const text = item.trim();
    if (text === '') return;
    const where = `WRAPT_TRACE entry ${index + 1} (${JSON.stringify(text)})`;
    const read = parseTraceEntry(text, cwd);
    if (typeof read.parsed === 'string') {
      problems.push({ code: 'WRAPT_HOOKS_CONFIG_INVALID', message: `${where}: ${read.parsed}` });
      return;
    }
    for (const bad of read.problems) {
      problems.push({ code: bad.unknown ? 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY' : 'WRAPT_HOOKS_CONFIG_INVALID', message: `${where}: ${optionProblem(bad)}.` });
    }
    const mistake = traceTargetMistake(read.parsed.target, cwd);
    if (mistake !== undefined) problems.push({ code: 'WRAPT_HOOKS_TARGET_NOT_FOUND', message: `${where}: ${mistake}` });
    trace.push({ ...read.parsed, options: read.options, stack: read.options.stack > 0, baseDir: cwd, origin: 'WRAPT_TRACE' });
  });
  const strict = flag(env['WRAPT_HOOKS_STRICT']) || section.strict === true;
  const traceSummary = flag(env['WRAPT_TRACE_SUMMARY']) || section.traceSummary === true;
  // WRAPT_HOOKS_CONTROL / "control": the control socket for `wrapt-hooks attach` (docs/attach.md).
  const control = flag(env['WRAPT_HOOKS_CONTROL']) || section.control === true;
  const exported = exportSetting(env['WRAPT_TRACE_EXPORT']);
  if (typeof exported === 'object') {
    problems.push({
      code: 'WRAPT_HOOKS_CONFIG_INVALID',
      message: `WRAPT_TRACE_EXPORT=${JSON.stringify(exported.invalid)} is not an export: the one there is "otel" (OpenTelemetry spans, docs/opentelemetry.md). Nothing is exported; the lines go on as before.`,
    });
  }
  const exportTo = exported === 'otel' ? 'otel' : typeof exported === 'object' ? undefined : section.export;
  return {
    file,
    ...(found.shadowed === undefined || found.shadowed.length === 0 ? {} : { shadowed: found.shadowed }),
    dir,
    patches: section.patches,
    packages,
    trace,
    traceSummary,
    export: exportTo,
    control,
    strict,
    problems,
  };
}
