/**
 * The health facts of one installation: its stack, its connected stages, the newest object under
 * logs/, failed batches under errors/ in the last day, Firehose and Lambda metrics over the last
 * hour, and the dashboard. Each source that cannot be read (permissions, throttling) is reported
 * as unknown rather than failing the whole status.
 */
import type { AwsServices } from '../../aws/clients.js';
import type { ObjectInfo } from '../../aws/s3.js';
import type { Installation } from '../../core/installations.js';
import { judgeHealth, type Health, type HealthFacts } from '../../core/health.js';
import { OUTPUT_KEYS, BUCKET_PREFIXES } from '../../core/outputs.js';
import { stageKey } from '../../core/stage-patch.js';
import { isAppError } from '../../errors.js';
import type { RunContext } from '../../context.js';
import { s3StateStore } from '../shared/state-store.js';

export interface InstallationHealth extends Health {
  templateVersion: string | null;
  connectedStages: string[];
  newestLog: { key: string; lastModified: string; ageSeconds: number } | null;
  errorObjectsLastDay: number | null;
  metrics: HealthFacts['metrics'];
  /** Present when HTTP or WebSocket stages are connected: the CloudWatch Logs bridge's last hour. */
  bridge?: NonNullable<HealthFacts['bridge']>;
  dashboard: { id: string; url: string | null; status: string | null } | null;
  /** Sources that could not be read, with why. */
  unknown: string[];
}

const DAY_MS = 24 * 3600 * 1000;

function partitionPrefix(t: number): string {
  return `${BUCKET_PREFIXES.logs}dt=${new Date(t).toISOString().slice(0, 10)}/`;
}

