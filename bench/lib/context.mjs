// What every part of the benchmark shares: where things are, which Node binaries to measure, the
// children's environment, and how a command is written down. Paths that end up in a results file
// or in RESULTS.md go through `shorten`, so no machine's directory layout is recorded.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from './measure.mjs';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH, '..');
export const WORK = path.join(BENCH, '.work');
export const BENCH_MODULES = path.join(BENCH, 'node_modules');

export function truthy(value) {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * The Node binaries to measure: WRAPT_BENCH_NODES (comma-separated), else the `node` running this
 * script and then WRAPT_HOOKS_NODE_20 / _22 / _24 / _26 where set (the variables .ci/run sets for the
 * compatibility suite). One binary per Node version.
 */
export function nodeList(env = process.env) {
  const configured = env.WRAPT_BENCH_NODES;
  const candidates = configured
    ? configured
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [process.execPath, env.WRAPT_HOOKS_NODE_20, env.WRAPT_HOOKS_NODE_22, env.WRAPT_HOOKS_NODE_24, env.WRAPT_HOOKS_NODE_26].filter(Boolean);
  const seen = new Set();
  const nodes = [];
  for (const bin of candidates) {
    if (!existsSync(bin) && bin.includes('/')) throw new Error(`no Node binary at ${bin} (WRAPT_BENCH_NODES or WRAPT_HOOKS_NODE_*)`);
    let version;
    try {
      version = execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    } catch (error) {
      throw new Error(`${bin} does not run (${error.message.split('\n')[0]})`, { cause: error });
    }
    if (seen.has(version)) continue;
    seen.add(version);
    const major = Number(version.split('.')[0]);
    nodes.push({ bin, version, major, label: `Node ${major}`, esm: syncHooks(version) ? 'in-thread module.registerHooks' : 'off-thread module.register' });
  }
  return nodes.sort((a, b) => a.major - b.major);
}

/** Whether the preload uses in-thread module.registerHooks on this Node (import-in-the-middle's rule). */
export function syncHooks(version) {
  const [major, minor, patch] = version.split('.').map(Number);
  if (major >= 26) return true;
  if (major < 22 || major === 23) return false;
  if (major === 25) return minor >= 1;
  if (major === 24) return minor > 11 || (minor === 11 && patch >= 1);
  return minor > 22 || (minor === 22 && patch >= 3);
}

// Children get a clean environment: none of our variables, no NODE_OPTIONS, and the peers kept
// off the network (their exporters off; OpenTelemetry's cloud resource detectors, which query
// metadata addresses, replaced by the local ones; dd-trace's agent on loopback, telemetry and
// remote config off). The same environment is used on both sides of every pair.
export const CHILD_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'C.UTF-8',
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance',
  OTEL_SDK_DISABLED: 'false',
  DD_TRACE_AGENT_URL: 'http://127.0.0.1:8126',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
  DD_TRACE_STARTUP_LOGS: 'false',
};

/** A command: `node <args>` in `cwd`, with `extraEnv` added to the clean environment (and shown). */
export function cmd(node, cwd, args, extraEnv = {}) {
  return { node: node.bin, cwd, args, env: { ...CHILD_ENV, ...extraEnv }, shownEnv: extraEnv };
}

const aliases = [];
/** Paths under `dir` are written as `name/…` from now on (a baseline tree, say). */
export function alias(dir, name) {
  aliases.push([path.resolve(dir), name]);
}

/** A path as it may appear in results: relative to the repository, never absolute. */
export function shorten(arg) {
  if (typeof arg !== 'string') return arg;
  for (const [dir, name] of aliases) if (arg === dir || arg.startsWith(dir + '/')) return `${name}${arg.slice(dir.length)}`;
  if (arg.startsWith(WORK + '/')) return `bench/.work/${path.relative(WORK, arg)}`;
  if (arg.startsWith(ROOT + '/')) return `<repository>/${path.relative(ROOT, arg)}`;
  if (arg === ROOT) return '<repository>';
  if (path.isAbsolute(arg)) return `…/${path.basename(arg)}`;
  return arg;
}

/** The command as recorded: `node …` with shortened paths, and the app directory it runs in. */
export function record(c) {
  return {
    command: describe({ ...c, shownEnv: Object.fromEntries(Object.entries(c.shownEnv ?? {}).map(([k, v]) => [k, shorten(v)])) }, shorten),
    app: path.basename(c.cwd),
  };
}
