/**
 * The one-line verdict of `status`: healthy, no data yet, degraded or broken, with the reason,
 * decided from facts gathered elsewhere (pure, so every verdict is unit-tested).
 */

export type Verdict = 'healthy' | 'no data yet' | 'degraded' | 'broken';

export interface HealthFacts {
  stackStatus: string;
  /** The outputs the CLI needs are present. */
  hasOutputs: boolean;
  installedVersion: string | null;
  cliVersion: string;
  connectedStages: number;
  /** Connected stages whose settings someone changed since. */
  driftedStages: number;
  newestLog: { key: string; lastModified: string } | null;
  /** Objects Firehose wrote under errors/ in the last 24 hours (processing or delivery failures). */
  errorObjectsLastDay: number;
  metrics: {
    incomingRecords: number | null;
    /** Average of DeliveryToS3.Success over the last hour (1 = all delivered). */
    deliverySuccess: number | null;
    /** Average of ExecuteProcessing.Success (1 = every Lambda call worked). */
    processingSuccess: number | null;
    lambdaErrors: number | null;
    lambdaThrottles: number | null;
  } | null;
  dashboard: { status: string | null; errors: string[] } | null;
  /**
   * The CloudWatch Logs bridge, when HTTP or WebSocket stages are connected: the access-log
   * group's events over the last hour (AWS/Logs IncomingLogEvents), those forwarded to the stream
   * (ForwardedLogEvents) and those the subscription could not deliver (DeliveryErrors).
   */
  bridge?: { connectedStages: number; incomingEvents: number | null; forwardedEvents: number | null; deliveryErrors: number | null } | null;
  now: number;
}

export interface Health {
  verdict: Verdict;
  reason: string;
  /** Every problem found, worst first. */
  problems: string[];
  upgrade: 'available' | 'current' | 'newer-than-cli' | 'unknown';
}

const STABLE_OK = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
const BROKEN = /ROLLBACK_COMPLETE$|_FAILED$|^DELETE/;

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

export function judgeHealth(f: HealthFacts): Health {
  const upgrade: Health['upgrade'] = !f.installedVersion
    ? 'unknown'
    : compareVersions(f.cliVersion, f.installedVersion) > 0
      ? 'available'
      : compareVersions(f.cliVersion, f.installedVersion) < 0
        ? 'newer-than-cli'
        : 'current';
  const broken: string[] = [];
  const degraded: string[] = [];
  if (f.stackStatus === 'UPDATE_ROLLBACK_COMPLETE') degraded.push('the last upgrade failed and was rolled back (the previous version still runs)');
  else if (BROKEN.test(f.stackStatus) && f.stackStatus !== 'UPDATE_ROLLBACK_COMPLETE') broken.push(`the stack is ${f.stackStatus}`);
  else if (f.stackStatus.endsWith('_IN_PROGRESS') || f.stackStatus === 'REVIEW_IN_PROGRESS') degraded.push(`the stack is ${f.stackStatus}`);
  else if (!STABLE_OK.has(f.stackStatus)) degraded.push(`the stack is ${f.stackStatus}`);
  if (!f.hasOutputs && broken.length === 0) broken.push('the stack has none of the outputs the CLI needs');
  if (f.errorObjectsLastDay > 0) degraded.push(`${f.errorObjectsLastDay} failed batch${f.errorObjectsLastDay === 1 ? '' : 'es'} under errors/ in the last day (records the pipeline could not process or deliver)`);
  const m = f.metrics;
  if (m?.lambdaErrors) degraded.push(`the enrichment Lambda failed ${m.lambdaErrors} time${m.lambdaErrors === 1 ? '' : 's'} in the last hour`);
  if (m?.lambdaThrottles) degraded.push(`the enrichment Lambda was throttled ${m.lambdaThrottles} time${m.lambdaThrottles === 1 ? '' : 's'} in the last hour`);
  if (m?.processingSuccess !== null && m?.processingSuccess !== undefined && m.processingSuccess < 1) degraded.push(`Firehose processing succeeded ${(m.processingSuccess * 100).toFixed(1)}% of the time in the last hour`);
  if (m?.deliverySuccess !== null && m?.deliverySuccess !== undefined && m.deliverySuccess < 1) degraded.push(`Firehose delivered to S3 ${(m.deliverySuccess * 100).toFixed(1)}% of the time in the last hour`);
  if (f.dashboard && f.dashboard.status && /FAILED/.test(f.dashboard.status)) degraded.push(`the dashboard is ${f.dashboard.status}${f.dashboard.errors.length ? `: ${f.dashboard.errors.join('; ')}` : ''}`);
  const b = f.bridge;
  if (b && b.connectedStages > 0) {
    if (b.deliveryErrors) degraded.push(`${b.deliveryErrors} HTTP/WebSocket access-log event${b.deliveryErrors === 1 ? '' : 's'} could not be forwarded from CloudWatch Logs to Firehose in the last hour`);
    else if (b.incomingEvents && b.forwardedEvents === 0) degraded.push('HTTP/WebSocket access logs reach the log group but none was forwarded to Firehose in the last hour');
  }
  if (f.driftedStages > 0) degraded.push(`${f.driftedStages} connected stage${f.driftedStages === 1 ? ' was' : 's were'} pointed elsewhere since`);
  // Not a fault by itself (an idle API writes nothing), so said, not judged.
  const notes = b && b.connectedStages > 0 && b.incomingEvents === 0 ? [`no HTTP/WebSocket access log reached the log group in the last hour (${b.connectedStages} stage${b.connectedStages === 1 ? '' : 's'} connected: idle, or logging changed)`] : [];
  const problems = [...broken, ...degraded, ...notes];
  if (broken.length > 0) return { verdict: 'broken', reason: broken[0] as string, problems, upgrade };
  if (degraded.length > 0) return { verdict: 'degraded', reason: degraded[0] as string, problems, upgrade };
  if (!f.newestLog) {
    return {
      verdict: 'no data yet',
      reason: f.connectedStages === 0 ? 'no stage is connected (run connect-stage)' : 'no access logs delivered in the last 3 days; they arrive about a minute after a request',
      problems,
      upgrade,
    };
  }
  const age = f.now - Date.parse(f.newestLog.lastModified);
  return { verdict: 'healthy', reason: `newest access log delivered ${ageText(age)} ago`, problems, upgrade };
}
