// The plan: the config file found, read and validated, with the environment's additions
// (WRAPT_PATCHES, WRAPT_TRACE, WRAPT_HOOKS_STRICT). Reading a plan has no side effects:
// problems are returned, not reported, so that the preload, `doctor` and tests all see the
// same list.
import * as path from 'node:path';
import { untrustedReason } from '../core/trust';
import { flag, list, type Env } from '../env';
import { readConfigFile } from './read';
import { findConfig, MODULE_NAME } from './search';
import type { Plan, Problem, Section } from './types';
import { optionProblem, parseTraceEntry, validateSection } from './validate';

/** Reads the config (search or WRAPT_HOOKS_CONFIG) and the environment into a plan. */
export function loadPlan(cwd: string = process.cwd(), env: Env = process.env): Plan {
  const found = findConfig(cwd, env);
  const problems: Problem[] = [...found.problems];
  let section: Section = { patches: [], packages: [], trace: [], strict: undefined, problems: [] };
  const file = found.file;
  const dir = file === undefined ? cwd : path.dirname(file);
  // Every config file decides which code runs in the process (a JSON config can name any
  // installed module's export as a patch), so the trust check covers all formats, not only
  // JavaScript: one that another user could have planted or changed is refused.
  const untrusted = file === undefined || found.problems.length > 0 ? undefined : untrustedReason(file);
  if (untrusted !== undefined) problems.push({ code: 'WRAPT_HOOKS_UNTRUSTED_FILE', message: `refusing to load config file ${file}: ${untrusted}.` });
  else if (file !== undefined && found.problems.length === 0) {
    const isPackageJson = path.basename(file) === 'package.json';
    const read = found.raw !== undefined ? { value: found.raw } : readConfigFile(file);
    if (read.problem !== undefined) problems.push(read.problem);
    else section = validateSection(read.value, file, dir, 'config', isPackageJson ? [MODULE_NAME] : []);
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
    trace.push({ ...read.parsed, options: read.options, stack: read.options.stack > 0, baseDir: cwd, origin: 'WRAPT_TRACE' });
  });
  const strict = flag(env['WRAPT_HOOKS_STRICT']) || section.strict === true;
  const traceSummary = flag(env['WRAPT_TRACE_SUMMARY']) || section.traceSummary === true;
  return { file, dir, patches: section.patches, packages, trace, traceSummary, strict, problems };
}
