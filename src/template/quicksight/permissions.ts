/**
 * QuickSight permission sets. QuickSight accepts only whole sets of actions (those its console
 * grants), so these are the console's owner sets, verbatim: the principal can open, edit, share
 * and delete each asset, and save the dashboard as an analysis to customise it.
 *
 * The console's owner sets as of 2026-12 (checked on that date):
 * - data source (6 actions) and dashboard (8 actions): unchanged; no newer console set was found
 *   (AWS's own solutions use the same data source set, e.g. aws-solutions/security-insights-on-aws
 *   source/services/createQuickSightDataSets/lib/helpers/permissions.ts);
 * - data set (18 actions): since 2023 the console's owner set adds the refresh-properties and
 *   refresh-schedule actions (Put/Describe/DeleteDataSetRefreshProperties,
 *   Create/Update/Delete/Describe/ListRefreshSchedules); the older 10-action set leaves a SPICE
 *   owner unable to see or change the schedules this stack creates. Reported with the console's
 *   list in https://github.com/hashicorp/terraform-provider-aws/issues/33907 (and #39219).
 */
import type { CfnValue } from '../types.js';

const qs = (actions: string[]): string[] => actions.map((a) => `quicksight:${a}`);

export const DATA_SOURCE_OWNER_ACTIONS = qs([
  'DescribeDataSource',
  'DescribeDataSourcePermissions',
  'PassDataSource',
  'UpdateDataSource',
  'DeleteDataSource',
  'UpdateDataSourcePermissions',
]);

export const DATA_SET_OWNER_ACTIONS = qs([
  'DescribeDataSet',
  'DescribeDataSetPermissions',
  'PassDataSet',
  'DescribeIngestion',
  'ListIngestions',
  'UpdateDataSet',
  'DeleteDataSet',
  'CreateIngestion',
  'CancelIngestion',
  'UpdateDataSetPermissions',
  'PutDataSetRefreshProperties',
  'DescribeDataSetRefreshProperties',
  'DeleteDataSetRefreshProperties',
  'CreateRefreshSchedule',
  'UpdateRefreshSchedule',
  'DeleteRefreshSchedule',
  'DescribeRefreshSchedule',
  'ListRefreshSchedules',
]);

export const DASHBOARD_OWNER_ACTIONS = qs([
  'DescribeDashboard',
  'ListDashboardVersions',
  'UpdateDashboardPermissions',
  'QueryDashboard',
  'UpdateDashboard',
  'DeleteDashboard',
  'DescribeDashboardPermissions',
  'UpdateDashboardPublishedVersion',
]);

/** One `ResourcePermission` for the principal (a template parameter reference). */
export function ownerPermissions(principal: CfnValue, actions: string[]): CfnValue[] {
  return [{ Principal: principal, Actions: actions }];
}
