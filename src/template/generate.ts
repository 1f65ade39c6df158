/**
 * The committed template, generated: the version from package.json and the Lambda source from
 * assets/. Used by `npm run build:template` and by the test that fails when the committed file is
 * stale (so the two can never disagree on how it is made).
 */
import { readFileSync } from 'node:fs';
import { readLambdaSource } from './lambda-source.js';
import { buildStackTemplate, renderTemplate } from './stack.js';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The exact text of templates/apigw-log-analytics.template.json. */
export function generateTemplateText(): string {
  return renderTemplate(buildStackTemplate({ version: packageVersion(), lambdaSource: readLambdaSource() }));
}
