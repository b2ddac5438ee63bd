// The Node lines the compatibility suites run on, and where their binaries are: .ci/run names
// each in WRAPT_HOOKS_NODE_<major> (20 is the machine's, the others come from the npm registry).
// Run by hand without any of them set, a suite runs on the Node that runs it.

/** Every supported major line, oldest first. */
export const MAJORS = ['20', '22', '24', '26'];

/** `[major, binary]` for each line that WRAPT_HOOKS_NODE_<major> names, else the running Node. */
export function configuredNodes(env = process.env) {
  const named = MAJORS.filter((major) => env[`WRAPT_HOOKS_NODE_${major}`]).map((major) => [major, env[`WRAPT_HOOKS_NODE_${major}`]]);
  return named.length > 0 ? named : [[process.versions.node.split('.')[0], process.execPath]];
}
