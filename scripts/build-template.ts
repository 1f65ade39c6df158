/**
 * `npm run build:template`: writes templates/apigw-log-analytics.template.json from the typed
 * builders in src/template/ (deterministic: same sources, same bytes). `npm run build` runs it
 * first, so a packed CLI always carries the template of its own version.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTemplateText } from '../src/template/generate.js';
import { TEMPLATE_BODY_MAX_BYTES, TEMPLATE_PATH } from '../src/template/stack.js';

const target = fileURLToPath(new URL(`../${TEMPLATE_PATH}`, import.meta.url));
const text = generateTemplateText();
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, text);
const bytes = Buffer.byteLength(text);
const via = bytes > TEMPLATE_BODY_MAX_BYTES ? 'deploy it through S3 (TemplateURL / --s3-bucket)' : 'small enough to send inline';
console.error(`wrote ${TEMPLATE_PATH} (${bytes} bytes; ${via})`);
