// WRAPT_HOOKS_DISABLE as target keys, for the preload and `doctor` alike.
import { disableSetting } from '../env';
import { parseTarget } from './targets';

/**
 * `"all"`, the canonical keys of the targets it names (a name that is not a valid target is kept
 * as written), or undefined when the variable turns nothing off.
 */
export function disabledTargets(value: string | undefined, cwd: string): 'all' | Set<string> | undefined {
  const setting = disableSetting(value);
  if (setting === undefined || setting === 'all') return setting;
  const keys = new Set<string>();
  for (const item of setting) {
    const target = parseTarget(item, cwd);
    keys.add(typeof target === 'string' ? item : target.key);
  }
  return keys;
}
