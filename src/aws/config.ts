/**
 * Where a run points: region, profile and endpoint, resolved the way the AWS CLI does, so
 * `--profile` also decides the region (the SDK's `profile` client option alone does not:
 * aws-sdk-js-v3#3469), and a profile that does not exist is named with the files searched.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { missingRegionError, UsageError } from '../errors.js';
import type { Env } from '../ui/env.js';

export interface AwsTarget {
  region: string;
  /** The profile that credentials come from, or undefined for the default chain. */
  profile: string | undefined;
  /** `--endpoint-url`: every client calls this endpoint (as AWS_ENDPOINT_URL does). */
  endpointUrl?: string;
}

export interface TargetInputs {
  regionFlag?: string | undefined;
  profileFlag?: string | undefined;
  endpointFlag?: string | undefined;
  env: Env;
}

/**
 * The region shape of every AWS partition, as the SDK's endpoint rules define them
 * (`regionRegex` in aws-sdk-js-v3 packages/util-endpoints/src/lib/aws/partitions.json, bundled in
 * @aws-sdk/core; test/unit/config.test.ts checks this list against it). A shape, not a list of
 * regions, so a region launched after this release is accepted. `aws-eusc` is the AWS European
 * Sovereign Cloud (eusc-de-east-1, endpoints under amazonaws.eu).
 */
export const PARTITION_REGION_PATTERNS: Readonly<Record<string, RegExp>> = {
  aws: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
  'aws-cn': /^cn-\w+-\d+$/,
  'aws-eusc': /^eusc-(de)-\w+-\d+$/,
  'aws-iso': /^us-iso-\w+-\d+$/,
  'aws-iso-b': /^us-isob-\w+-\d+$/,
  'aws-iso-e': /^eu-isoe-\w+-\d+$/,
  'aws-iso-f': /^us-isof-\w+-\d+$/,
  'aws-us-gov': /^us-gov-\w+-\d+$/,
};

/** A region name of some AWS partition (lowercase, as AWS writes them). */
export function isValidRegionName(region: string): boolean {
  return /^[a-z0-9-]+$/.test(region) && Object.values(PARTITION_REGION_PATTERNS).some((re) => re.test(region));
}

/** Where the shared files are, as the SDK and the AWS CLI find them. */
export function sharedFilePaths(env: Env): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/** Profile names in an INI file: `[profile NAME]`/`[default]` in config, `[NAME]` in credentials. */
export function profilesIn(text: string, kind: 'config' | 'credentials'): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/.exec(line);
    if (!m?.[1]) continue;
    const section = m[1];
    if (kind === 'credentials') out.push(section);
    else if (section === 'default') out.push(section);
    else if (/^profile\s+/.test(section)) out.push(section.replace(/^profile\s+/, ''));
  }
  return out;
}

function readProfiles(path: string, kind: 'config' | 'credentials'): string[] {
  try {
    return profilesIn(readFileSync(path, 'utf8'), kind);
  } catch {
    return [];
  }
}

/** A usage error naming the profile and the files searched when `profile` is in neither shared file. */
export function checkProfileExists(profile: string, env: Env): void {
  const paths = sharedFilePaths(env);
  const known = [...new Set([...readProfiles(paths.config, 'config'), ...readProfiles(paths.credentials, 'credentials')])];
  if (known.includes(profile)) return;
  const message = `AWS profile "${profile}" (--profile ${profile}) was not found in ${paths.config} (AWS_CONFIG_FILE) or ${paths.credentials} (AWS_SHARED_CREDENTIALS_FILE).`;
  throw new UsageError('ProfileNotFound', message, {
    details: [known.length ? `Profiles found: ${known.join(', ')}.` : 'No profiles were found in those files.'],
    resolution: `Check the name (aws configure list-profiles), create it (aws configure --profile ${profile}, or aws configure sso), or point AWS_CONFIG_FILE at the file that has it.`,
  });
}

/** Resolves profile and region: flag, then AWS_REGION/AWS_DEFAULT_REGION, then the profile's config. */
export async function resolveTarget({ regionFlag, profileFlag, endpointFlag, env }: TargetInputs): Promise<AwsTarget> {
  const profile = profileFlag ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? undefined;
  // A --profile typed on the command line must exist. AWS_PROFILE is not checked here: with it set,
  // the SDK's chain still falls through to web identity and container or instance credentials
  // (credential-provider-node defaultProvider), which CI and EKS runners rely on.
  if (profileFlag !== undefined) checkProfileExists(profileFlag, env);
  let region = regionFlag ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    const { loadConfig } = await import('@smithy/node-config-provider');
    const { NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS } = await import('@smithy/config-resolver');
    try {
      region = await loadConfig(
        { ...NODE_REGION_CONFIG_OPTIONS, environmentVariableSelector: () => undefined, default: () => undefined as unknown as string },
        { ...NODE_REGION_CONFIG_FILE_OPTIONS, profile },
      )();
    } catch {
      region = undefined;
    }
  }
  if (!region) throw missingRegionError(profile);
  return { region, profile, ...(endpointFlag ? { endpointUrl: endpointFlag } : {}) };
}
