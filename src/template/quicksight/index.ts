/**
 * The QuickSight half of the stack: the Athena data source with its run-as role, the dataset over
 * the Glue table, the dashboard built from a typed definition, and the condition that turns all of
 * it off. The stack builder merges this fragment with the data pipeline's; the two meet only
 * through the logical ids in LOGICAL_IDS and the shared parameters (ProjectName is declared by
 * the pipeline, QuickSightPrincipalArn here).
 */
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { PARAMETERS, type CfnOutput, type CfnParameter, type TemplateFragment } from '../types.js';
import { QS_CONDITIONS, QS_IDS, QS_LOGICAL_IDS, QS_PARAMETERS } from './names.js';
import { dashboard, dataSets, dataSource, dataSourceRole, refreshSchedules } from './resources.js';

export { QS_CONDITIONS, QS_IDS, QS_LOGICAL_IDS, QS_PARAMETERS, defaultGroupName, dashboardUrl, quickSightIds } from './names.js';

/** A QuickSight user or group ARN, or empty. Users of IAM roles have a `/` in their name. */
export const PRINCIPAL_ARN_PATTERN = '^$|^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:[0-9]{12}:(user|group)/[^/]+/.+$';

const PARAMETER_DEFINITIONS: Record<string, CfnParameter> = {
  [QS_PARAMETERS.principalArn]: {
    Type: 'String',
    Default: '',
    AllowedPattern: PRINCIPAL_ARN_PATTERN,
    ConstraintDescription: 'a QuickSight user or group ARN (arn:aws:quicksight:<identity region>:<account>:group/default/<name>), or empty',
    Description:
      'QuickSight group or user that owns the data source, dataset and dashboard, as an ARN in the QuickSight identity region. Leave empty to deploy without QuickSight.',
  },
  [QS_PARAMETERS.importMode]: {
    Type: 'String',
    Default: 'DIRECT_QUERY',
    AllowedValues: ['DIRECT_QUERY', 'SPICE'],
    Description:
      'How the rollup datasets (every aggregate visual) are read. DIRECT_QUERY runs Athena queries on the small hourly tables when the dashboard is viewed. SPICE imports them, refreshed hourly (incremental) and weekly (full); it needs SPICE capacity. The raw-requests sheet is always a direct query.',
  },
};

const sub = (text: string) => ({ 'Fn::Sub': text });

function outputs(): Record<string, CfnOutput> {
  const out = (Description: string, Value: unknown): CfnOutput => ({ Description, Value, Condition: QS_CONDITIONS.enabled });
  return {
    [OUTPUT_KEYS.dataSourceId]: out('QuickSight data source id (absent without QuickSight)', QS_IDS.dataSource),
    [OUTPUT_KEYS.dataSetId]: out('QuickSight dataset id (absent without QuickSight)', QS_IDS.dataSet),
    [OUTPUT_KEYS.dashboardId]: out('QuickSight dashboard id (absent without QuickSight)', QS_IDS.dashboard),
    [OUTPUT_KEYS.dashboardUrl]: out(
      'QuickSight dashboard (absent without QuickSight)',
      sub(`https://\${AWS::Region}.quicksight.aws.amazon.com/sn/dashboards/\${${PARAMETERS.projectName}}-dashboard`),
    ),
  };
}

/** The QuickSight resources, parameters, conditions and outputs of the stack. */
export function quickSightFragment(): TemplateFragment {
  return {
    Parameters: PARAMETER_DEFINITIONS,
    Conditions: {
      [QS_CONDITIONS.enabled]: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: QS_PARAMETERS.principalArn }, ''] }] },
      [QS_CONDITIONS.spice]: {
        'Fn::And': [{ Condition: QS_CONDITIONS.enabled }, { 'Fn::Equals': [{ Ref: QS_PARAMETERS.importMode }, 'SPICE'] }],
      },
    },
    Resources: {
      [QS_LOGICAL_IDS.dataSourceRole]: dataSourceRole(),
      [QS_LOGICAL_IDS.dataSource]: dataSource(),
      ...dataSets(),
      ...refreshSchedules(),
      [QS_LOGICAL_IDS.dashboard]: dashboard(),
    },
    Outputs: outputs(),
  };
}
