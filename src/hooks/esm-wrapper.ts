// Completes import-in-the-middle's wrapper modules so that a wrapped target exports every name
// the original module does.
//
// import-in-the-middle replaces a target ES module by a generated wrapper (URL `…?iitm=true`)
// that re-exports each name it found, through a setter a patch can rebind. It finds the names
// by reading the sources of the `export *` graph, and when two `export *` reach the same name
// through different files it drops the name as ambiguous — even when
// both files re-export one and the same binding, which the language does not count as a
// conflict. date-fns 4 loses `longFormatters` this way (`format.js` and `parse.js` both
// re-export it from `_lib/format/longFormatters.js`), and `import { longFormatters } from
// 'date-fns'` then fails to link: the application would not start.
//
// The fix: append `export * from '<original URL>'` to the wrapper. Names the wrapper exports
// itself take precedence over a star export, so nothing changes for them; every name it missed
// comes straight from the original module, resolved by the engine (which excludes only the
// names that really are ambiguous). Those names cannot be rebound by a patch, but they exist
// and are the original bindings.
//
// Used by both flavours of ESM hooks (esm-hooks.ts).

interface LoadResult {
  format?: string | null | undefined;
  source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
  shortCircuit?: boolean | undefined;
}

// The first statement of every wrapper import-in-the-middle 3 generates (the plain and the
// cycle-staged forms). A source without it (a module it failed to wrap and loaded as is) is
// left alone: re-exporting the original from a copy of itself would evaluate it twice.
const WRAPPER_START = /^\s*import (?:\{ register, ModuleBinder \}|"[^"\n]*"\nimport __binder) from "/;

/** The original module's URL for a wrapper URL (`…?iitm=true`), or undefined for any other URL. */
export function wrappedUrl(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query === -1 || !url.includes('iitm=true', query)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.searchParams.get('iitm') !== 'true') return undefined;
  parsed.searchParams.delete('iitm');
  const href = parsed.href;
  // import-in-the-middle spells builtin wrappers `file:///node:fs?iitm=true`.
  return href.startsWith('file:///node:') ? href.slice('file:///'.length) : href;
}

/** Appends the star re-export of the original to an import-in-the-middle wrapper's source. */
export function completeWrapper<T extends LoadResult>(url: string, result: T): T {
  if (result === null || typeof result !== 'object' || result.format !== 'module' || result.source == null) return result;
  const original = wrappedUrl(url);
  if (original === undefined) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as ArrayBuffer).toString('utf8');
  if (!WRAPPER_START.test(source)) return result;
  const line = `\nexport * from ${JSON.stringify(original)}\n`;
  if (source.endsWith(line)) return result; // two copies of wrapt-hooks: once is enough
  return { ...result, source: source + line };
}
