'use strict';
// A nightly report job. Run it a few times and the temporary directory fills up with
// thumb-* and export-* directories that nobody removes. Which code creates them?
// This file knows nothing of wrapt-hooks; see README.md for the one line that answers it.
const { buildReport } = require('./lib/report');
const { renderThumbnails } = require('./lib/thumbnails');
const { exportCsv } = require('./lib/export');

const report = buildReport(['north', 'south', 'east']);
const thumbnails = renderThumbnails(report.sections);
const bytes = exportCsv(report);
console.log(`report: ${report.sections.length} sections, ${thumbnails} thumbnails, ${bytes} bytes of CSV`);
