// What register.js, register.mjs and dist/index.js read first (dist/start.js, built apart from
// the preload): which thread this is, and the preload's files compiled from a V8 code cache.
//
// The preload is two files (scripts/split.mjs): dist/preload.js, what a start with a config of
// patches runs (the bootstrap, the config, the module hooks, the wrappers, the library), and
// dist/features.js, what only some starts use (traces, recipes, OpenTelemetry, attach, package
// discovery, the exit summary, the line writer), read at the first use of one of them. Each
// holds its modules, each evaluated on first use. A third, dist/iitm.js, holds
// import-in-the-middle's hook code, read when the first target is imported. V8 still reads and
// pre-parses every byte of a file it compiles; a code cache made by the first start, once its
// main module has run, holds the parsed file and the functions that start compiled, so later
// starts skip both (docs/performance.md).
// The cache is only ever for these three files: the application's modules are compiled by Node
// as always (dist/iitm.js keeps what the lexers found in them beside it: hooks/lexer-cache.ts).
//
// Each entry of dist/preload.js says what the start that wrote it compiled (its level): a start
// that installed no hooks (WRAPT_HOOKS_DISABLE=all, nothing to patch) writes one when there is
// none, so that such starts do not compile the whole file every time; a start that installed
// hooks replaces an entry of a lower level once, so that it holds the hooks' functions too.
// Levels only go up. dist/features.js and dist/iitm.js get an entry from the first start that
// reads them (dist/iitm.js also from Node 20's loader thread, where it is read).
//
// The cache lives in a per-user directory (mode 0700, owned by this user, in directories no one
// else can replace it in, else it is not used), one file per build of each file, Node version,
// architecture, installed copy and set of flags (V8 rejects data made with other flags), and is
// checked against the file's size and modification time too (an edited file gets a new entry);
// at most 64 entries, none older than 30 days, the oldest removed first when a start writes one. A rejected, unreadable or
// unwritable cache costs nothing but the compile Node would have done. Each file is one function
// expression (the module wrapper is in it: scripts/build.mjs), compiled as it was read.
// NODE_DISABLE_COMPILE_CACHE (Node's own switch for its compile cache) turns it off, and so does
// --enable-source-maps.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import type NodeModule = require('node:module');
import { isLoaderThread } from './thread';
import { ownershipProblem } from './ownership';

export { isLoaderThread };

/** sha256 of each file as built (scripts/build.mjs defines them; a content hash costs no start a hash). */
declare const PRELOAD_BUILD_HASH: string;
declare const FEATURES_BUILD_HASH: string;
declare const IITM_BUILD_HASH: string;

/** dist/preload.js's exports: the preload's (src/preload.ts), and `internal(key)`, its modules that dist/features.js imports. */
type Preload = typeof import('./preload') & { internal(key: string): unknown };

/** One of the files compiled from the code cache: the preload's two, and import-in-the-middle's hook code. */
interface Bundle {
  file: string;
  hash: string;
}

// __dirname is absolute and normalized: no path.join.
const PRELOAD: Bundle = { file: __dirname + path.sep + 'preload.js', hash: PRELOAD_BUILD_HASH };
const FEATURES: Bundle = { file: __dirname + path.sep + 'features.js', hash: FEATURES_BUILD_HASH };
const IITM: Bundle = { file: __dirname + path.sep + 'iitm.js', hash: IITM_BUILD_HASH };
/** Entries older than this are removed when a new one is written (other builds, other Nodes). */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * At most this many entries (about 200 KB each) are kept: a flag that differs from one process to
 * the next (`--title=job-17` in NODE_OPTIONS) makes each write one, and the oldest go first.
 */
const MAX_ENTRIES = 64;

/** Each file: one function expression taking the arguments Node's module wrapper gives (scripts/build.mjs). */
type BundleFunction = (exports: object, require: NodeJS.Require, module: NodeModule, filename: string, dirname: string) => void;

interface Pending {
  script: vm.Script;
  file: string;
  /** The level of the entry V8 accepted, or -1 when there was none (missing, unreadable, rejected). */
  level: number;
}

/**
 * An entry is this header and V8's data. The header's 8 bytes keep the data 8-byte aligned (V8
 * copies data that is not), and name what the start that wrote it compiled: LEVEL_BOOT for a
 * start that installed no hooks, LEVEL_HOOKS for one that did (and for every entry of dist/features.js and dist/iitm.js).
 */
const MAGIC = 0x31636877; // 'whc1', little-endian
const HEADER = 8;
const LEVEL_BOOT = 0;
const LEVEL_HOOKS = 1;

