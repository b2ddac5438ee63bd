// Validation of a config object (or a patch package's "wrapt-hooks" field), key by key, into a
// Section: every problem names the file and the key path. An entry with unknown keys still
// applies with its known ones; every unknown key is named.
import { checkSpecifier, parseTarget, type Target } from '../core/targets';
import { debug } from '../debug';
import type { ErrorCode } from '../errors';
import { isRange } from '../core/versions';
import { loadNearMiss, missingBuiltin, targetMistake } from './target-checks';
import type { Section } from './types';
import { OPTION_KEYS, readOptions, splitSpec, type OptionProblem, type TraceOptions } from '../trace/options';

const CONFIG_KEYS = ['patches', 'packages', 'trace', 'traceSummary', 'export', 'strict', 'control'] as const;
const PACKAGE_KEYS = ['patches', 'trace'] as const;
const ENTRY_KEYS = ['patch', 'versions', 'enabled'] as const;
const TRACE_KEYS = ['fn', 'enabled', ...OPTION_KEYS] as const;

/** The readable path of a key: patches["./src/db.js"][1].versions. */
function keyPath(parts: readonly (string | number)[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'undefined' || typeof value === 'symbol' || typeof value === 'bigint') return typeof value;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Validates a config object (kind "config") or a patch package's field (kind "package").
 * `where` names the file (and, for package.json, the field) in every message.
 */
export function validateSection(raw: unknown, where: string, baseDir: string, kind: 'config' | 'package', prefix: readonly string[] = []): Section {
  const section: Section = { patches: [], packages: [], trace: [], strict: undefined, problems: [] };
  const problem = (code: ErrorCode, parts: readonly (string | number)[], text: string): void => {
    section.problems.push({ code, message: `${where}: ${parts.length === 0 && prefix.length === 0 ? '' : `key ${keyPath([...prefix, ...parts])}: `}${text}` });
  };
  if (!isPlainObject(raw)) {
    problem('WRAPT_HOOKS_CONFIG_INVALID', [], `expected an object like {"patches": {"fs": "./patches/fs.js"}}, got ${typeName(raw)}.`);
    return section;
  }
  const known: readonly string[] = kind === 'config' ? CONFIG_KEYS : PACKAGE_KEYS;
  unknownKeys(raw, known, [], problem);
  if (raw['patches'] !== undefined) validatePatches(raw['patches'], where, baseDir, prefix, section, problem);
  if (kind === 'config' && raw['packages'] !== undefined) {
    const packages = raw['packages'];
    if (!Array.isArray(packages)) problem('WRAPT_HOOKS_CONFIG_INVALID', ['packages'], `expected an array of package names, got ${typeName(packages)}.`);
    else
      packages.forEach((name: unknown, index) => {
        if (typeof name !== 'string') problem('WRAPT_HOOKS_CONFIG_INVALID', ['packages', index], `expected a package name, got ${typeName(name)}.`);
        else if (name.trim() !== '') section.packages.push({ name: name.trim(), origin: `${where}, key ${keyPath([...prefix, 'packages', index])}` });
      });
  }
  if (raw['trace'] !== undefined) validateTrace(raw['trace'], where, baseDir, prefix, section, problem);
  if (kind === 'config' && raw['traceSummary'] !== undefined) {
    if (typeof raw['traceSummary'] !== 'boolean')
      problem('WRAPT_HOOKS_CONFIG_INVALID', ['traceSummary'], `expected true or false, got ${typeName(raw['traceSummary'])}.`);
    else section.traceSummary = raw['traceSummary'];
  }
  if (kind === 'config' && raw['control'] !== undefined) {
    if (typeof raw['control'] !== 'boolean') problem('WRAPT_HOOKS_CONFIG_INVALID', ['control'], `expected true or false, got ${typeName(raw['control'])}.`);
    else section.control = raw['control'];
  }
  if (kind === 'config' && raw['export'] !== undefined) {
    if (raw['export'] !== 'otel')
      problem('WRAPT_HOOKS_CONFIG_INVALID', ['export'], `expected "otel" (OpenTelemetry spans, docs/opentelemetry.md), got ${typeName(raw['export'])}.`);
    else section.export = 'otel';
  }
  if (kind === 'config' && raw['strict'] !== undefined) {
    if (typeof raw['strict'] !== 'boolean') problem('WRAPT_HOOKS_CONFIG_INVALID', ['strict'], `expected true or false, got ${typeName(raw['strict'])}.`);
    else section.strict = raw['strict'];
  }
  return section;
}

type ProblemFn = (code: ErrorCode, parts: readonly (string | number)[], text: string) => void;

function validatePatches(patches: unknown, where: string, baseDir: string, prefix: readonly string[], section: Section, problem: ProblemFn): void {
  if (!isPlainObject(patches)) {
    problem('WRAPT_HOOKS_CONFIG_INVALID', ['patches'], `expected an object mapping targets to patches, got ${typeName(patches)}.`);
    return;
  }
  for (const target of Object.keys(patches)) {
    const value = patches[target];
    const entries = Array.isArray(value) ? value : [value];
    if (missingBuiltinEntries(target, entries, problem)) continue;
    const parsed = parseTarget(target, baseDir);
    if (typeof parsed === 'string') {
      const hint = target.startsWith('node:') ? loadNearMiss().didYouMean(target, loadNearMiss().builtinNames()) : '';
      problem('WRAPT_HOOKS_CONFIG_INVALID', ['patches', target], `${parsed}${hint === '' ? '' : `: ${hint}`}.`);
      continue;
    }
    if (entries.length === 0) {
      problem('WRAPT_HOOKS_CONFIG_INVALID', ['patches', target], 'the list of patches is empty. Add a patch or remove the key.');
      continue;
    }
    const mistake = targetMistake(parsed, baseDir);
    if (mistake !== undefined) problem('WRAPT_HOOKS_TARGET_NOT_FOUND', ['patches', target], mistake);
    entries.forEach((entry: unknown, index) => {
      const parts = Array.isArray(value) ? ['patches', target, index] : ['patches', target];
      const origin = `${where}, key ${keyPath([...prefix, ...parts])}`;
      if (typeof entry === 'string') {
        const bad = checkSpecifier(entry);
        if (bad !== undefined) problem('WRAPT_HOOKS_CONFIG_INVALID', parts, `${bad}.`);
        else section.patches.push({ target, parsed, spec: entry, versions: undefined, baseDir, origin });
        return;
      }
      if (!isPlainObject(entry)) {
        problem(
          'WRAPT_HOOKS_CONFIG_INVALID',
          parts,
          `expected a patch specifier like "./patches/x.js#patch" or {"patch": ..., "versions": ...}, got ${typeName(entry)}.`,
        );
        return;
      }
      unknownKeys(entry, ENTRY_KEYS, parts, problem, ' The entry applies without it.');
      const bad = checkSpecifier(entry['patch']);
      if (bad !== undefined) {
        problem('WRAPT_HOOKS_CONFIG_INVALID', [...parts, 'patch'], `${bad}.`);
        return;
      }
      if (entry['enabled'] !== undefined && typeof entry['enabled'] !== 'boolean') {
        problem('WRAPT_HOOKS_CONFIG_INVALID', [...parts, 'enabled'], `expected true or false, got ${typeName(entry['enabled'])}.`);
        return;
      }
      const versions = entry['versions'];
      if (versions !== undefined && (typeof versions !== 'string' || !isRange(versions))) {
        problem('WRAPT_HOOKS_CONFIG_INVALID', [...parts, 'versions'], `${typeName(versions)} is not a semver range. Write one like ">=4 <6" or "^5.1.0".`);
        return;
      }
      if (entry['enabled'] === false) return;
      section.patches.push({ target, parsed, spec: entry['patch'] as string, versions: versions as string | undefined, baseDir, origin });
    });
  }
}

function validateTrace(trace: unknown, where: string, baseDir: string, prefix: readonly string[], section: Section, problem: ProblemFn): void {
  if (!Array.isArray(trace)) {
    problem('WRAPT_HOOKS_CONFIG_INVALID', ['trace'], `expected an array like ["fs#mkdtempSync"], got ${typeName(trace)}.`);
    return;
  }
  trace.forEach((entry: unknown, index) => {
    const parts: (string | number)[] = ['trace', index];
    let fields: Record<string, unknown> = {};
    let spec: unknown = entry;
    if (isPlainObject(entry)) {
      // Every unknown key is reported; the entry still applies with its known keys.
      unknownKeys(entry, TRACE_KEYS, parts, problem);
      if (entry['enabled'] !== undefined && typeof entry['enabled'] !== 'boolean') {
        problem('WRAPT_HOOKS_CONFIG_INVALID', [...parts, 'enabled'], `expected true or false, got ${typeName(entry['enabled'])}.`);
        return;
      }
      if (entry['enabled'] === false) return;
      fields = Object.fromEntries(Object.entries(entry).filter(([key]) => (OPTION_KEYS as readonly string[]).includes(key)));
      spec = entry['fn'];
    }
    const gap = typeof spec === 'string' ? missingBuiltin(spec.slice(0, Math.max(spec.lastIndexOf('#'), 0)), undefined) : undefined;
    if (gap !== undefined) {
      if ('warn' in gap) problem('WRAPT_HOOKS_BUILTIN_UNAVAILABLE', parts, gap.warn);
      return;
    }
    const read = parseTraceEntry(spec, baseDir, fields);
    const at = isPlainObject(entry) ? [...parts, 'fn'] : parts;
    if (typeof read.parsed === 'string') {
      problem('WRAPT_HOOKS_CONFIG_INVALID', at, read.parsed);
      return;
    }
    for (const bad of read.problems) {
      const key = isPlainObject(entry) && bad.key in fields ? [...parts, bad.key] : at;
      problem(bad.unknown ? 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY' : 'WRAPT_HOOKS_CONFIG_INVALID', key, `${optionProblem(bad)}.`);
    }
    const mistake = traceTargetMistake(read.parsed.target, baseDir);
    if (mistake !== undefined) problem('WRAPT_HOOKS_TARGET_NOT_FOUND', at, mistake);
    section.trace.push({
      ...read.parsed,
      options: read.options,
      stack: read.options.stack > 0,
      baseDir,
      origin: `${where}, key ${keyPath([...prefix, ...at])}`,
    });
  });
}

/** "option slow: expected … ; the entry is traced without it" (for messages). */
export function optionProblem(bad: OptionProblem): string {
  return `${optionMistake(bad)}; the function is traced without it`;
}

/** "option slow: expected …": what is wrong, without what happens next. */
export function optionMistake(bad: OptionProblem): string {
  return `option "${bad.key}": ${bad.message}`;
}

/**
 * A trace entry: the string form `"<target>#<path>+opt+opt=value"` and, for the object form,
 * its option keys (which win over the same option as a suffix of "fn").
 */
export function parseTraceEntry(
  text: unknown,
  baseDir: string,
  fields: Readonly<Record<string, unknown>> = {},
): { parsed: { target: string; path: string; spec: string } | string; options: TraceOptions; problems: OptionProblem[] } {
  const split = typeof text === 'string' ? splitSpec(text.trim()) : { spec: text, raw: {} };
  const { options, problems } = readOptions({ ...split.raw, ...fields });
  return { parsed: parseTraceSpec(split.spec, baseDir), options, problems };
}

/** Parses `"<target>#<path>"`; returns an error message for a bad one. */
export function parseTraceSpec(spec: unknown, baseDir: string): { target: string; path: string; spec: string } | string {
  if (typeof spec !== 'string' || spec.trim() === '') return `expected "<target>#<function path>" like "fs#mkdtempSync", got ${typeName(spec)}.`;
  const at = spec.lastIndexOf('#');
  if (at <= 0 || at === spec.length - 1) return `"${spec}" is not "<target>#<function path>" (like "fs#mkdtempSync" or "pg#Client.prototype.query").`;
  const target = spec.slice(0, at);
  const fnPath = spec.slice(at + 1);
  const bad = parseTarget(target, baseDir);
  if (typeof bad === 'string') return `${bad}.`;
  const parts = fnPath.split('.');
  if (parts.some((part) => part === '' || part === '__proto__')) return `"${fnPath}" in "${spec}" is not a property path like "Client.prototype.query".`;
  // `*` stands for every function of the object before it, so only as the whole last name.
  if (parts.some((part, i) => part.includes('*') && (part !== '*' || i !== parts.length - 1)))
    return `"${fnPath}" in "${spec}": "*" stands only for the last name of the path, as in "pg#Client.prototype.*" or "./src/db.js#*".`;
  return { target, path: fnPath, spec };
}

/** Names every key of `object` that is not in `known` (with the known key it is closest to). */
function unknownKeys(object: Record<string, unknown>, known: readonly string[], parts: readonly (string | number)[], problem: ProblemFn, after = ''): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const hint = loadNearMiss().didYouMean(key, known);
    problem(
      'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
      [...parts, key],
      `unknown key${hint === '' ? '' : `: ${hint}`} (known keys: ${known.join(', ')}). Remove it or fix its spelling.${after}`,
    );
  }
}

/**
 * A `node:` target this Node.js lacks (`node:sqlite` on Node 20): its entries are skipped, quietly
 * where their `versions` range leaves this Node out, else with one warning. True when it was one.
 */
function missingBuiltinEntries(target: string, entries: readonly unknown[], problem: ProblemFn): boolean {
  if (missingBuiltin(target, undefined) === undefined) return false;
  let warned = false;
  for (const entry of entries) {
    const versions = isPlainObject(entry) && typeof entry['versions'] === 'string' ? entry['versions'] : undefined;
    const gap = missingBuiltin(target, versions);
    if (gap !== undefined && 'quiet' in gap) debug(gap.quiet);
    else if (gap !== undefined && !warned) {
      warned = true;
      problem('WRAPT_HOOKS_BUILTIN_UNAVAILABLE', ['patches', target], gap.warn);
    }
  }
  return true;
}

/** `targetMistake` for the target of a trace entry (`"<target>#<path>"`); also used for WRAPT_TRACE. */
export function traceTargetMistake(written: string, baseDir: string): string | undefined {
  const target: Target | string = parseTarget(written, baseDir);
  return typeof target === 'string' ? undefined : targetMistake(target, baseDir);
}
