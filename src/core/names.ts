/**
 * Every name the product derives from the project name, in one place, with the rules of each
 * service it feeds. A project name is valid only if every derived name is.
 */

export const TOOL = 'apigw-log-analytics';
export const TAG_PROJECT = `${TOOL}:project`;
export const TAG_VERSION = `${TOOL}:version`;
export const STREAM_PREFIX = 'amazon-apigateway-';

export function stackName(project: string): string {
  return `${TOOL}-${project}`;
}

export function streamName(project: string): string {
  return `${STREAM_PREFIX}${project}`;
}

/** Project names: lowercase letters, digits and hyphens, starting with a letter, 3 to 32 long. */
export const PROJECT_NAME_RE = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

/**
 * Why a project name is refused, or undefined when it is fine. The limits come from what it feeds:
 * the stack name `apigw-log-analytics-<p>` (128), the stream `amazon-apigateway-<p>` (64), the
 * Glue database (lowercase, no hyphens allowed by Athena without quoting: we map - to _), S3 key
 * prefixes and QuickSight ids (letters, digits, hyphen, underscore).
 */
export function projectNameProblem(name: string): string | undefined {
  if (name.length < 3) return 'it must be at least 3 characters long';
  if (name.length > 32) return 'it must be at most 32 characters long (it is part of the Firehose stream name, at most 64)';
  if (!/^[a-z]/.test(name)) return 'it must start with a lowercase letter';
  if (!/^[a-z0-9-]+$/.test(name)) return 'use only lowercase letters, digits and hyphens (it feeds S3, Glue, Firehose and QuickSight names)';
  if (name.endsWith('-')) return 'it must not end with a hyphen';
  if (name.includes('--')) return 'it must not contain two hyphens in a row';
  return undefined;
}
