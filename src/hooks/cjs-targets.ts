// require-in-the-middle's whitelist for the one Hook, kept live. The Hook keeps the array it is
// given and asks it `includes(name)` for every require: builtin names, package names and absolute
// application files. This list answers from a Set, so the cost per require does not grow with the
// number of targets, and targets registered after the Hook was made are seen at once.
// require-in-the-middle is pinned (package.json) and test/unit/hooks-cjs-targets.test.mjs fails if it stops
// reading the list this way.
import { parse, resolve, sep } from 'node:path';
import type { Target } from '../core/targets';
import { bareName, splitBare } from '../core/targets';
import { packageDirOf, packageNameOf, requireMain } from '../core/match';

export class TargetList extends Array<string> {
  /** Methods that build new arrays (map, filter) build plain ones. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  private readonly names = new Set<string>();
  /** Is an application file target inside node_modules? Then no require inside a package can be skipped. */
  private fileInPackages = false;
  /**
   * Per requiring file, what its package holds (see `skips`): `true` no target, a path when its
   * one target is the package itself (the path of its main file), `false` anything else (a deep
   * target, or no package).
   */
  private readonly holds = new Map<string, boolean | string>();
  /** Packages with a deep target: require-in-the-middle reports each of their files. */
  private readonly deep = new Set<string>();
  /** Application files by what require-in-the-middle reports for them: directory + sep + base name without extension. */
  private readonly files = new Map<string, string[]>();

  /** Adds what require-in-the-middle must report for `target`. */
  addTarget(target: Target): void {
    switch (target.kind) {
      case 'builtin':
      case 'package':
        this.addName(target.key);
        return;
      case 'deep': {
        // The package's files are then reported one by one, by path (`internals`).
        const { name } = splitBare(target.key);
        this.deep.add(name);
        this.holds.clear();
        this.addName(name);
        return;
      }
      case 'file': {
        this.addName(target.key);
        if (target.key.includes(`${sep}node_modules${sep}`)) this.fileInPackages = true;
        const { dir, name } = parse(target.key);
        const id = dir + sep + name;
        const list = this.files.get(id);
        if (list === undefined) this.files.set(id, [target.key]);
        else if (!list.includes(target.key)) list.push(target.key);
      }
    }
  }

  override includes(name: string): boolean {
    return this.names.has(name);
  }

  /**
   * Can `require(id)` from `parent` skip require-in-the-middle? Yes when it cannot load a target,
   * which spares the second resolution require-in-the-middle makes of each request it sees. Most
   * requires in an application are of one of three kinds:
   * - a relative request that stays inside the requiring file's package (`./`, or `../` that does
   *   not climb out of it: a path's `..` segments are resolved as written), in a package that
   *   holds no target, or whose target is the package itself and the request cannot name its
   *   main file (its path is no prefix of the main's: `./lib/route` in fastify, whose main is
   *   fastify.js). A request that reaches another package through a directory symlink inside a
   *   package, or a main file through a directory's own package.json, is not told apart;
   * - a bare request (`lodash`, `@scope/x/lib/y`, a builtin's plain name) whose package is no
   *   target, when no application file is a target either (a workspace package linked into
   *   node_modules, or a package's self-reference, can lead to one);
   * - a `node:` request of a builtin that is no target (it can load nothing else).
   */
  skips(parent: string, id: string): boolean {
    if (this.fileInPackages || id.includes('node_modules')) return false;
    if (id.startsWith('node:')) return !this.names.has(id) && !this.names.has(id.slice(5));
    if (!(id.startsWith('./') || id.startsWith('../') || id === '.' || id === '..')) {
      if (id.includes('..')) return false;
      const name = this.files.size === 0 ? requestedPackage(id) : undefined;
      return name !== undefined && !this.names.has(name);
    }
    let holds = this.holds.get(parent);
    if (holds === undefined) {
      holds = this.heldBy(parent);
      this.holds.set(parent, holds);
    }
    if (holds === false) return false;
    if (holds === true && !id.includes('..')) return true;
    // Where the request leads, its `..` resolved as written: inside the package, and not to its main.
    const dir = packageDirOf(parent)!;
    const reached = resolve(parent, '..', id);
    // No `node_modules` in `id` (turned away above): a path below `dir` is in no nested package.
    if (reached !== dir && !reached.startsWith(dir + sep)) return false;
    return holds === true || !holds.startsWith(reached);
  }

  /** What the package of `parent` holds, for `holds`. */
  private heldBy(parent: string): boolean | string {
    const name = packageNameOf(parent);
    if (name === undefined) return false;
    if (!this.names.has(name)) return true;
    if (this.deep.has(name)) return false;
    return requireMain(name, packageDirOf(parent)!) ?? false;
  }

  /** The application file require-in-the-middle reported as (`name`, `dir`), when it is one. */
  fileFor(name: string, dir: string, loaded: (file: string) => boolean): string | undefined {
    const list = this.files.get(dir + sep + name);
    if (list === undefined) return undefined;
    return list.length === 1 ? list[0] : list.find(loaded);
  }

  private addName(name: string): void {
    if (this.names.has(name)) return;
    this.names.add(name);
    this.push(name);
    this.holds.clear();
  }
}

/**
 * The package a bare request names (`@scope/x` of `@scope/x/lib/y`), or undefined for anything
 * else: a path, a `#` import, a `node:` or other URL-like id, which may load any module.
 */
function requestedPackage(id: string): string | undefined {
  const first = id.charCodeAt(0);
  // An empty id, '.', '/', '#', or a backslash or colon anywhere.
  if (Number.isNaN(first) || first === 0x2e || first === 0x2f || first === 0x23 || id.includes(':') || id.includes('\\')) return undefined;
  return bareName(id);
}