/** dist/preload.js compiled by this thread, until start() knows the level of its entry. */
let pending: Pending | undefined;
/** start() ran in this thread: only a start writes entries (not the library of a process without the preload), and Node 20's loader thread dist/iitm.js's. */
let started = false;

/** Runs the preload once per thread (register.js, register.mjs); nothing in Node 20's loader thread. */
export function start(entry: 'require' | 'import'): void {
  if (isLoaderThread()) return;
  started = true;
  const level = load().bootstrap(entry).skipped === undefined ? LEVEL_HOOKS : LEVEL_BOOT;
  const job = pending;
  pending = undefined;
  if (job === undefined || job.level >= level) return;
  saveLater(job, level);
}

/**
 * Writes the entry once the main module has run (at the event loop's first turn, or at exit if
 * that comes first), so that it holds the functions the application's loading ran through the
 * hooks as well as the bootstrap's: the real-package app compiled 8 M instructions' worth of them
 * at every start when the entry was written right after the bootstrap (bench/FINDINGS.md).
 */
function saveLater(job: Pending, level: number): void {
  const write = (): void => {
    process.removeListener('exit', write);
    clearImmediate(timer);
    saveCache(job, level);
  };
  const timer = setImmediate(write).unref();
  process.once('exit', write);
}

/** dist/preload.js's exports: the module already loaded, else compiled with the code cache. */
export function load(): Preload {
  const loaded = loadBundle(PRELOAD);
  if (loaded.compiled?.file !== undefined) pending = loaded.compiled;
  return loaded.exports as Preload;
}

/**
 * The module `key` of dist/features.js (its path in the repository, "src/trace/register.ts"):
 * dist/preload.js asks where it requires one. The file is read at the first call.
 */
export function feature(key: string): unknown {
  return (onDemand(FEATURES) as { feature(key: string): unknown }).feature(key);
}

/**
 * import-in-the-middle's hook code (dist/iitm.js: create-hook.mjs and the two lexers, bundled by
 * scripts/build.mjs), which hooks/esm-hooks.ts asks for at the first import of a target: in the
 * application's thread, or in Node 20's loader thread, which writes its entry too.
 */
export function iitm(): unknown {
  return onDemand(IITM, keeps());
}

/** Does this thread keep entries: a start's thread (not the library's in a process without the preload), or Node 20's loader thread? */
function keeps(): boolean {
  return started || isLoaderThread();
}

/**
 * A file read at its first use: its exports. Its entry is written by the first start that reads
 * it (or by the loader thread, when `writer`), once, at the same moment as dist/preload.js's.
 */
function onDemand(bundle: Bundle, writer = started): unknown {
  const loaded = loadBundle(bundle);
  if (writer && loaded.compiled?.file !== undefined && loaded.compiled.level < LEVEL_HOOKS) saveLater(loaded.compiled, LEVEL_HOOKS);
  return loaded.exports;
}

const getBuiltin = process.getBuiltinModule as ((id: string) => unknown) | undefined;

/**
 * The class of CommonJS modules: what `require('node:module')` returns, the same object, but
 * without loading node:module, which adds functions of its own to the class (`register`,
 * `findSourceMap`, `SourceMap`, `constants`, ...) and loads Node's source-map modules: 0.5 M
 * instructions and some 20 names in V8's string table at every start (bench/FINDINGS.md). What
 * the three files use of it at start is the class's own (`isBuiltin`, `createRequire`,
 * `syncBuiltinESMExports`, `registerHooks`, the prototype); hooks/node.ts loads node:module where
 * it needs `register`. Node's class names itself (`Module.Module`); where a module system of its
 * own evaluated this file (jest's registry, for a test's `require('wrapt-hooks')`), `module` is
 * another kind of object, and node:module is required.
 */
const ownClass = module.constructor as typeof NodeModule & { Module?: unknown };
const Module = ownClass.Module === ownClass ? ownClass : (require('node:module') as typeof NodeModule);

/**
 * The `require` the three files get: a builtin module from process.getBuiltinModule (as it was when
 * this file loaded, like the require beneath the hooks: hooks/cjs.ts), anything else from this
 * file's require. Each module of the files requires the builtins it uses when it is evaluated,
 * and Module.prototype.require resolves and traces each of those requests (bench/FINDINGS.md).
 */
const bundleRequire: NodeJS.Require = Object.assign(
  function requireFromBundle(id: string): unknown {
    if (id === 'node:module' || id === 'module') return Module;
    return (getBuiltin === undefined ? undefined : getBuiltin(id)) ?? require(id);
  },
  { resolve: require.resolve, cache: require.cache, main: require.main, extensions: require.extensions },
);

