// `wrapt-hooks doctor` for people: the report as aligned, optionally coloured text.
import path = require('node:path');
import type { DoctorReport } from './doctor-report';
import type { EsmMode } from '../hooks/node';
import type { Env } from '../env';

export function useColor(env: Env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return process.stdout.isTTY === true && env['TERM'] !== 'dumb';
}

interface Paint {
  ok: string;
  bad: string;
  off: string;
  bold: (text: string) => string;
  dim: (text: string) => string;
  red: (text: string) => string;
}

function paint(color: boolean): Paint {
  const sgr = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  const green = sgr(32, 39);
  const red = sgr(31, 39);
  const dim = sgr(2, 22);
  return { ok: green('✓'), bad: red('✗'), off: dim('–'), bold: sgr(1, 22), dim, red };
}

/** Pads to `width` visible characters (what the eye aligns on), ignoring colour codes. */
function pad(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\u001b\[\d+m/g, '').length;
  return visible >= width ? text : text + ' '.repeat(width - visible);
}

function shortPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? `./${relative}` : file;
}

export function formatReport(report: DoctorReport, color: boolean): string {
  const p = paint(color);
  const cwd = report.cwd;
  const lines: string[] = [];
  const section = (title: string): void => {
    lines.push('', p.bold(title));
  };
  lines.push(`${p.bold('wrapt-hooks doctor')} ${p.dim(`(wrapt-hooks ${report.wraptHooks.version})`)}`, '');
  const modes: Record<EsmMode, string> = { sync: 'in-thread module.registerHooks', async: 'off-thread module.register loader', none: 'unavailable' };
  const header: [string, string][] = [
    ['node', `${report.node.version}, ES module hooks: ${report.node.esmMode} (${modes[report.node.esmMode]})`],
    [
      'config',
      report.config.failed !== undefined
        ? `${shortPath(report.config.failed, cwd)} ${p.red('failed to load')} (see Problems): the preload reads no config`
        : report.config.file === null
          ? `none found from ${cwd}${report.targets.length + report.packages.length + report.traces.length === 0 ? ' (and no WRAPT_PATCHES or WRAPT_TRACE): the preload does nothing' : ''}`
          : `${shortPath(report.config.file, cwd)}${report.config.shadowed.length === 0 ? '' : ` (it shadows ${report.config.shadowed.map((file) => shortPath(file, cwd)).join(', ')}: not read)`}`,
    ],
    ['strict', report.config.strict ? 'on' : 'off'],
    [
      'disabled',
      report.disabled === 'all'
        ? 'everything (WRAPT_HOOKS_DISABLE)'
        : report.disabled.length === 0
          ? 'nothing'
          : `${report.disabled.join(', ')} (WRAPT_HOOKS_DISABLE)`,
    ],
  ];
  for (const [name, value] of header) lines.push(`  ${pad(name, 9)} ${value}`);

  if (report.targets.length > 0) {
    section('Targets');
    const targetWidth = Math.max(...report.targets.map((row) => row.target.length)) + 2;
    const specWidth = Math.max(...report.targets.flatMap((row) => row.patches.map((patch) => patch.spec.length))) + 2;
    for (const row of report.targets) {
      const bad = row.patches.some((patch) => !patch.ok) || (row.installed === null && row.kind === 'file');
      const mark = bad ? p.bad : row.installed === null || row.disabled ? p.off : p.ok;
      let where: string;
      if (row.installed === null) where = row.note ?? 'not found';
      else if (row.kind === 'builtin') where = `builtin, Node.js ${row.installed.version ?? ''}`;
      else if (row.kind === 'file') where = shortPath(row.installed.file ?? row.key, cwd);
      else where = `${row.installed.version ?? 'no version'}${row.installed.file === null ? '' : `  ${p.dim(shortPath(row.installed.file, cwd))}`}`;
      lines.push(`  ${mark} ${pad(row.target, targetWidth)}${where}${row.disabled ? p.dim('  disabled by WRAPT_HOOKS_DISABLE') : ''}`);
      for (const patch of row.patches) {
        const from = patch.package === null ? '' : p.dim(`  from ${patch.package}`);
        if (!patch.ok) {
          lines.push(`      ${p.bad} ${pad(patch.spec, specWidth)}${p.red(shortProblem(patch.problem ?? 'failed'))}${from}`);
          continue;
        }
        const skipped = patch.versionMatches === false;
        const mark2 = skipped ? p.off : p.ok;
        const file = patch.file === null ? '' : shortPath(patch.file, cwd);
        const exported = patch.export === 'default' ? 'default export' : patch.export === 'module.exports' ? 'module.exports' : `export ${patch.export ?? '?'}`;
        const range =
          patch.versions === null
            ? ''
            : skipped
              ? `, skipped: ${row.installed?.version ?? ''} is outside "${patch.versions}"`
              : patch.versionMatches === true
                ? `, versions "${patch.versions}" match`
                : `, versions "${patch.versions}"`;
        lines.push(`      ${mark2} ${pad(patch.spec, specWidth)}${file}, ${exported}${range}${from}`);
      }
    }
  }

  if (report.packages.length > 0) {
    section('Patch packages');
    const nameWidth = Math.max(...report.packages.map((row) => row.name.length)) + 2;
    const versionWidth = Math.max(...report.packages.map((row) => (row.version ?? '').length)) + 2;
    for (const row of report.packages) {
      if (!row.ok && row.root === null) {
        lines.push(`  ${p.bad} ${pad(row.name, nameWidth)}${p.red(row.problem ?? 'not found')}${p.dim(`  (${row.origin})`)}`);
        continue;
      }
      const targets = row.targets.length === 0 ? 'no patches' : `targets: ${row.targets.join(', ')}`;
      lines.push(
        `  ${row.ok ? p.ok : p.bad} ${pad(row.name, nameWidth)}${pad(row.version ?? '', versionWidth)}${row.ok ? targets : p.red(shortProblem(row.problem ?? 'invalid'))}  ${p.dim(shortPath(row.root ?? '', cwd))}`,
      );
    }
  }

  if (report.traces.length > 0) {
    section('Traces');
    const specWidth = Math.max(...report.traces.map((row) => row.spec.length)) + 2;
    for (const row of report.traces) {
      const status = !row.ok
        ? p.red(shortProblem(row.problem ?? 'failed'))
        : row.resolves === true
          ? `${row.matches === undefined ? 'function' : matched(row.matches)}${row.installed?.version && row.installed.file !== null ? `, ${row.target}@${row.installed.version}` : ''}${row.stack ? ', with caller frame' : ''}`
          : p.dim(row.problem ?? 'not checked');
      lines.push(
        `  ${!row.ok ? p.bad : row.resolves === true ? p.ok : p.off} ${pad(row.spec, specWidth)}${status}${row.note === undefined ? '' : p.dim(`  (${row.note})`)}`,
      );
    }
  }

  section(report.problems.length === 0 ? 'No problems' : `Problems (${report.problems.length})`);
  const unconfirmed = report.traces.filter((row) => row.ok && row.resolves !== true).length;
  if (report.problems.length === 0 && unconfirmed > 0)
    lines.push(
      `  ${p.off} no problem found, but ${unconfirmed === 1 ? '1 trace path was' : `${unconfirmed} trace paths were`} not confirmed without running the target (see Traces): the preload checks ${unconfirmed === 1 ? 'it' : 'them'} when the target loads`,
    );
  else if (report.problems.length === 0)
    lines.push(`  ${p.ok} ${report.targets.length + report.traces.length === 0 ? 'nothing to patch' : 'every patch module, export and trace path was found'}`);
  for (const problem of report.problems) {
    lines.push(`  ${p.bad} ${p.dim(problem.code)}`, `    ${problem.message}`);
    if (problem.hint !== undefined) lines.push(`    ${p.dim(`hint: ${problem.hint}`)}`);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}

/** The first sentence of a problem, for a one-line row (the full text is under Problems). */
function shortProblem(message: string): string {
  const first = message.split(/\. (?=[A-Z])/)[0] ?? message;
  return first.length > 140 ? `${first.slice(0, 139)}…` : first;
}

/** A wildcard's functions: `3 functions: query, connect, end`. */
function matched(names: readonly string[]): string {
  return `${names.length} function${names.length === 1 ? '' : 's'}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`;
}
