// Module instance identity: which loaded module a load event is (a builtin, a file, a module
// inside a bundle), with its package name, root and version, and which instances each target key
// has seen. A file evaluated again (its require.cache entry deleted) is a new instance; an ES
// module entry and the CommonJS build it re-exports are one (views.ts twinOf). Nothing here runs
// a hook.
import { debug } from '../debug';
import { matchRequired, packageOf, type TargetTables } from './match';
import { packageVersion } from './patch-result';
import { twinOf } from './views';
import type { Instance, LoadEvent } from './registry-types';

export class Instances {
  private readonly byKey = new Map<string, Instance>();
  private readonly byTarget = new Map<string, Instance[]>();
  /** package.json versions by package root. */
  private readonly versions = new Map<string, string | undefined>();

  /** The instance `event` is, made on its first load; `tables` tell a twin's CommonJS build from other files. */
  instanceFor(event: LoadEvent, tables: TargetTables): Instance {
    const key = event.bundled?.instance ?? (event.builtin !== undefined ? `node:${event.builtin}` : event.filename!);
    let instance = this.byKey.get(key);
    if (instance !== undefined) {
      if (event.module === undefined || instance.module === event.module) return instance;
      if (instance.module === undefined) {
        instance.module = event.module;
        return instance;
      }
      // The same file evaluated again (its require.cache entry was deleted): a new instance.
      this.forget(instance);
    }
    const exports = event.via === 'import' && event.format !== 'module' ? event.value.default : event.value;
    let name = event.builtin ?? event.filename!;
    let baseDir: string | undefined;
    let version: string | undefined;
    if (event.bundled !== undefined) ({ name, baseDir, version } = event.bundled);
    else if (event.filename !== undefined) {
      const details = packageOf(event.filename);
      if (details !== undefined) {
        name = details.name;
        baseDir = details.basedir;
        version = packageVersion(this.versions, details.basedir);
      }
    }
    // A re-exporting ES module entry and its CommonJS build are one instance (views.ts twinOf).
    const twin = baseDir === undefined ? undefined : twinOf(this.byKey.values(), event, baseDir, (file) => matchRequired(tables, file).length > 0);
    if (twin !== undefined) debug(`${event.filename}: the same objects as ${twin.filename}, one instance for both`);
    if (twin?.instance !== undefined) {
      this.byKey.set(key, twin.instance);
      return twin.instance;
    }
    instance = {
      key: twin?.filename ?? key,
      name,
      format: twin === undefined ? event.format : 'commonjs',
      filename: twin?.filename ?? event.filename,
      baseDir,
      version,
      module: event.module,
      exports: twin === undefined ? exports : twin.exports,
      frozen: event.via === 'require' && event.format === 'module',
      fired: new Set(),
      views: [],
    };
    if (twin !== undefined) this.byKey.set(twin.filename, instance);
    this.byKey.set(key, instance);
    return instance;
  }

  /** Records that `instance` is loaded under each of `keys`. */
  seenAs(instance: Instance, keys: readonly string[]): void {
    for (const key of keys) {
      let list = this.byTarget.get(key);
      if (list === undefined) this.byTarget.set(key, (list = []));
      if (!list.includes(instance)) list.push(instance);
    }
  }

  /** The instances seen under target `key`, in the order they loaded. */
  ofTarget(key: string): readonly Instance[] {
    return this.byTarget.get(key) ?? [];
  }

  /**
   * Is the module at `key` (`node:<builtin>` or a file) an instance already, for CommonJS module
   * object `module` when one is given (a new module object at the same file is a new instance)?
   */
  has(key: string, module?: object): boolean {
    const known = this.byKey.get(key);
    return known !== undefined && (module === undefined || known.module === undefined || known.module === module);
  }

  /** Every builtin instance (`module.syncBuiltinESMExports()` updates them all). */
  builtins(): Instance[] {
    return [...new Set(this.byKey.values())].filter((instance) => instance.format === 'builtin');
  }

  /** Drops an instance that a new evaluation of its file replaced. */
  private forget(instance: Instance): void {
    this.byKey.delete(instance.key);
    for (const list of this.byTarget.values()) {
      const at = list.indexOf(instance);
      if (at !== -1) list.splice(at, 1);
    }
  }
}
