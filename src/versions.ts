// semver ranges. semver's range code costs 10–40 ms to load, so start-up only checks a range's
// shape here; semver itself loads when a range fails that check, or when a target with a range
// is first imported (where the range is checked for real before it is used).

// The shapes of node-semver ranges (comparators, x-ranges, tilde, caret, hyphen ranges, `||`),
// build metadata set aside, checked token by token (linear time). Everything common passes;
// what fails goes to semver for the verdict.
const XR = '(?:0|[1-9]\\d*|x|X|\\*)';
const ID = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][a-zA-Z0-9-]*)';
const VERSION = `[v=]*${XR}(?:\\.${XR}(?:\\.${XR}(?:-${ID}(?:\\.${ID})*)?)?)?`;
const COMPARATOR = new RegExp(`^(?:[<>]=?|=|~>?|\\^)?${VERSION}$`);
const HYPHEN = new RegExp(`^${VERSION}\\s+-\\s+${VERSION}$`);
const OPERATOR_SPACE = /(<=?|>=?|=|~>?|\^)\s+/g;
const BUILD = /\+[0-9A-Za-z.-]*/g;

function plausibleRange(range: string): boolean {
  for (const set of range.replace(BUILD, '').split('||')) {
    const trimmed = set.trim();
    if (trimmed === '' || HYPHEN.test(trimmed)) continue;
    for (const token of trimmed.replace(OPERATOR_SPACE, '$1').split(/\s+/)) {
      if (!COMPARATOR.test(token)) return false;
    }
  }
  return true;
}

type ValidRange = (range: string) => string | null;
type Satisfies = (version: string, range: string, options: { includePrerelease: boolean }) => boolean;
let validRange: ValidRange | undefined;
let semverSatisfies: Satisfies | undefined;

/** Is `range` a semver range? Cheap for the common shapes; asks semver for the rest. */
export function isRange(range: string): boolean {
  if (range.trim() === '') return false;
  if (range.length <= 256 && plausibleRange(range)) return true;
  return isSemverRange(range);
}

function isSemverRange(range: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validRange ??= require('semver/ranges/valid') as ValidRange;
  return validRange(range) !== null;
}

/** Does `version` satisfy `range` (prereleases included)? `undefined` when semver rejects the range. */
export function satisfies(version: string, range: string): boolean | undefined {
  if (!isSemverRange(range)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  semverSatisfies ??= require('semver/functions/satisfies') as Satisfies;
  return semverSatisfies(version, range, { includePrerelease: true });
}
