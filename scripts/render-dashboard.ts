/**
 * `npm run docs:dashboard`: draws every sheet of the dashboard definition to docs/dashboard/<sheet>.svg
 * (deterministic: same definition, same bytes; a test fails when the committed pictures are stale).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../src/template/quicksight/definition/dashboard.js';
import { renderSheetSvg } from '../src/template/quicksight/render-svg.js';
import { renderReadsMarkdown, visualReads } from '../src/template/quicksight/reads.js';

const DASHBOARD_DOCS_DIR = 'docs/dashboard';

const dir = fileURLToPath(new URL(`../${DASHBOARD_DOCS_DIR}/`, import.meta.url));
mkdirSync(dir, { recursive: true });
const { definition, sheets } = buildDashboard();
for (const sheet of sheets) {
  const file = `${dir}${sheet.id}.svg`;
  writeFileSync(file, renderSheetSvg(definition, sheet.id));
  console.error(`wrote ${DASHBOARD_DOCS_DIR}/${sheet.id}.svg (${sheet.name}: ${sheet.visualIds.length} visuals, ${sheet.controlIds.length} controls)`);
}
writeFileSync(`${dir}reads.md`, renderReadsMarkdown(visualReads()));
console.error(`wrote ${DASHBOARD_DOCS_DIR}/reads.md (the dataset and columns each visual reads)`);
