/**
 * Where a run points: region and profile, resolved the way the AWS CLI does, so `--profile` also
 * decides the region (the SDK's `profile` client option alone does not: aws-sdk-js-v3#3469).
 */
import { missingRegionError } from '../errors.js';
import type { Env } from '../ui/env.js';

export interface AwsTarget {
  region: string;
  /** The profile that credentials come from, or undefined for the default chain. */
  profile: string | undefined;
}

export interface TargetInputs {
  regionFlag?: string | undefined;
  profileFlag?: string | undefined;
  env: Env;
}

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function isValidRegionName(region: string): boolean {
  return REGION_RE.test(region);
}

/** Resolves profile and region: flag, then AWS_REGION/AWS_DEFAULT_REGION, then the profile's config. */
export async function resolveTarget({ regionFlag, profileFlag, env }: TargetInputs): Promise<AwsTarget> {
  const profile = profileFlag ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? undefined;
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
  return { region, profile };
}