/** A file's exports and, the first time, how it was compiled. */
function loadBundle(bundle: Bundle): { exports: unknown; compiled?: Compiled | undefined } {
  const cached = require.cache[bundle.file];
  if (cached !== undefined) return { exports: cached.exports };
  const source = fs.readFileSync(bundle.file, 'utf8');
  // What Node's loader would make of the file: a module in require.cache (so that a later
  // require('./preload.js') gets this one), a require, the wrapper's arguments. The lookup paths
  // and the require are this file's: the same directory resolves the same, and Node would
  // compute them again for the other.
  const loaded = new Module(bundle.file, module);
  loaded.filename = bundle.file;
  loaded.paths = module.paths.slice();
  require.cache[bundle.file] = loaded;
  let compiled: Compiled | undefined;
  try {
    // Node maps stack traces through source maps only for the files its loader compiles: with
    // --enable-source-maps, the preload is one of them (readable traces over a faster start).
    // Node 20 runs functions from the cache without the dynamic-import callback given below: an
    // `import()` in the preload goes through control/loaded-esm.ts importLoaded() (docs/performance.md).
    if (process.sourceMapsEnabled !== true) compiled = compile(source, bundle);
  } catch {
    // Anything odd about vm: Node's own loader, as without a cache.
  }
  try {
    let run: BundleFunction;
    if (compiled === undefined) {
      (loaded as NodeModule & { _compile(content: string, filename: string): void })._compile(`module.exports = ${source}`, bundle.file);
      run = loaded.exports as BundleFunction;
      loaded.exports = {};
    } else {
      run = compiled.script.runInThisContext() as BundleFunction;
    }
    run.call(loaded.exports, loaded.exports, bundleRequire, loaded, bundle.file, __dirname);
  } catch (error) {
    delete require.cache[bundle.file];
    throw error;
  }
  loaded.loaded = true;
  return { exports: loaded.exports, compiled };
}

/** A file compiled; with a cache directory to trust, where its entry goes (a Pending). */
type Compiled = Pending | { script: vm.Script; file: undefined };

function compile(source: string, bundle: Bundle): Compiled {
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  let level = -1;
  try {
    const dir = cacheDir();
    if (dir !== undefined) {
      const stats = fs.statSync(bundle.file);
      cacheFile = `${dir}${path.sep}${bundle.hash}-${process.version}-${process.arch}-${placeAndFlags(bundle.file)}-${stats.size}-${Math.trunc(stats.mtimeMs)}.v8`;
      const entry = fs.readFileSync(cacheFile);
      // Anything but a header of ours (an entry of an older build's format, a truncated file, a
      // level this build does not write) is no entry: the start writes one.
      if (entry.length > HEADER && entry.readUInt32LE(0) === MAGIC && entry[4]! <= LEVEL_HOOKS) {
        level = entry[4]!;
        cachedData = entry.subarray(HEADER);
      }
    }
  } catch {
    // No cache directory to trust, or the first start with this build, Node and flags: start()
    // writes the entry.
  }
  const script = new vm.Script(source, {
    filename: bundle.file,
    ...(cachedData === undefined ? {} : { cachedData }),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cacheFile === undefined) return { script, file: undefined };
  return { script, file: cacheFile, level: script.cachedDataRejected === true ? -1 : level };
}

/** Node's options that name a module to load: no V8 flag, and different from one application to the next. */
const MODULE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);

/**
 * Where this copy is and which V8 flags run it, as a 32-bit FNV-1a hash (no crypto module at
 * start-up, and no path or flag written into a file name):
 * - V8 keeps the file name the cache was made with: an entry made for another copy of the same
 *   build (npm gives every install of a version the same size and modification time) would name
 *   that copy's file in this one's stack traces, and wrapt-hooks would not know its own frames;
 * - V8 rejects a cache made under other V8 flags (`--expose-gc`, `--stack-size`, ...): one entry
 *   per set of flags (the command line's and NODE_OPTIONS', less the modules they preload), so
 *   that processes of one user started with different flags do not replace each other's entry
 *   at every start. V8's own tag for this (v8.cachedDataVersionTag()) costs loading node:v8, more
 *   than the rest of the cache's bookkeeping.
 */
