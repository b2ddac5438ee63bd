// The reports `wrapt-hooks attach --summary` and `--handles` ask a process for (docs/attach.md),
// formatted as the client asked (text or JSON) and sent back as lines instead of written.
import type { Registry } from '../core/registry';
import { emit, type Route } from '../trace/output';
import type { Stats } from '../trace/summary';
import { bootPlan, safeCwd } from './changes';

/** Lines formatted as the client asked, collected instead of written. */
function collect(json: boolean, write: (route: Route) => void): string[] {
  const lines: string[] = [];
  write({ json, write: (text) => lines.push(text.endsWith('\n') ? text.slice(0, -1) : text) });
  return lines;
}

/** The process's debug summary, its own trace summary, and the counts of the attach's traces (`stats`). */
export function summaryReport(registry: Registry, json: boolean, stats: readonly Stats[]): string[] {
  const { summaryLines } = require('../core/summary') as typeof import('../core/summary');
  const { neverFiredReason } = require('../bundlers/detect') as typeof import('../bundlers/detect');
  const { summaryNow } = require('../trace/summary') as typeof import('../trace/summary');
  const debugLines = summaryLines(registry, process.argv, safeCwd(), (target) => neverFiredReason(target));
  return collect(json, (route) => {
    for (const line of debugLines) {
      if (route.json) route.write(`${JSON.stringify({ time: new Date().toISOString(), pid: process.pid, debug: line.replace(/^wrapt-hooks: /, '') })}\n`);
      else route.write(`${line}\n`);
    }
    const own = summaryNow();
    for (const { text, fields } of own) emit('trace', text, fields, { req: undefined, route });
    if (own.length === 0 && (bootPlan()?.trace.length ?? 0) > 0)
      emit(
        'trace',
        'summary: the process does not count its own traces (start it with WRAPT_TRACE_SUMMARY=1)',
        { summary: true, counted: false },
        { req: undefined, route },
      );
    for (const counted of stats) {
      const { text, fields } = counted.line();
      emit('trace', `${text} (this attach)`, { ...fields, attach: true }, { req: undefined, route });
    }
  });
}

/** What keeps the process alive, one line per handle or request. */
export function handlesReport(json: boolean): string[] {
  const { handlesReport: report } = require('../recipes/handles/index') as typeof import('../recipes/handles/index');
  const lines = report();
  return collect(json, (route) => {
    emit('handles', `${lines.length} active in pid ${process.pid}:`, { recipe: 'handles', event: 'report', count: lines.length }, { req: undefined, route });
    for (const line of lines) emit('handles', line.text, line.fields, { req: undefined, route });
  });
}
