/** Plain aligned tables for terminals: the layout is pure and lives in core (src/core/text-table.ts). */
export { renderTable, visibleWidth, terminalSafe, truncate, fitTable } from '../core/text-table.js';
