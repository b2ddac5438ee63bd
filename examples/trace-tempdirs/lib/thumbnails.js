'use strict';
// Renders one thumbnail per section in its own working directory. The early return for a
// cached thumbnail skips the clean-up: one leaked directory per cached thumbnail.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cached = new Set(['south']);

function renderThumbnail(section) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'thumb-'));
  if (cached.has(section.region)) return 'cached'; // leaks `work`
  fs.writeFileSync(path.join(work, `${section.region}.svg`), `<svg><text>${section.text}</text></svg>`);
  fs.rmSync(work, { recursive: true, force: true });
  return 'rendered';
}

function renderThumbnails(sections) {
  return sections.map(renderThumbnail).length;
}

module.exports = { renderThumbnails };