async function attempt<T>(label: string, unknown: string[], fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if (isAppError(e) && e.kind === 'cancel') throw e;
    unknown.push(`${label}: ${isAppError(e) ? e.message : e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

export async function collectHealth(
  inst: Installation,
  stagesPointingHere: string[],
  account: string,
  aws: AwsServices,
  ctx: Pick<RunContext, 'now' | 'version'>,
  /** How many of those stages are HTTP or WebSocket stages (logging through the bridge). */
  v2StagesPointingHere = 0,
): Promise<InstallationHealth> {
  const unknown: string[] = [];
  const now = ctx.now();
  const bucket = inst.outputs[OUTPUT_KEYS.bucketName];
  const stream = inst.outputs[OUTPUT_KEYS.deliveryStreamName] ?? inst.streamName;
  const fn = inst.outputs[OUTPUT_KEYS.enrichmentFunctionName];
  const s3 = await aws.s3();
  const owner = { expectedOwner: account };

  let newest: ObjectInfo | null = null;
  let errorsLastDay: number | null = null;
  let drifted = 0;
  const connected = [...stagesPointingHere].sort();
  if (bucket) {
    for (let d = 0; d < 3 && !newest; d++) {
      const keys = await attempt('newest log', unknown, () => s3.listKeys(bucket, partitionPrefix(now - d * DAY_MS), owner));
      if (!keys) break;
      for (const k of keys) if (!newest || (k.lastModified && newest.lastModified && k.lastModified > newest.lastModified)) newest = k;
    }
    const errors = await attempt('errors/', unknown, () => s3.listKeys(bucket, BUCKET_PREFIXES.errors, owner));
    if (errors) errorsLastDay = errors.filter((e) => e.lastModified && now - e.lastModified.getTime() < DAY_MS).length;
    const records = await attempt('connected stages', unknown, () => s3StateStore(s3, bucket, account).list());
    // A stage with a saved record that no longer points here was switched by someone since.
    if (records) drifted = records.map((r) => stageKey(r.record)).filter((k) => !stagesPointingHere.includes(k)).length;
  }

  const bridge = await bridgeFacts(inst, v2StagesPointingHere, aws, now, unknown);
  let metrics: HealthFacts['metrics'] = null;
  if (stream) {
    const cw = await aws.cloudWatch();
    const values = await attempt('CloudWatch metrics', unknown, () =>
      cw.metricTotals(
        [
          { id: 'incoming', namespace: 'AWS/Firehose', metric: 'IncomingRecords', dimensions: { DeliveryStreamName: stream }, stat: 'Sum' },
          { id: 'delivery', namespace: 'AWS/Firehose', metric: 'DeliveryToS3.Success', dimensions: { DeliveryStreamName: stream }, stat: 'Average' },
          { id: 'processing', namespace: 'AWS/Firehose', metric: 'ExecuteProcessing.Success', dimensions: { DeliveryStreamName: stream }, stat: 'Average' },
          ...(fn
            ? [
                { id: 'lambdaErrors', namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: fn }, stat: 'Sum' as const },
                { id: 'lambdaThrottles', namespace: 'AWS/Lambda', metric: 'Throttles', dimensions: { FunctionName: fn }, stat: 'Sum' as const },
              ]
            : []),
        ],
        new Date(now - 3600 * 1000),
        new Date(now),
      ),
    );
    if (values) {
      metrics = {
        incomingRecords: values.incoming ?? null,
        deliverySuccess: values.delivery ?? null,
        processingSuccess: values.processing ?? null,
        lambdaErrors: values.lambdaErrors ?? null,
        lambdaThrottles: values.lambdaThrottles ?? null,
      };
    }
  }

  const dashboardId = inst.outputs[OUTPUT_KEYS.dashboardId];
  let dashboard: InstallationHealth['dashboard'] = null;
  let dashboardFacts: HealthFacts['dashboard'] = null;
  if (dashboardId) {
    const qs = await attempt('dashboard', unknown, async () => (await aws.dashboards()).describeDashboardStatus(account, dashboardId));
    dashboard = { id: dashboardId, url: inst.outputs[OUTPUT_KEYS.dashboardUrl] || null, status: qs?.status ?? null };
    dashboardFacts = { status: qs?.status ?? null, errors: qs?.errors ?? [] };
  }

  const newestLog = newest?.lastModified ? { key: newest.key, lastModified: newest.lastModified.toISOString(), ageSeconds: Math.round((now - newest.lastModified.getTime()) / 1000) } : null;
  const health = judgeHealth({
    stackStatus: inst.stackStatus,
    hasOutputs: Boolean(bucket && inst.outputs[OUTPUT_KEYS.deliveryStreamArn]),
    installedVersion: inst.version,
    cliVersion: ctx.version,
    connectedStages: connected.length,
    driftedStages: drifted,
    newestLog: newestLog ? { key: newestLog.key, lastModified: newestLog.lastModified } : null,
    errorObjectsLastDay: errorsLastDay ?? 0,
    metrics,
    dashboard: dashboardFacts,
    bridge,
    now,
  });
  return {
    ...health,
    ...(bridge ? { bridge } : {}),
    templateVersion: inst.outputs[OUTPUT_KEYS.templateVersion] ?? inst.version,
    connectedStages: connected,
    newestLog,
    errorObjectsLastDay: errorsLastDay,
    metrics,
    dashboard,
    unknown,
  };
}

/** The bridge's last hour, read only when HTTP or WebSocket stages are connected. */
async function bridgeFacts(inst: Installation, connectedStages: number, aws: AwsServices, now: number, unknown: string[]): Promise<HealthFacts['bridge']> {
  const arn = inst.outputs[OUTPUT_KEYS.accessLogGroupArn];
  if (connectedStages === 0 || !arn) return null;
  const LogGroupName = arn.slice(arn.indexOf(':log-group:') + ':log-group:'.length);
  const cw = await aws.cloudWatch();
  // AWS/Logs metrics by log group (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html).
  const metric = (id: string, name: string) => ({ id, namespace: 'AWS/Logs', metric: name, dimensions: { LogGroupName }, stat: 'Sum' as const });
  const values = await attempt('CloudWatch Logs metrics', unknown, () =>
    cw.metricTotals([metric('incoming', 'IncomingLogEvents'), metric('forwarded', 'ForwardedLogEvents'), metric('errors', 'DeliveryErrors')], new Date(now - 3600 * 1000), new Date(now)),
  );
  return {
    connectedStages,
    incomingEvents: values ? (values.incoming ?? 0) : null,
    forwardedEvents: values ? (values.forwarded ?? 0) : null,
    deliveryErrors: values ? (values.errors ?? 0) : null,
  };
}
