/**
 * Sample HTTP and WebSocket API access logs, as their stages write them with our formats
 * (`accessLogFormatFor`), and the CloudWatch Logs subscription envelopes that carry them into
 * Firehose: base64 in the Firehose record, gzip inside, then
 * `{"messageType":"DATA_MESSAGE","owner","logGroup","logStream","subscriptionFilters","logEvents":[{"id","timestamp","message"}]}`
 * ("Using CloudWatch Logs subscription filters", log data format:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html). CloudWatch
 * Logs also sends a CONTROL_MESSAGE when the subscription is created, to check the destination.
 *
 * Values come from the seeded REST generator (times, callers, statuses, latencies), so the v2 rows
 * look like the REST ones; the kind's own fields (route keys, WebSocket connections, events and
 * message ids) are added here. Deterministic: the same options give the same bytes.
 */
import { gzipSync } from 'node:zlib';
import { accessLogFormatFor, fieldsFor, type V2Kind } from '../src/core/log-format.js';
import { SAMPLE_ACCOUNT_ID, generateAccessLogRecords, type RawAccessLogRecord, type SampleOptions } from './sample-data.js';

/** The installation's access-log group for the sample project (src/template/bridge.ts). */
export const SAMPLE_V2_LOG_GROUP = '/aws/vendedlogs/apigw-log-analytics/sample';

const HTTP_API_ID = 'h7tpapi001';
const WS_API_ID = 'w5ocket001';
const WS_ROUTES: ReadonlyArray<[string, number]> = [
  ['sendMessage', 6],
  ['joinRoom', 2],
  ['$default', 1],
];

/** A small deterministic sequence (xorshift) for the v2-only choices. */
function sequence(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const id = (next: () => number, length: number): string =>
  Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(next() * 62)]).join('');

/** The line a stage of `kind` writes for a record: the kind's format with each value substituted. */
export function formatV2Line(kind: V2Kind, record: RawAccessLogRecord): string {
  const byVariable = new Map(fieldsFor(kind).map((f) => [f.variable, f]));
  // As API Gateway writes it: values as they are (unescaped), the already-quoted variables quoted.
  return accessLogFormatFor(kind).replace(/\$context\.([A-Za-z0-9_.]+)/g, (_m, variable: string) => {
    const field = byVariable.get(variable);
    const value = field === undefined ? '-' : (record[field.key] ?? '-');
    return field?.quoted ? JSON.stringify(value) : value;
  });
}

function httpRecord(base: RawAccessLogRecord): RawAccessLogRecord {
  const route = base.resourcePath && base.resourcePath !== '-' ? `${base.httpMethod} ${base.resourcePath}` : '$default';
  const status = Number(base.status);
  return {
    ...base,
    apiId: HTTP_API_ID,
    stage: '$default',
    routeKey: route,
    domainName: `${HTTP_API_ID}.execute-api.us-east-1.amazonaws.com`,
    domainPrefix: HTTP_API_ID,
    integrationError: status >= 500 && base.errorResponseType !== '-' ? 'The Lambda function returned an error' : '-',
  };
}

/** WebSocket records: connections of a CONNECT, a few MESSAGEs and a DISCONNECT each. */
function webSocketRecords(bases: readonly RawAccessLogRecord[], seed: number): RawAccessLogRecord[] {
  const next = sequence(seed);
  const out: RawAccessLogRecord[] = [];
  let i = 0;
  while (i < bases.length) {
    const size = Math.min(bases.length - i, 3 + Math.floor(next() * 6));
    const connectionId = `${id(next, 14)}=`;
    const connectedAt = bases[i]!.requestTimeEpoch ?? '-';
    for (let j = 0; j < size; j++, i++) {
      const base = bases[i]!;
      const eventType = j === 0 ? 'CONNECT' : j === size - 1 ? 'DISCONNECT' : 'MESSAGE';
      let routeKey = eventType === 'CONNECT' ? '$connect' : eventType === 'DISCONNECT' ? '$disconnect' : 'sendMessage';
      if (eventType === 'MESSAGE') {
        let pick = next() * WS_ROUTES.reduce((n, [, w]) => n + w, 0);
        for (const [name, w] of WS_ROUTES) if ((pick -= w) < 0) { routeKey = name; break; }
      }
      // The status of the route's integration response; a failing backend answers 500.
      const status = Number(base.status) >= 500 ? '500' : '200';
      out.push({
        ...base,
        apiId: WS_API_ID,
        stage: 'production',
        domainName: `${WS_API_ID}.execute-api.us-east-1.amazonaws.com`,
        routeKey,
        status,
        eventType,
        connectionId,
        connectedAt,
        messageId: eventType === 'MESSAGE' ? `${id(next, 14)}=` : '-',
        integrationError: status === '500' ? 'Internal server error' : '-',
        errorMessage: status === '500' ? 'Internal server error' : '-',
        errorResponseType: status === '500' ? 'INTEGRATION_FAILURE' : '-',
      });
    }
  }
  return out;
}

/** Raw HTTP or WebSocket access-log lines (no trailing newline: one CloudWatch Logs event each). */
export function generateV2Lines(kind: V2Kind, options: SampleOptions): string[] {
  const bases = generateAccessLogRecords({ ...options, seed: (options.seed ?? 1) + (kind === 'HTTP' ? 101 : 202) });
  const records = kind === 'HTTP' ? bases.map(httpRecord) : webSocketRecords(bases, (options.seed ?? 1) + 303);
  return records.map((r) => formatV2Line(kind, r));
}

export interface EnvelopeOptions {
  logGroup?: string;
  logStream?: string;
  /** Timestamp of the first event, epoch ms (each next one 1 ms later unless the line says). */
  timestampMs?: number;
}

export interface LogEvent {
  id: string;
  timestamp: number;
  message: string;
}

/** The JSON a subscription delivers, before gzip. */
export function dataMessage(messages: readonly string[], options: EnvelopeOptions = {}): string {
  const start = options.timestampMs ?? Date.UTC(2025, 0, 6);
  const logEvents: LogEvent[] = messages.map((message, i) => ({
    // Event ids are 56-digit decimal strings; any unique string serves the tests.
    id: String(37_000_000_000 + start + i).padStart(56, '3'),
    timestamp: start + i,
    message,
  }));
  return JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: SAMPLE_ACCOUNT_ID,
    logGroup: options.logGroup ?? SAMPLE_V2_LOG_GROUP,
    logStream: options.logStream ?? 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4',
    subscriptionFilters: ['apigw-log-analytics-to-firehose'],
    logEvents,
  });
}

/** A DATA_MESSAGE envelope, gzip-compressed, as a subscription record's bytes. */
export function cloudWatchEnvelope(messages: readonly string[], options: EnvelopeOptions = {}): Buffer {
  return gzipSync(dataMessage(messages, options));
}

/** The CONTROL_MESSAGE CloudWatch Logs sends to check that the destination is reachable. */
export function controlEnvelope(options: EnvelopeOptions = {}): Buffer {
  return gzipSync(
    JSON.stringify({
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: options.timestampMs ?? Date.UTC(2025, 0, 6), message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
    }),
  );
}

/** Lines grouped into envelopes of at most `perEnvelope` events. */
export function envelopes(lines: readonly string[], perEnvelope: number, options: EnvelopeOptions = {}): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < lines.length; i += perEnvelope) {
    out.push(cloudWatchEnvelope(lines.slice(i, i + perEnvelope), { ...options, timestampMs: (options.timestampMs ?? Date.UTC(2025, 0, 6)) + i }));
  }
  return out;
}
