// The hook table: which hooks wait for which target keys, in registration order, and the four
// sets of target keys by kind that the module hooks test every load against (match.ts). A key is
// in its set exactly while it has a hook. Nothing here fires a hook or knows a module instance.
import { TargetSets } from './match';
import type { Target } from './targets';
import type { HookRecord } from './registry-types';

let nextId = 1;

/** The id of the next hook registered in this thread: instances remember the ids that fired. */
export function nextHookId(): number {
  return nextId++;
}

export class HookTable extends TargetSets {
  private readonly byKey = new Map<string, HookRecord[]>();
  private readonly written = new Map<string, Target>();

  /** Adds `record` after the hooks its target already has; true when the target key is new. */
  add(record: HookRecord): boolean {
    const { target } = record;
    const list = this.byKey.get(target.key);
    if (list !== undefined) {
      list.push(record);
      return false;
    }
    this.byKey.set(target.key, [record]);
    this.setOf(target).add(target.key);
    this.written.set(target.key, target);
    return true;
  }

  /** Takes `record` out; its target key leaves the sets with its last hook. */
  remove(record: HookRecord): void {
    const { target } = record;
    const list = this.byKey.get(target.key);
    if (list === undefined) return;
    const at = list.indexOf(record);
    if (at !== -1) list.splice(at, 1);
    if (list.length > 0) return;
    this.byKey.delete(target.key);
    this.setOf(target).delete(target.key);
    this.written.delete(target.key);
  }

  /** The hooks of target `key` in registration order (the live list: copy it to iterate while hooks run). */
  hooksOf(key: string): readonly HookRecord[] | undefined {
    return this.byKey.get(key);
  }

  /** Is `key` (a builtin name, package name, normalized deep path or absolute file) a target? O(1). */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Targets that have at least one hook, as their first hook's registration wrote them. */
  targets(): Target[] {
    return [...this.written.values()];
  }

  /** Every target key with its hooks. */
  entries(): IterableIterator<[string, readonly HookRecord[]]> {
    return this.byKey.entries();
  }
}
