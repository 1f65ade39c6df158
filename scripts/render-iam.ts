/**
 * `npm run docs:iam`: writes docs/iam.md from src/core/iam/ and the resource types of the committed
 * template (deterministic; a test fails when the committed page is stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderIamDoc } from '../src/core/iam/render-doc.js';
import { TEMPLATE_PATH } from '../src/template/stack.js';

const root = new URL('../', import.meta.url);
const template = JSON.parse(readFileSync(new URL(TEMPLATE_PATH, root), 'utf8')) as { Resources: Record<string, { Type: string }> };
const types = [...new Set(Object.values(template.Resources).map((r) => r.Type))];
writeFileSync(fileURLToPath(new URL('docs/iam.md', root)), renderIamDoc(types));
console.error(`wrote docs/iam.md (${types.length} resource types)`);
