// --cpu-prof of the start-up app with and without the preload: self time grouped by script, and
// the difference per group (what the preload added, wherever in Node it was spent). The profiles
// stay in bench/.work/profiles/ for Chrome DevTools.
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, WORK, cmd } from './context.mjs';
import { runOnce } from './measure.mjs';

/**
 * --cpu-prof of the start-up app with and without the preload: self time grouped by script, and
 * the difference per group (what the preload added, wherever in Node it was spent).
 */
export function profile(node, apps, runs) {
  const results = {};
  const sample = (id, args) => {
    const dir = path.join(WORK, 'profiles', `node${node.major}-${id}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < runs; i++) runOnce(cmd(node, apps.startup, ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir, ...args]));
    const groups = new Map();
    let total = 0;
    let files = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
      files++;
      const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      const byId = new Map(prof.nodes.map((n) => [n.id, n]));
      for (let s = 0; s < prof.samples.length; s++) {
        const n = byId.get(prof.samples[s]);
        const us = prof.timeDeltas[s + 1] ?? 0;
        const group = groupOf(n.callFrame);
        if (group === '(idle)') continue;
        total += us;
        groups.set(group, (groups.get(group) ?? 0) + us);
      }
    }
    // Divided by runs, not files: on Node 20 the off-thread loader writes a profile of its own.
    for (const [k, v] of groups) groups.set(k, v / 1000 / runs);
    return { dir, files, totalMs: total / 1000 / runs, groups };
  };
  for (const [id, withArgs, withoutArgs] of [
    ['cjs', ['-r', 'wrapt-hooks/register', 'app.js'], ['app.js']],
    ['esm', ['--import', 'wrapt-hooks/register', 'app.mjs'], ['app.mjs']],
  ]) {
    const a = sample(`${id}-preload`, withArgs);
    const b = sample(`${id}-bare`, withoutArgs);
    const keys = new Set([...a.groups.keys(), ...b.groups.keys()]);
    const diff = [...keys].map((group) => ({ group, ms: (a.groups.get(group) ?? 0) - (b.groups.get(group) ?? 0), with: a.groups.get(group) ?? 0 }));
    results[id] = { runs: runs, totalMs: a.totalMs, bareMs: b.totalMs, top: diff.sort((x, y) => y.ms - x.ms).slice(0, 14) };
  }
  return results;
}

function groupOf(frame) {
  const url = frame.url || '';
  if (url === '')
    return frame.functionName === '(garbage collector)'
      ? '(garbage collector)'
      : frame.functionName === '(program)'
        ? '(program: native, compile, I/O)'
        : frame.functionName === '(idle)'
          ? '(idle)'
          : `(native) ${frame.functionName || 'anonymous'}`;
  if (url.startsWith('node:internal/')) {
    const parts = url.slice('node:internal/'.length).split('/');
    return `node:internal/${parts.length > 1 ? `${parts[0]}/${parts[1].replace(/\.js$/, '')}` : parts[0]}`;
  }
  if (url.startsWith('node:')) return url;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    const inner = rest.slice(rest[0].startsWith('@') ? 2 : 1).join('/');
    return pkg === 'import-in-the-middle' || pkg === 'require-in-the-middle' ? `${pkg}/${inner}` : pkg;
  }
  if (file.startsWith(ROOT + '/')) return `wrapt-hooks/${path.relative(ROOT, file)}`;
  return path.basename(file);
}
