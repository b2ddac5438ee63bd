// What register.js, register.mjs and dist/index.js read first (dist/start.js, built apart from
// the preload): which thread this is, and dist/preload.js compiled from a V8 code cache.
//
// dist/preload.js is one file that holds everything (the library, tracing, recipes, discovery),
// each module evaluated on first use. V8 still reads and pre-parses every byte of a file it
// compiles; a code cache made by the first start, once its main module has run, holds the parsed
// file and the functions that start compiled, so later starts skip both (docs/performance.md).
// The cache is only ever for this one file: the application's modules are compiled by Node as
// always.
//
// Each entry says what the start that wrote it compiled (its level): a start that installed no
// hooks (WRAPT_HOOKS_DISABLE=all, nothing to patch) writes one when there is none, so that such
// starts do not compile the whole file every time; a start that installed hooks replaces an entry
// of a lower level once, so that it holds the hooks' functions too. Levels only go up.
//
// The cache lives in a per-user directory (mode 0700, owned by this user, else it is not used),
// one file per build of dist/preload.js, Node version, architecture, installed copy and set of
// flags (V8 rejects data made with other flags), and is checked against the file's size and
// modification time too (an edited dist/preload.js gets a new entry); at most 64 entries, none
// older than 30 days, the oldest removed first when a start writes one. A rejected, unreadable or
// unwritable cache costs nothing but the compile Node would have done. The file is one function
// expression (the module wrapper is in it: scripts/build.mjs), compiled as it was read.
// NODE_DISABLE_COMPILE_CACHE (Node's own switch for its compile cache) turns it off, and so does
// --enable-source-maps.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import Module = require('node:module');
import { isLoaderThread } from './thread';
import { ownershipProblem } from './ownership';

export { isLoaderThread };

/** sha256 of dist/preload.js as built (scripts/build.mjs defines it; a content hash costs no start a hash). */
declare const PRELOAD_BUILD_HASH: string;

type Preload = typeof import('./preload');

// __dirname is absolute and normalized: no path.join.
const FILE = __dirname + path.sep + 'preload.js';
/** Entries older than this are removed when a new one is written (other builds, other Nodes). */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * At most this many entries (about 200 KB each) are kept: a flag that differs from one process to
 * the next (`--title=job-17` in NODE_OPTIONS) makes each write one, and the oldest go first.
 */
const MAX_ENTRIES = 64;

/** dist/preload.js: one function expression taking the arguments Node's module wrapper gives (scripts/build.mjs). */
type PreloadFunction = (exports: object, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

interface Pending {
  script: vm.Script;
  file: string;
  /** The level of the entry V8 accepted, or -1 when there was none (missing, unreadable, rejected). */
  level: number;
}

/**
 * An entry is this header and V8's data. The header's 8 bytes keep the data 8-byte aligned (V8
 * copies data that is not), and name what the start that wrote it compiled: LEVEL_BOOT for a
 * start that installed no hooks, LEVEL_HOOKS for one that did.
 */
const MAGIC = 0x31636877; // 'whc1', little-endian
const HEADER = 8;
const LEVEL_BOOT = 0;
const LEVEL_HOOKS = 1;

let pending: Pending | undefined;

/** Runs the preload once per thread (register.js, register.mjs); nothing in Node 20's loader thread. */
export function start(entry: 'require' | 'import'): void {
  if (isLoaderThread()) return;
  const level = load().bootstrap(entry).skipped === undefined ? LEVEL_HOOKS : LEVEL_BOOT;
  const job = pending;
  pending = undefined;
  if (job === undefined || job.level >= level) return;
  // Written once the main module has run (at the event loop's first turn, or at exit if that comes
  // first), so that the entry holds the functions the application's loading ran through the hooks
  // as well as the bootstrap's: the real-package app compiled 8 M instructions' worth of them at
  // every start when the entry was written right after the bootstrap (bench/FINDINGS.md).
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
  const loaded = require.cache[FILE];
  if (loaded !== undefined) return loaded.exports as Preload;
  const source = fs.readFileSync(FILE, 'utf8');
  // What Node's loader would make of the file: a module in require.cache (so that a later
  // require('./preload.js') gets this one), a require, the wrapper's arguments. The lookup paths
  // and the require are this file's: the same directory resolves the same, and Node would
  // compute them again for the other.
  const preload = new Module(FILE, module);
  preload.filename = FILE;
  preload.paths = module.paths.slice();
  require.cache[FILE] = preload;
  let compiled: Compiled | undefined;
  try {
    // Node maps stack traces through source maps only for the files its loader compiles: with
    // --enable-source-maps, the preload is one of them (readable traces over a faster start).
    // Node 20 runs functions from the cache without the dynamic-import callback given below: an
    // `import()` in the preload goes through control/loaded-esm.ts importLoaded() (docs/performance.md).
    if (process.sourceMapsEnabled !== true) compiled = compile(source);
  } catch {
    // Anything odd about vm: Node's own loader, as without a cache.
  }
  try {
    let run: PreloadFunction;
    if (compiled === undefined) {
      (preload as Module & { _compile(content: string, filename: string): void })._compile(`module.exports = ${source}`, FILE);
      run = preload.exports as PreloadFunction;
      preload.exports = {};
    } else {
      run = compiled.script.runInThisContext() as PreloadFunction;
    }
    run.call(preload.exports, preload.exports, require, preload, FILE, __dirname);
  } catch (error) {
    delete require.cache[FILE];
    throw error;
  }
  preload.loaded = true;
  if (compiled?.file !== undefined) pending = compiled;
  return preload.exports as Preload;
}

/** dist/preload.js compiled; with a cache directory to trust, where its entry goes (a Pending). */
type Compiled = Pending | { script: vm.Script; file: undefined };

function compile(source: string): Compiled {
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  let level = -1;
  try {
    const dir = cacheDir();
    if (dir !== undefined) {
      const stats = fs.statSync(FILE);
      cacheFile = `${dir}${path.sep}${PRELOAD_BUILD_HASH}-${process.version}-${process.arch}-${placeAndFlags()}-${stats.size}-${Math.trunc(stats.mtimeMs)}.v8`;
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
    filename: FILE,
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
function placeAndFlags(): string {
  const args = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)];
  let text = `${FILE}\0`;
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
 * directory of this user that no one else can write (created so when missing).
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
  if (process.platform !== 'win32' && ownershipProblem(stats, { forbiddenBits: 0o077 }) !== undefined) return undefined;
  return dir;
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
    const dir = path.dirname(job.file);
    const now = Date.now();
    const kept: { entry: string; mtimeMs: number }[] = [];
    for (const name of fs.readdirSync(dir)) {
      if (!name.endsWith('.v8') && !name.endsWith('.tmp')) continue;
      const entry = dir + path.sep + name;
      const mtimeMs = fs.statSync(entry, { throwIfNoEntry: false })?.mtimeMs;
      if (mtimeMs === undefined) continue; // removed by another process meanwhile
      if (now - mtimeMs > STALE_MS) fs.rmSync(entry, { force: true });
      else if (name.endsWith('.v8') && entry !== job.file) kept.push({ entry, mtimeMs });
    }
    kept.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const { entry } of kept.slice(0, Math.max(0, kept.length + 1 - MAX_ENTRIES))) fs.rmSync(entry, { force: true });
  } catch {
    // A read-only or full disk: the next start compiles again.
  }
}
