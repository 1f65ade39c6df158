/**
 * Names of the QuickSight part of the stack: logical ids, template parameters and conditions, and
 * the QuickSight ids derived from the project name (so two installations in one account and region
 * never collide, which the AWS sample's hard-coded analysis id did).
 */
import type { CfnValue } from '../types.js';
import { PARAMETERS } from '../types.js';

export const QS_LOGICAL_IDS = {
  dataSourceRole: 'QuickSightDataSourceRole',
  dataSource: 'QuickSightDataSource',
  dataSet: 'QuickSightDataSet',
  hourlyDataSet: 'QuickSightHourlyDataSet',
  topDataSet: 'QuickSightTopValuesDataSet',
  /** SPICE refreshes of the rollup datasets (the raw dataset is always a direct query). */
  hourlyIncrementalRefresh: 'QuickSightHourlyIncrementalRefresh',
  hourlyFullRefresh: 'QuickSightHourlyFullRefresh',
  topIncrementalRefresh: 'QuickSightTopValuesIncrementalRefresh',
  topFullRefresh: 'QuickSightTopValuesFullRefresh',
  dashboard: 'QuickSightDashboard',
} as const;

export const QS_PARAMETERS = {
  /** Shared with the CLI: the user or group given owner rights; empty deploys without QuickSight. */
  principalArn: PARAMETERS.quickSightPrincipalArn,
  importMode: 'QuickSightImportMode',
} as const;

export const QS_CONDITIONS = {
  /** The whole QuickSight part: false when QuickSightPrincipalArn is empty (`--no-dashboard`). */
  enabled: 'QuickSightEnabled',
  /** SPICE import with scheduled refreshes. */
  spice: 'QuickSightSpice',
} as const;

const sub = (text: string): CfnValue => ({ 'Fn::Sub': text });

/**
 * QuickSight ids (letters, digits, hyphens and underscores; the project name is already that). The
 * rollup datasets' ids end in `-access-logs` too, so the deploying policy's dataset ARN pattern
 * (src/core/iam/arns.ts) covers them unchanged.
 */
export const QS_IDS = {
  dataSource: sub(`\${${PARAMETERS.projectName}}-athena`),
  dataSet: sub(`\${${PARAMETERS.projectName}}-access-logs`),
  hourlyDataSet: sub(`\${${PARAMETERS.projectName}}-hourly-access-logs`),
  topDataSet: sub(`\${${PARAMETERS.projectName}}-top-access-logs`),
  dashboard: sub(`\${${PARAMETERS.projectName}}-dashboard`),
} as const;

/** The same ids for a known project name (what the CLI and the docs use). */
export function quickSightIds(project: string): { dataSource: string; dataSet: string; hourlyDataSet: string; topDataSet: string; dashboard: string } {
  return {
    dataSource: `${project}-athena`,
    dataSet: `${project}-access-logs`,
    hourlyDataSet: `${project}-hourly-access-logs`,
    topDataSet: `${project}-top-access-logs`,
    dashboard: `${project}-dashboard`,
  };
}

/** The default QuickSight group, as in the AWS sample: `<project>-Admins`. */
export function defaultGroupName(project: string): string {
  return `${project}-Admins`;
}

/** The dashboard URL in the QuickSight console of the region the assets live in. */
export function dashboardUrl(region: string, dashboardId: string): string {
  return `https://${region}.quicksight.aws.amazon.com/sn/dashboards/${encodeURIComponent(dashboardId)}`;
}
