/**
 * Reads the enrichment Lambda's source for the template builder (build script and tests only;
 * the CLI ships the generated template, not this module).
 */
import { readFileSync } from 'node:fs';

/** Repository path of the enrichment Lambda (CommonJS, as Lambda runs inline code). */
export const LAMBDA_SOURCE_PATH = 'assets/lambda/index.cjs';

export function readLambdaSource(): string {
  return readFileSync(new URL(`../../${LAMBDA_SOURCE_PATH}`, import.meta.url), 'utf8');
}
