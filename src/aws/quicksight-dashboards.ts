/** The deployed dashboard's state for `status`: DescribeDashboard in the region the assets live in. */
import { DescribeDashboardCommand, QuickSightClient } from '@aws-sdk/client-quicksight';
import type { ClientSettings } from './settings.js';
import { callAws } from './call.js';

export interface DashboardsApi {
  /** The published version's status (CREATION_SUCCESSFUL, CREATION_FAILED, …) and its errors; null when it does not exist. */
  describeDashboardStatus(account: string, dashboardId: string): Promise<{ status: string | null; errors: string[] } | null>;
}

export function createDashboards(settings: ClientSettings): DashboardsApi {
  const client = new QuickSightClient(settings.clientConfig);
  return {
    async describeDashboardStatus(account, dashboardId) {
      try {
        const out = await client.send(new DescribeDashboardCommand({ AwsAccountId: account, DashboardId: dashboardId }));
        return {
          status: out.Dashboard?.Version?.Status ?? null,
          errors: (out.Dashboard?.Version?.Errors ?? []).map((e) => `${e.Type ?? 'ERROR'}: ${e.Message ?? ''}`.trim()),
        };
      } catch (e) {
        if ((e as { name?: string }).name === 'ResourceNotFoundException') return null;
        return callAws(settings, `reading dashboard ${dashboardId} (quicksight:DescribeDashboard)`, () => Promise.reject(e));
      }
    },
  };
}
