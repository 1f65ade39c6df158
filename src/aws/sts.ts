import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClientSettings } from './settings.js';
import { callAws } from './call.js';

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface StsApi {
  getCallerIdentity(): Promise<CallerIdentity>;
}

export function createSts(settings: ClientSettings): StsApi {
  const client = new STSClient(settings.clientConfig);
  return {
    async getCallerIdentity() {
      const out = await callAws(settings, 'checking your AWS identity', () => client.send(new GetCallerIdentityCommand({})));
      return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
    },
  };
}
