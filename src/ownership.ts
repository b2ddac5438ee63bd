// The one owner-and-mode check behind every file or directory wrapt-hooks trusts: a config or
// patch file it runs (core/trust.ts), a trace file it appends to (writer.ts), the directory and
// socket of a control connection (control/paths.ts) and the code-cache directory (start.ts).
// Each caller says whose files pass and which mode bits no one else may hold, and words the
// problem for its own message. A leaf with no imports: dist/start.js bundles it on its own.

/** What a stat says about who owns a file and who may write it. */
export interface Owned {
  readonly uid: number;
  readonly mode: number;
}

export interface OwnershipRule {
  /** Files of root (uid 0) pass too: what the system installed. */
  readonly allowRoot?: boolean;
  /** Mode bits that fail the check: 0o002 world-writable, 0o022 writable by group or others, 0o077 any access by others. */
  readonly forbiddenBits: number;
  /** This process's user; undefined (Windows: no getuid) skips the owner check. */
  readonly uid?: number | undefined;
}

/** What failed: `owner` is the file's uid when it is not this user's (nor root's, where allowed); `mode` when a forbidden bit is set. */
export interface OwnershipProblem {
  readonly owner?: number;
  /** This process's user, for the message. */
  readonly uid?: number;
  /** The file's permission bits (mode & 0o777) when a forbidden one is set. */
  readonly mode?: number;
}

/** Why `stat` fails `rule` (both findings, each caller reports the one it names first), or undefined when it passes. */
export function ownershipProblem(stat: Owned, rule: OwnershipRule): OwnershipProblem | undefined {
  const uid = 'uid' in rule ? rule.uid : typeof process.getuid === 'function' ? process.getuid() : undefined;
  const foreign = uid !== undefined && stat.uid !== uid && !(rule.allowRoot === true && stat.uid === 0);
  const open = (stat.mode & rule.forbiddenBits) !== 0;
  if (!foreign && !open) return undefined;
  return { ...(foreign ? { owner: stat.uid, uid } : {}), ...(open ? { mode: stat.mode & 0o777 } : {}) };
}
