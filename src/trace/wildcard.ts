// Trace wildcards: `./src/db.js#*` traces every function the module exports, and
// `pg#Client.prototype.*` every method of that object, one level deep. Each function found is an
// entry of its own (`pg#Client.prototype.query`) in lines and summaries. Only own data
// properties count: inherited ones (Object.prototype's) are not the object's, `constructor` is
// the class rather than a method, and an accessor is never called to see what it returns (a
// getter may load, connect or throw).

/** Whether a trace path ends in the wildcard (`*`, `Client.prototype.*`). */
export function isWildcard(path: string): boolean {
  return path === '*' || path.endsWith('.*');
}

/** The path of the object a wildcard enumerates: '' for the exports themselves. */
export function wildcardParent(path: string): string {
  return path === '*' ? '' : path.slice(0, -2);
}

/** `parent` + `name` as a trace path. */
export function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** The names of the functions `object` holds as own data properties, in property order. */
export function functionsOf(object: unknown): string[] {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return [];
  const names: string[] = [];
  let keys: (string | symbol)[];
  try {
    keys = Reflect.ownKeys(object);
  } catch {
    return []; // a Proxy whose ownKeys trap throws: nothing can be listed
  }
  for (const key of keys) {
    // A name with a dot cannot be written as a trace path.
    if (typeof key !== 'string' || key === 'constructor' || key === '__proto__' || key.includes('.')) continue;
    let descriptor: PropertyDescriptor | undefined;
    try {
      descriptor = Reflect.getOwnPropertyDescriptor(object, key);
    } catch {
      continue;
    }
    if (descriptor !== undefined && 'value' in descriptor && typeof descriptor.value === 'function') names.push(key);
  }
  return names;
}
