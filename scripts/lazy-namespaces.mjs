// esbuild's bundle builds, at its top level, the namespace object of every module that some code
// `require()`s (`__export(x_exports, { a: () => a, ... })`: a getter per export), so a start
// paid for the namespaces of modules it never loads (the tracing, OpenTelemetry, attach's
// control socket...). lazyNamespaces() rewrites each into a function the first
// `__toCommonJS(x_exports)` runs, and makes `__toCommonJS` give that namespace itself instead of
// a new copy of it at every call (a lazy `require('./x')` inside a function runs it at each call).
// The line count does not change, so the source map stays exact. It relies on the shape of
// esbuild's output: anything else that names an `x_exports` object, or a missing helper, fails
// the build (bench/FINDINGS.md, "Start-up now").

const TO_COMMONJS = 'var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);';
const LAZY_TO_COMMONJS =
  'var __lazyExports = /* @__PURE__ */ new Map(), __lazyExport = (target, all) => __lazyExports.set(target, all), __toCommonJS = (mod) => { ' +
  'const all = __lazyExports.get(mod); if (all !== void 0) { __lazyExports.delete(mod); __export(mod, all()); __defProp(mod, "__esModule", { value: true }); } return mod; };';

const DECLARATION = /^var [\w$]+_exports\d* = \{\};$/;
const OPENING = /^__export\(([\w$]+_exports\d*), \{$/;
const EXPORT_LINE = /^ {2}(?:[\w$]+|"[^"]+"): \(\) => [\w$]+,?$/;
const REQUIRED = /__toCommonJS\([\w$]+_exports\d*\)/g;

/** `source` (esbuild's CommonJS bundle) with lazy namespace objects; throws when its shape is not the one expected. */
export function lazyNamespaces(source, file = 'the bundle') {
  const lines = source.split('\n');
  const helper = lines.indexOf(TO_COMMONJS);
  if (helper === -1) throw new Error(`${file}: esbuild's __toCommonJS helper is not the one scripts/lazy-namespaces.mjs rewrites (a new esbuild?): update it`);
  lines[helper] = LAZY_TO_COMMONJS;
  let rewritten = 0;
  for (let i = 0; i < lines.length; i++) {
    const opening = OPENING.exec(lines[i]);
    if (opening === null) continue;
    let end = i + 1;
    while (end < lines.length && EXPORT_LINE.test(lines[end])) end++;
    if (lines[end] !== '});') throw new Error(`${file}:${end + 1}: expected the end of __export(${opening[1]}, ...), found: ${lines[end]}`);
    lines[i] = `__lazyExport(${opening[1]}, () => ({`;
    lines[end] = '}));';
    rewritten++;
    i = end;
  }
  const text = lines.join('\n');
  // Every other mention of a namespace object must be a `__toCommonJS` of it, which materialises it.
  const others = text
    .replace(REQUIRED, '')
    .split('\n')
    .filter((line) => /\b[\w$]+_exports\d*\b/.test(line) && !DECLARATION.test(line) && !/^__lazyExport\(/.test(line));
  if (others.length > 0)
    throw new Error(
      `${file}: a namespace object is used other than through __toCommonJS, which a lazy one does not support:\n${others.slice(0, 5).join('\n')}`,
    );
  return { text, rewritten };
}