function placeAndFlags(file: string): string {
  // NODE_OPTIONS split at spaces (tabs and quotes are rare there; an odd split names an entry no worse): a
  // regular expression here would be compiled at every start.
  const args = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(' ')];
  let text = `${file}\0`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (MODULE_OPTIONS.has(name)) i += name === arg ? 1 : 0;
    else if (arg !== '') text += `${arg}\0`;
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/**
 * The per-user cache directory, or undefined when there is none to trust: it must be a
 * directory of this user that no one else can write (created so when missing), and no one else
 * may be able to replace it: each directory above it must be this user's or root's and writable
 * by neither group nor others, unless its sticky bit keeps others from renaming what is not
 * theirs (/tmp). Otherwise another user could put a directory of theirs in its place between
 * this check and a read of an entry (a `sudo` that keeps HOME: the home's owner, and root runs
 * their bytecode). The directory is returned as it is on disk, with no symlink on the way.
 */
function cacheDir(): string | undefined {
  const env = process.env;
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined && env['NODE_DISABLE_COMPILE_CACHE'] !== '') return undefined;
  // One path.join (it normalizes every character again), and none for the file in it.
  let dir: string | undefined;
  if (process.platform === 'win32') dir = env['LOCALAPPDATA'] === undefined ? undefined : path.join(env['LOCALAPPDATA'], 'wrapt-hooks');
  else if (env['XDG_CACHE_HOME'] !== undefined && path.isAbsolute(env['XDG_CACHE_HOME'])) dir = path.join(env['XDG_CACHE_HOME'], 'wrapt-hooks');
  else if (env['HOME'] !== undefined && path.isAbsolute(env['HOME'])) dir = path.join(env['HOME'], '.cache', 'wrapt-hooks');
  if (dir === undefined) return undefined;
  let stats: fs.Stats | undefined;
  try {
    stats = fs.lstatSync(dir);
  } catch {
    // Missing: created below.
  }
  if (stats === undefined) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    stats = fs.lstatSync(dir);
  }
  if (!stats.isDirectory()) return undefined;
  if (process.platform === 'win32') return dir;
  if (ownershipProblem(stats, { forbiddenBits: 0o077 }) !== undefined) return undefined;
  const real = fs.realpathSync.native(dir);
  for (let above = path.dirname(real); ; above = path.dirname(above)) {
    const info = fs.lstatSync(above);
    if (ownershipProblem(info, { allowRoot: true, forbiddenBits: (info.mode & 0o1000) === 0 ? 0o022 : 0 }) !== undefined) return undefined;
    if (above === path.dirname(above)) return real;
  }
}

/** Writes the code cache of this start, at `level` (start() decides when one is due). */
function saveCache(job: Pending, level: number): void {
  try {
    const temporary = `${job.file}.${process.pid}.tmp`;
    const header = Buffer.alloc(HEADER);
    header.writeUInt32LE(MAGIC, 0);
    header[4] = level;
    fs.writeFileSync(temporary, Buffer.concat([header, job.script.createCachedData()]), { mode: 0o600 });
    fs.renameSync(temporary, job.file);
    sweep(job.file, '.v8', MAX_ENTRIES);
  } catch {
    // A read-only or full disk: the next start compiles again.
  }
}

/**
 * After `written` was written: removes the entries ending in `suffix` (and temporary files) older
 * than STALE_MS, then the oldest of that suffix while there are more than `max` or they hold more
 * than `maxBytes`, `written` counted among them and kept.
 */
export function sweep(written: string, suffix: string, max: number, maxBytes = Infinity): void {
  const dir = path.dirname(written);
  const now = Date.now();
  const kept: { entry: string; mtimeMs: number; size: number }[] = [];
  let count = 1;
  let bytes = fs.statSync(written, { throwIfNoEntry: false })?.size ?? 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith(suffix) && !name.endsWith('.tmp')) continue;
    const entry = dir + path.sep + name;
    const stats = fs.statSync(entry, { throwIfNoEntry: false });
    if (stats === undefined) continue; // removed by another process meanwhile
    if (now - stats.mtimeMs > STALE_MS) fs.rmSync(entry, { force: true });
    else if (name.endsWith(suffix) && entry !== written) {
      kept.push({ entry, mtimeMs: stats.mtimeMs, size: stats.size });
      count++;
      bytes += stats.size;
    }
  }
  kept.sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const { entry, size } of kept) {
    if (count <= max && bytes <= maxBytes) break;
    fs.rmSync(entry, { force: true });
    count--;
    bytes -= size;
  }
}

/**
 * The cache directory, for what dist/iitm.js keeps there between starts (hooks/lexer-cache.ts):
 * undefined in a process the preload did not start (the library alone keeps nothing, as for the
 * code cache), and when there is no directory to trust.
 */
export function sideCacheDir(): string | undefined {
  if (!keeps()) return undefined;
  try {
    return cacheDir();
  } catch {
    return undefined;
  }
}
