// What the CommonJS hook (cjs.ts) asks at each outermost require(): may the in-thread ES module
// hooks step aside while it runs (esm-first.ts)? Set once those hooks are registered; until then,
// and on Nodes whose ES hooks run off-thread, nothing is asked.

export interface RequireGate {
  /** Before an outermost require(): true when the ES hooks were deregistered for it. */
  stepAside(): boolean;
  /** After that require(), however it ended: the ES hooks are registered again (if not already). */
  stepBack(): void;
}

export const outermostRequire: { gate: RequireGate | undefined } = { gate: undefined };
