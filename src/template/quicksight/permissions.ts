/**
 * QuickSight permission sets. QuickSight accepts only whole sets of actions (those its console
 * grants), so these are the console's owner sets, verbatim: the principal can open, edit, share
 * and delete each asset, and save the dashboard as an analysis to customise it.
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
