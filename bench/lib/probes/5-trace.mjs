// What a traced call and the sql recipe's wrapper cost per call, as users run them
// (bench/lib/trace-cost.mjs: one process per row, lines to WRAPT_TRACE_FILE=/dev/null).
import { traceCost } from '../trace-cost.mjs';

export const title = 'Per-call cost of tracing and of a recipe';
export const about =
  'bench/lib/trace-cost.mjs: ns per call, median of batches after a warm-up, one process per row started with the preload and the row\'s `WRAPT_TRACE`/`WRAPT_PATCHES`; lines go to `WRAPT_TRACE_FILE=/dev/null`, so the rows show what wrapt-hooks does per call (inspecting, formatting, the writer), not a terminal. The traced function is `(s) => "v" + s`; the recipe row is a node:sqlite `statement.get` (Node 22.13+).';

export default function trace(ctx) {
  ctx.log('trace and recipe cost');
  return traceCost(ctx.node.bin, ctx.root, ctx.work).map(({ label, ns }) => ({ id: label, what: '', value: ns, unit: 'ns per call' }));
}
