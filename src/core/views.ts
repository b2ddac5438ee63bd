// The ES module views of a module instance (import-in-the-middle namespaces, a copy of a
// frozen require(esm) namespace), kept in step with the canonical exports that patches change.
import { describeCause, warn } from '../errors';
import type { ModuleInfo } from '../types';

/** What a view is synchronised from. */
export interface ModuleView {
  readonly name: string;
  readonly format: ModuleInfo['format'];
  exports: any;
}

/** Keeps an ESM view (import-in-the-middle namespace) in step with the canonical exports. */
export function syncView(instance: ModuleView, view: any): void {
  const canonical = instance.exports;
  if (view === canonical) return;
  try {
    if (instance.format !== 'module' && 'default' in view && view.default !== canonical) view.default = canonical;
    if ((typeof canonical !== 'object' && typeof canonical !== 'function') || canonical === null) return;
    for (const key of Object.keys(view)) {
      if (key === 'default' && instance.format !== 'module') continue;
      if (key === 'module.exports') {
        if (view[key] !== canonical) view[key] = canonical;
      } else {
        // Data properties only: reading an accessor could run a deprecation getter (fs.F_OK).
        const descriptor = findDataDescriptor(canonical, key);
        if (descriptor !== undefined && view[key] !== descriptor.value) view[key] = descriptor.value;
      }
    }
  } catch (error) {
    warn(
      'WRAPT_HOOKS_PATCH_FAILED',
      `could not update the ES module view of "${instance.name}": ${describeCause(error)}. ESM importers may see unpatched exports.`,
      error,
    );
  }
}

/** A writable copy of a real module namespace (what `require(esm)` returns), for patches to change. */
export function mutableCopy(namespace: any): any {
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(namespace)) copy[key] = namespace[key];
  Object.defineProperty(copy, Symbol.toStringTag, { value: 'Module' });
  return copy;
}

function findDataDescriptor(object: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = object; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(o, key);
    if (descriptor !== undefined) return 'value' in descriptor ? descriptor : undefined;
  }
  return undefined;
}
