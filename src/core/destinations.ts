/** Where a stage's access logs go today, decided from the destination ARN alone. */

export type AccessLogDestination =
  | { kind: 'none' }
  | { kind: 'cloudwatch'; destinationArn: string; logGroup: string }
  | { kind: 'firehose'; destinationArn: string; streamName: string }
  | { kind: 'installation'; destinationArn: string; streamName: string; project: string }
  | { kind: 'other'; destinationArn: string };

export interface KnownStream {
  project: string;
  streamName: string;
  /** Present when the installation's outputs give it; compared when set. */
  streamArn?: string;
  /** The installation's log group for HTTP and WebSocket stages (absent on older stacks). */
  logGroupArn?: string;
}

/** A log group ARN without the `:*` that some APIs append. */
const bareLogGroupArn = (arn: string): string => arn.replace(/:\*$/, '');

const LOGS_RE = /^arn:aws[\w-]*:logs:[^:]*:\d*:log-group:(.+?)(?::\*)?$/;
const FIREHOSE_RE = /^arn:aws[\w-]*:firehose:([^:]*):(\d*):deliverystream\/(.+)$/;

export function classifyDestination(arn: string | undefined, ours: readonly KnownStream[]): AccessLogDestination {
  if (!arn) return { kind: 'none' };
  const logs = LOGS_RE.exec(arn);
  if (logs?.[1]) {
    const mine = ours.find((k) => k.logGroupArn !== undefined && bareLogGroupArn(k.logGroupArn) === bareLogGroupArn(arn));
    if (mine) return { kind: 'installation', destinationArn: arn, streamName: mine.streamName, project: mine.project };
    return { kind: 'cloudwatch', destinationArn: arn, logGroup: logs[1] };
  }
  const fh = FIREHOSE_RE.exec(arn);
  if (fh?.[3]) {
    const name = fh[3];
    const mine = ours.find((k) => (k.streamArn ? k.streamArn === arn : k.streamName === name));
    if (mine) return { kind: 'installation', destinationArn: arn, streamName: name, project: mine.project };
    return { kind: 'firehose', destinationArn: arn, streamName: name };
  }
  return { kind: 'other', destinationArn: arn };
}

export function describeDestination(d: AccessLogDestination): string {
  switch (d.kind) {
    case 'none':
      return 'not logging';
    case 'cloudwatch':
      return `CloudWatch Logs ${d.logGroup}`;
    case 'firehose':
      return `Firehose ${d.streamName}`;
    case 'installation':
      return `apigw-log-analytics (${d.project})`;
    case 'other':
      return d.destinationArn;
  }
}

/** Saved access-log settings in words ("CloudWatch Logs /api/orders", or "no access logs"). */
export function describeSettings(s: { destinationArn: string } | null): string {
  return s ? describeDestination(classifyDestination(s.destinationArn, [])) : 'no access logs';
}
