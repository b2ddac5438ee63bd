// The layering of src/ as an ESLint rule (`npm run lint`, which CI runs): each folder may import
// only from the layers below it, whether by `import`, `import x = require()`, a lazy
// `require()` or a `typeof import()` type. Arrows point one way (docs/development.md, "Layout"):
//
//   leaves (types, errors, debug, env, global-state, ownership, thread, writer, sink, line, version, near-miss)
//     <- wrap <- core <- hooks, trace <- otel <- recipes <- config <- bundlers <- control
//     <- the entries (api, index, bootstrap, preload, start) <- cli
//
// hooks and trace sit side by side and do not import each other. The CLI never loads the module
// hooks; it may ask hooks/node.ts (every Node-version branch) which ES module hooks this Node has.
//
// No import cycle between folders: every file under src/ has a layer (a file whose folder or name
// the tables below do not list is reported), an import across folders must go to a lower rank
// (two folders of one rank may not import each other), and the one exception goes down too
// (checked when this file loads). So every arrow between folders lowers the rank, and no chain of
// them comes back to where it started.
import path from 'node:path';

const LEAVES = new Set(['types', 'errors', 'debug', 'env', 'global-state', 'ownership', 'thread', 'writer', 'sink', 'line', 'version', 'near-miss']);
const ENTRIES = new Set(['api', 'index', 'bootstrap', 'preload', 'start']);
const RANK = { leaves: 0, wrap: 1, core: 2, hooks: 3, trace: 3, otel: 4, recipes: 5, config: 6, bundlers: 7, control: 8, entries: 9, cli: 10 };
/** Layers below that a layer still may not import, and the one module it may. */
const FORBIDDEN = { cli: 'hooks' };
/** Imports allowed across a FORBIDDEN pair: `<layer> -> <module under src/>`. */
const ALLOWED = new Set(['cli -> hooks/node']);
for (const entry of ALLOWED) {
  const [from, to] = entry.split(' -> ');
  const layer = to.includes('/') ? to.split('/')[0] : LEAVES.has(to) ? 'leaves' : 'entries';
  if (!(RANK[layer] < RANK[from])) throw new Error(`scripts/eslint-layers.mjs: the exception "${entry}" must point down, or it could close a cycle`);
}

/** The layer of a file under src/: undefined outside src/, null for one the tables do not place. */
function layerOf(file, src) {
  const rel = path.relative(src, file).split(path.sep).join('/');
  if (rel.startsWith('..')) return undefined;
  const [first, ...rest] = rel.replace(/\.ts$/, '').split('/');
  if (rest.length === 0) return LEAVES.has(first) ? 'leaves' : ENTRIES.has(first) ? 'entries' : null;
  return first in RANK && first !== 'leaves' && first !== 'entries' ? first : null;
}

const rule = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      up: '{{from}} imports {{to}} ({{target}}): a layer imports only from the layers below it, as listed in scripts/eslint-layers.mjs.',
      unplaced:
        '{{file}} has no layer: add its folder to RANK (or the file to LEAVES or ENTRIES) in scripts/eslint-layers.mjs, and to the table in docs/development.md.',
    },
  },
  create(context) {
    const file = context.filename;
    const src = path.join(context.cwd, 'src');
    const from = layerOf(file, src);
    if (from === undefined) return {};
    if (from === null) {
      return { Program: (node) => context.report({ node, messageId: 'unplaced', data: { file: path.relative(context.cwd, file) } }) };
    }
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, ''));
      const to = layerOf(`${target}.ts`, src);
      if (to === undefined || to === null || to === from) return;
      const rel = path.relative(src, target).split(path.sep).join('/');
      if (ALLOWED.has(`${from} -> ${rel}`)) return;
      if (RANK[to] < RANK[from] && FORBIDDEN[from] !== to) return;
      context.report({ node, messageId: 'up', data: { from, to, target: rel } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      TSImportEqualsDeclaration: (node) => node.moduleReference.type === 'TSExternalModuleReference' && check(node, node.moduleReference.expression.value),
      TSImportType: (node) => check(node, node.argument?.literal?.value ?? node.argument?.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0].value);
      },
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: rule } };
