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
 * Every AWS partition: its region shape and endpoint DNS suffix, as the SDK's endpoint rules define
 * them (`regionRegex` and `outputs.dnsSuffix` in aws-sdk-js-v3
 * packages/util-endpoints/src/lib/aws/partitions.json, bundled in @aws-sdk/core;
 * test/cli/command-line.test.ts checks this table against it). A shape, not a list of regions, so
 * a region launched after this release is accepted. `aws-eusc` is the AWS European Sovereign Cloud
 * (eusc-de-east-1, endpoints under amazonaws.eu).
 */
export const PARTITIONS: Readonly<Record<string, { regions: RegExp; dnsSuffix: string }>> = {
  aws: { regions: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
  'aws-cn': { regions: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn' },
  'aws-eusc': { regions: /^eusc-(de)-\w+-\d+$/, dnsSuffix: 'amazonaws.eu' },
  'aws-iso': { regions: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov' },
  'aws-iso-b': { regions: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov' },
  'aws-iso-e': { regions: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk' },
  'aws-iso-f': { regions: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov' },
  'aws-us-gov': { regions: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
};

/** The partition of a region name, or undefined for a name no partition has. */
export function partitionOf(region: string): { partition: string; dnsSuffix: string } | undefined {
  if (!/^[a-z0-9-]+$/.test(region)) return undefined;
  // The shapes do not overlap (us-gov-west-1 has three parts before the number), so one matches at most.
  const found = Object.entries(PARTITIONS).find(([, p]) => p.regions.test(region));
  return found ? { partition: found[0], dnsSuffix: found[1].dnsSuffix } : undefined;
}

/** A region name of some AWS partition (lowercase, as AWS writes them). */
export function isValidRegionName(region: string): boolean {
  return partitionOf(region) !== undefined;
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
