// The layering of src/ as an ESLint rule (`npm run lint`, which CI runs): each folder may import
// only from the layers below it, whether by `import`, `import x = require()`, a lazy
// `require()` or a `typeof import()` type. Arrows point one way (docs/development.md, "Layers"):
//
//   leaves (types, errors, debug, env, global-state, writer, near-miss)
//     <- wrap <- core <- hooks, trace <- recipes <- config <- bundlers
//     <- the entries (api, index, bootstrap, preload, start) <- cli
//
// hooks and trace sit side by side and do not import each other. The CLI never loads the module
// hooks; it may ask hooks/node.ts (every Node-version branch) which ES module hooks this Node has.
import path from 'node:path';

const LEAVES = new Set(['types', 'errors', 'debug', 'env', 'global-state', 'writer', 'near-miss']);
const ENTRIES = new Set(['api', 'index', 'bootstrap', 'preload', 'start']);
const RANK = { leaves: 0, wrap: 1, core: 2, hooks: 3, trace: 3, recipes: 4, config: 5, bundlers: 6, entries: 7, cli: 8 };
/** Layers below that a layer still may not import, and the one module it may. */
const FORBIDDEN = { cli: 'hooks' };
// Two lazy requires from the leaves into trace/ that are known debts, to be turned around: the
// debug log's lines take trace/output.ts's line prefix, and the writer's exit flush is
// trace/at-exit.ts's signal handling.
const ALLOWED = new Set(['cli -> hooks/node', 'leaves -> trace/output', 'leaves -> trace/at-exit']);

/** The layer of a file under src/ (undefined outside src/ or for a folder the table does not name). */
function layerOf(file, src) {
  const rel = path.relative(src, file).split(path.sep).join('/');
  if (rel.startsWith('..')) return undefined;
  const [first, ...rest] = rel.replace(/\.ts$/, '').split('/');
  if (rest.length === 0) return LEAVES.has(first) ? 'leaves' : ENTRIES.has(first) ? 'entries' : undefined;
  return first in RANK ? first : undefined;
}

const rule = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { up: '{{from}} imports {{to}} ({{target}}): a layer imports only from the layers below it, as listed in scripts/eslint-layers.mjs.' },
  },
  create(context) {
    const file = context.filename;
    const src = path.join(context.cwd, 'src');
    const from = layerOf(file, src);
    if (from === undefined) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, ''));
      const to = layerOf(`${target}.ts`, src);
      if (to === undefined || to === from) return;
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
