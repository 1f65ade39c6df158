/**
 * The dashboard: seven sheets (overview, errors, consumers and quota, authentication, latency,
 * WebSocket, raw requests), every sheet filtered by the same controls (API kind among them), built from the typed helpers. It covers
 * every visual and control of the AWS sample's dashboard (seed-sample.md §3) with its defects
 * fixed, plus error rates, latency percentiles, authentication methods, WAF decisions and top
 * clients. test/quicksight/ holds it to that, visual by visual.
 *
 * Each visual reads one dataset (datasets.ts): the aggregate visuals the hourly rollup, the "top"
 * visuals the hourly top values, and the raw-requests sheet the raw table, in a narrow window of
 * its own, so that no sheet load scans the raw table's days (docs/dashboard.md, `npm run bench -- scan`).
 */
import type { DashboardVersionDefinition, FilterGroup, SheetDefinition } from '@aws-sdk/client-quicksight';
import { DERIVED, LOG_HOUR_COLUMN } from '../columns.js';
import { DATASET_IDS, type DatasetId } from '../datasets.js';
import { CALCULATED_FIELDS as C, calculatedFields, LOG_DATE, numericalDimension, numericMeasure, percentile, PERCENTILES, rate, requestCount, timeMeasure } from './fields.js';
import { allVisualsOf, crossSheetControl, fixed, lastHoursFilter, relativeDateTimeControl, selectedVisuals, sheetFilter, sheetTextFilter, textFieldControl, type SheetFilter } from './filters.js';
import { SheetBuilder } from './layout.js';
import { bar, dim, donut, kpi, line, rawTable, table, type LabelledDimension, type LabelledMeasure } from './visuals.js';

const H = DATASET_IDS.hourly;
const T = DATASET_IDS.top;
const L = DATASET_IDS.logs;

export const SHEETS = {
  overview: { id: 'overview', name: 'Overview', description: 'Traffic, errors and latency at a glance.' },
  errors: { id: 'errors', name: 'Errors', description: 'Client (4xx) and server (5xx) errors: when, where and why.' },
  consumers: {
    id: 'consumers',
    name: 'Consumers & quota',
    description:
      'Usage per usage plan, customer and API key; quota exceeded and throttled requests side by side. REST APIs only: HTTP APIs have no usage plans or API keys, so their requests are not counted here.',
  },
  authentication: {
    id: 'authentication',
    name: 'Authentication',
    description: 'How callers authenticate (IAM, Cognito, JWT, Lambda authorizer, API key), failures, and WAF decisions (REST APIs only: HTTP and WebSocket access logs carry no WAF decision).',
  },
  latency: { id: 'latency', name: 'Latency', description: 'p50, p90 and p99 of response, integration and authorizer latency.' },
  websocket: {
    id: 'websocket',
    name: 'WebSocket',
    description:
      'WebSocket APIs only: connections, messages and disconnects over time, by route key, and how disconnects ended (status and error; API Gateway logs no other disconnect reason).',
  },
  raw: { id: 'raw', name: 'Raw requests', description: 'One row per request, newest first. Use the request id control to find one.' },
} as const;

export type SheetKey = keyof typeof SHEETS;

/** The controls on every sheet, in the order they appear. Each drives one cross-sheet filter. */
export const SHEET_FILTERS: readonly SheetFilter[] = [
  { id: 'filter-date', title: 'Date (UTC)', column: LOG_DATE, kind: 'relative-date', dataset: H },
  { id: 'filter-api-kind', title: 'API kind (REST, HTTP, WebSocket)', column: 'apikind', kind: 'dropdown', dataset: H },
  { id: 'filter-domain', title: 'Domain', column: 'domainname', kind: 'dropdown', dataset: H },
  { id: 'filter-stage', title: 'Stage', column: 'stage', kind: 'dropdown', dataset: H },
  { id: 'filter-status', title: 'Status code', column: DERIVED.statusCode.name, kind: 'dropdown', dataset: H },
  { id: 'filter-route', title: 'Route', column: DERIVED.route.name, kind: 'dropdown', dataset: H },
  { id: 'filter-usage-plan', title: 'Usage plan', column: 'usageplanname', kind: 'dropdown', dataset: H },
  { id: 'filter-consumer', title: 'Customer or API key', column: DERIVED.consumer.name, kind: 'dropdown', dataset: H },
  { id: 'filter-ip', title: 'Client IP contains', column: 'ip', kind: 'text', dataset: L },
  { id: 'filter-caller', title: 'User (IAM or Cognito) contains', column: DERIVED.caller.name, kind: 'text', dataset: L },
];

/** The date filter: the one every visual must obey. */
export const DATE_FILTER_ID = 'filter-date';
/** Default range of the date control. */
export const DEFAULT_DAYS = 7;
/** The raw sheet's own control: an exact request id. */
export const REQUEST_ID_FILTER = { id: 'filter-request-id', title: 'Request id', column: 'requestid' } as const;
/**
 * The raw sheet's window: the last hour's partitions (`loghour`, from the dt and hour partitions),
 * with its own control, so a load reads one or two hours of the raw table, not the date control's days.
 */
export const RAW_WINDOW_FILTER = { id: 'filter-raw-hours', title: 'Hours (UTC)', column: LOG_HOUR_COLUMN, lastHours: 1 } as const;

/** Placeholders the template builder replaces with the datasets' ARNs (`Fn::GetAtt`). */
export const DATASET_ARN_PLACEHOLDERS: Readonly<Record<DatasetId, string>> = {
  logs: 'arn:aws:quicksight:region:000000000000:dataset/placeholder-logs',
  hourly: 'arn:aws:quicksight:region:000000000000:dataset/placeholder-hourly',
  top: 'arn:aws:quicksight:region:000000000000:dataset/placeholder-top',
};

/**
 * How the top-values visuals say what they count (src/core/top-values.ts), and which controls reach
 * them: date and stage always, and the client IP or user control where the values are IPs or callers.
 */
const topNote = (control?: 'client IP' | 'user'): string =>
  `Requests in the hours each was among that hour's 1,000 busiest (per API and stage); follows the date, stage${control ? ` and ${control}` : ''} controls only`;

// Labelled field shorthands.
const requests: LabelledMeasure = [requestCount, 'Requests'];
const percentiles = (metric: string, what: string): LabelledMeasure[] => PERCENTILES.map((p) => [(ids) => percentile(ids, metric, p), `${what} p${p} (ms)`]);
const summed = (columnName: string, label: string): LabelledMeasure => [(ids) => numericMeasure(ids, columnName, 'SUM'), label];
const text = (columnName: string, label: string): LabelledDimension => [dim.text(columnName), label];
const number = (columnName: string, label: string): LabelledDimension => [(ids) => numericalDimension(ids, columnName), label];
const hour: LabelledDimension = [dim.time('HOUR'), 'Hour (UTC)'];
const day: LabelledDimension = [dim.time('DAY'), 'Day (UTC)'];
const route = text(DERIVED.route.name, 'Route');
const statusCode = text(DERIVED.statusCode.name, 'Status');
const statusClass = text(C.statusClass.name, 'Status class');
const domain = text('domainname', 'Domain');
const usagePlan = text('usageplanname', 'Usage plan');
const consumer = text(DERIVED.consumer.name, 'Customer or API key');
const firstLastSeen: LabelledMeasure[] = [
  [(ids) => timeMeasure(ids, 'MIN'), 'First seen (UTC)'],
  [(ids) => timeMeasure(ids, 'MAX'), 'Last seen (UTC)'],
];

const p90 = (metric: string, label: string): LabelledMeasure => [(ids) => percentile(ids, metric, 90), label];

function overview(): SheetBuilder {
  const s = SHEETS.overview.id;
  const k = (id: string, title: string) => ({ id: `${s}-${id}`, title, dataset: H });
  return new SheetBuilder(SHEETS.overview)
    .row(5, [
      [kpi(k('kpi-requests', 'Requests'), requestCount), 5],
      [kpi(k('kpi-2xx', '2xx responses'), requestCount), 5],
      [kpi(k('kpi-4xx', '4xx client errors'), requestCount), 5],
      [kpi(k('kpi-5xx', '5xx server errors'), requestCount), 5],
      [kpi(k('kpi-response-p90', 'Response latency p90 (ms)'), (ids) => percentile(ids, 'responselatency', 90)), 5],
      [kpi(k('kpi-integration-p90', 'Integration latency p90 (ms)'), (ids) => percentile(ids, 'integrationlatency', 90)), 5],
      [kpi(k('kpi-authorizer-p90', 'Authorizer latency p90 (ms)'), (ids) => percentile(ids, 'authorizerlatency', 90)), 6],
    ])
    .row(9, [
      [line({ ...k('requests-by-class', 'Requests per hour by status class'), granularity: 'HOUR', values: [requests], colorBy: statusClass }), 24],
      [donut({ ...k('status-codes', 'Requests by status code'), category: statusCode, value: requests }), 12],
    ])
    .row(9, [
      [
        line({
          ...k('error-rate', 'Error rate per hour'),
          subtitle: 'Share of requests answered with 4xx and with 5xx',
          granularity: 'HOUR',
          values: [
            [(ids) => rate(ids, C.clientErrorRate.name), '4xx rate'],
            [(ids) => rate(ids, C.serverErrorRate.name), '5xx rate'],
          ],
        }),
        18,
      ],
      [bar({ ...k('top-domains', 'Top domains'), category: domain, values: [requests] }), 18],
    ])
    .row(10, [[line({ ...k('requests-by-domain', 'Requests per hour by domain'), granularity: 'HOUR', values: [requests], colorBy: domain }), 36]])
    .row(10, [
      [
        line({
          ...k('requests-by-route', 'Requests per hour by route'),
          subtitle: 'Route = method and resource path, for example GET /pets/{petId}',
          granularity: 'HOUR',
          values: [requests],
          colorBy: route,
        }),
        36,
      ],
    ])
    .row(10, [
      [bar({ ...k('top-routes', 'Top routes'), category: route, values: [requests] }), 18],
      [bar({ id: `${s}-top-ips`, dataset: T, title: 'Top client IPs (busiest per hour)', subtitle: topNote('client IP'), category: text('ip', 'Client IP'), values: [requests] }), 18],
    ]);
}

function errors(): SheetBuilder {
  const s = SHEETS.errors.id;
  const k = (id: string, title: string) => ({ id: `${s}-${id}`, title, dataset: H });
  const byRoute = (id: string, title: string) =>
    bar({ ...k(id, title), category: route, values: [requests], colorBy: statusCode, orientation: 'VERTICAL', arrangement: 'STACKED' });
  return new SheetBuilder(SHEETS.errors)
    .row(9, [
      [line({ ...k('over-time', 'Errors per hour by status code'), granularity: 'HOUR', values: [requests], colorBy: statusCode }), 18],
      [
        bar({
          ...k('by-response-type', 'Errors by type'),
          subtitle: 'Why API Gateway answered itself: quota, throttling, unauthorized, invalid signature, access denied…',
          category: text(C.errorType.name, 'Error type'),
          values: [requests],
        }),
        18,
      ],
    ])
    .row(10, [
      [byRoute('4xx-by-route', '4xx errors by route'), 18],
      [byRoute('5xx-by-route', '5xx errors by route'), 18],
    ])
    .row(10, [
      [
        table({
          ...k('4xx-table', 'Client errors (4xx)'),
          groupBy: [hour, statusCode, domain, text('httpmethod', 'Method'), route, text('errorresponsetype', 'Gateway response type'), text('errormessage', 'Error message')],
          values: [requests],
          sortByTimeDesc: true,
        }),
        36,
      ],
    ])
    .row(10, [
      [
        table({
          ...k('5xx-table', 'Server errors (5xx)'),
          subtitle: 'Integration status is what the backend returned; empty when API Gateway never reached it',
          groupBy: [hour, statusCode, domain, route, number('integrationstatus', 'Integration status'), text('errormessage', 'Error message')],
          values: [requests, p90('integrationlatency', 'Integration latency p90 (ms)')],
          sortByTimeDesc: true,
        }),
        36,
      ],
    ]);
}

function consumers(): SheetBuilder {
  const s = SHEETS.consumers.id;
  const k = (id: string, title: string) => ({ id: `${s}-${id}`, title, dataset: H });
  const userAgent = text('value', 'User agent');
  return new SheetBuilder(SHEETS.consumers)
    .row(9, [
      [line({ ...k('by-plan', 'Requests per day by usage plan'), granularity: 'DAY', values: [requests], colorBy: usagePlan }), 18],
      [line({ ...k('by-key', 'Requests per day by customer or API key'), granularity: 'DAY', values: [requests], colorBy: consumer }), 18],
    ])
    .row(9, [
      [
        line({
          ...k('limits-over-time', 'Quota exceeded and throttled requests per hour'),
          subtitle: 'Both answer 429: quota is the usage plan\'s period limit, throttling its (or the stage\'s) rate limit',
          granularity: 'HOUR',
          values: [requests],
          colorBy: text(C.limitEvent.name, 'Limit'),
        }),
        18,
      ],
      [bar({ ...k('top', 'Top customers and API keys'), category: consumer, values: [requests] }), 18],
    ])
    .row(10, [
      [
        table({
          ...k('usage-table', 'Usage by usage plan and customer'),
          groupBy: [day, usagePlan, consumer, text('apikeyname', 'API key'), domain, route, statusClass],
          values: [requests],
          sortByTimeDesc: true,
        }),
        36,
      ],
    ])
    .row(9, [
      [
        table({
          ...k('limits-table', 'Quota and throttling events'),
          groupBy: [domain, usagePlan, consumer, route, text(C.limitEvent.name, 'Limit'), text('errormessage', 'Error message')],
          values: [...firstLastSeen, requests],
          sortByValue: 2,
        }),
        36,
      ],
    ])
    .row(9, [
      [
        line({
          id: `${s}-user-agents-over-time`,
          dataset: T,
          title: 'Requests per day by user agent (busiest per hour)',
          subtitle: topNote(),
          granularity: 'DAY',
          values: [requests],
          colorBy: userAgent,
        }),
        18,
      ],
      [bar({ id: `${s}-top-user-agents`, dataset: T, title: 'Top user agents (busiest per hour)', subtitle: topNote(), category: userAgent, values: [requests] }), 18],
    ]);
}

/** A top-callers table from the top values: caller, detail, requests, 4xx, 5xx, first and last seen. */
function topCallers(id: string, title: string, caller: string, detail: string) {
  return table({
    id,
    dataset: T,
    title,
    subtitle: topNote('user'),
    groupBy: [text(DERIVED.caller.name, caller), text('detail', detail)],
    values: [requests, summed('client_errors', '4xx'), summed('server_errors', '5xx'), ...firstLastSeen],
    sortByValue: 0,
  });
}

function authentication(): SheetBuilder {
  const s = SHEETS.authentication.id;
  const k = (id: string, title: string) => ({ id: `${s}-${id}`, title, dataset: H });
  const authMethod = text('authmethod', 'Authentication');
  return new SheetBuilder(SHEETS.authentication)
    .row(9, [
      [donut({ ...k('methods', 'Requests by authentication method'), category: authMethod, value: requests }), 12],
      [line({ ...k('methods-over-time', 'Requests per hour by authentication method'), granularity: 'HOUR', values: [requests], colorBy: authMethod }), 24],
    ])
    .row(9, [
      [line({ ...k('failures-over-time', 'Authentication failures per hour (401, 403)'), granularity: 'HOUR', values: [requests], colorBy: statusCode }), 18],
      [bar({ ...k('failures-by-type', 'Failures by gateway response type'), category: text('errorresponsetype', 'Gateway response type'), values: [requests] }), 18],
    ])
    .row(9, [
      [
        line({
          ...k('waf-over-time', 'WAF decisions per hour'),
          subtitle: 'REST API stages with a web ACL only',
          granularity: 'HOUR',
          values: [requests],
          colorBy: text('wafresponsecode', 'WAF decision'),
        }),
        18,
      ],
      [bar({ id: `${s}-waf-blocked-ips`, dataset: T, title: 'Top IPs blocked by WAF (busiest per hour)', subtitle: topNote('client IP'), category: text('ip', 'Client IP'), values: [requests] }), 18],
    ])
    .row(8, [[topCallers(`${s}-cognito-table`, 'Top Cognito user pool callers (busiest per hour)', 'User (sub)', 'App client id'), 36]])
    .row(8, [[topCallers(`${s}-iam-table`, 'Top IAM (SigV4) callers (busiest per hour)', 'Caller ARN', 'Caller account'), 36]])
    .row(8, [
      [
        table({
          ...k('failures-table', 'Authentication and authorization failures'),
          groupBy: [domain, statusCode, text('errorresponsetype', 'Gateway response type'), text('httpmethod', 'Method'), route, usagePlan],
          values: [...firstLastSeen, requests],
          sortByValue: 2,
        }),
        36,
      ],
    ]);
}

function latency(): SheetBuilder {
  const s = SHEETS.latency.id;
  const k = (id: string, title: string) => ({ id: `${s}-${id}`, title, dataset: H });
  const all = [requests, ...percentiles('responselatency', 'Response'), ...percentiles('integrationlatency', 'Integration'), ...percentiles('authorizerlatency', 'Authorizer')];
  const overTime = (id: string, title: string, metric: string, what: string, subtitle?: string) =>
    line({ ...k(id, title), ...(subtitle ? { subtitle } : {}), granularity: 'HOUR', values: percentiles(metric, what), yAxisLabel: 'Milliseconds' });
  return new SheetBuilder(SHEETS.latency)
    .row(9, [
      [overTime('response-over-time', 'Response latency per hour', 'responselatency', 'Response'), 18],
      [overTime('integration-over-time', 'Integration latency per hour', 'integrationlatency', 'Integration', 'Time spent in the backend'), 18],
    ])
    .row(9, [
      [overTime('authorizer-over-time', 'Authorizer latency per hour', 'authorizerlatency', 'Authorizer', 'Requests that went through an authorizer, cached answers included'), 18],
      [
        bar({
          ...k('slowest-routes', 'Slowest routes (p99 response latency)'),
          category: route,
          values: [[(ids) => percentile(ids, 'responselatency', 99), 'Response p99 (ms)']],
        }),
        18,
      ],
    ])
    .row(10, [[table({ ...k('by-route', 'Latency by route'), groupBy: [route], values: all, sortByValue: 3 }), 36]])
    .row(10, [[table({ ...k('by-consumer', 'Latency by customer or API key'), groupBy: [consumer, usagePlan], values: all, sortByValue: 3 }), 36]]);
}

/** The raw table's columns: everything the sample's raw table showed, plus every latency. */
export const RAW_COLUMNS: ReadonlyArray<[string, string]> = [
  ['requestdatetime', 'Time (UTC)'],
  ['requestid', 'Request id'],
  ['apiid', 'API id'],
  ['stage', 'Stage'],
  ['domainname', 'Domain'],
  ['httpmethod', 'Method'],
  ['resourcepath', 'Resource'],
  ['path', 'Path'],
  ['status', 'Status'],
  ['errorresponsetype', 'Gateway response type'],
  ['errormessage', 'Error message'],
  ['responselatency', 'Response latency (ms)'],
  ['integrationlatency', 'Integration latency (ms)'],
  ['authorizerlatency', 'Authorizer latency (ms)'],
  ['authorizerintegrationlatency', 'Authorizer integration latency (ms)'],
  ['authorizelatency', 'Authorize latency (ms)'],
  ['ip', 'Client IP'],
  ['identityuseragent', 'User agent'],
  ['usageplanname', 'Usage plan'],
  ['apikeyname', 'API key'],
  ['identityapikeyid', 'API key id'],
  ['customerid', 'Customer'],
  ['identityuser', 'IAM user'],
  ['sub', 'Cognito user (sub)'],
  ['authorizeerror', 'Authorize error'],
  ['authorizererror', 'Authorizer error'],
];

/** WebSocket APIs: one row per event (CONNECT, MESSAGE, DISCONNECT); the sheet keeps WebSocket rows only. */
function websocket(): SheetBuilder {
  const s = SHEETS.websocket.id;
  const k = (id: string, title: string) => ({ id: `${s}-${id}`, title, dataset: H });
  const eventType = text('eventtype', 'Event');
  const routeKey = text('routekey', 'Route key');
  return new SheetBuilder(SHEETS.websocket)
    .row(5, [
      [kpi(k('kpi-connections', 'Connections'), requestCount), 9],
      [kpi(k('kpi-messages', 'Messages'), requestCount), 9],
      [kpi(k('kpi-disconnects', 'Disconnects'), requestCount), 9],
      [kpi(k('kpi-errors', 'Events answered 4xx or 5xx'), requestCount), 9],
    ])
    .row(9, [[line({ ...k('events-over-time', 'Connections, messages and disconnects per hour'), granularity: 'HOUR', values: [requests], colorBy: eventType }), 36]])
    .row(9, [
      [line({ ...k('messages-by-route', 'Messages per hour by route key'), granularity: 'HOUR', values: [requests], colorBy: routeKey }), 18],
      [bar({ ...k('top-routes', 'Top route keys'), category: routeKey, values: [requests] }), 18],
    ])
    .row(9, [
      [
        table({
          ...k('disconnects', 'How disconnects ended'),
          subtitle: 'Status and error message of DISCONNECT events: the reasons access logs record',
          groupBy: [statusCode, text('errormessage', 'Error message'), text('integrationerror', 'Integration error'), routeKey],
          values: [requests],
          sortByValue: 0,
        }),
        18,
      ],
      [bar({ ...k('integration-latency', 'Integration latency p90 by route key (ms)'), category: routeKey, values: [p90('integrationlatency', 'Integration latency p90 (ms)')] }), 18],
    ]);
}

function raw(): SheetBuilder {
  return new SheetBuilder(SHEETS.raw).row(18, [
    [rawTable({ id: `${SHEETS.raw.id}-requests`, dataset: L, title: 'Requests', subtitle: 'Newest first, 100 per page; the last hour by default (the Hours control)', columns: [...RAW_COLUMNS] }), 36],
  ]);
}

const on = (sheet: SheetKey, ...ids: string[]) => ids.map((id) => ({ sheetId: SHEETS[sheet].id, visualId: `${SHEETS[sheet].id}-${id}` }));

/** Filters that belong to particular visuals (no control), each on its visuals' dataset. */
function visualFilterGroups(): FilterGroup[] {
  const kind = (id: string, value: string, visuals: Array<{ sheetId: string; visualId: string }>) =>
    selectedVisuals(`fg-${id}`, fixed.oneOf(`filter-${id}`, 'kind', [value], T), visuals);
  return [
    selectedVisuals('fg-2xx', fixed.statusBetween('filter-2xx', 200, 299, H), on('overview', 'kpi-2xx')),
    selectedVisuals('fg-4xx', fixed.statusBetween('filter-4xx', 400, 499, H), [...on('overview', 'kpi-4xx'), ...on('errors', '4xx-by-route', '4xx-table')]),
    selectedVisuals('fg-5xx', fixed.statusBetween('filter-5xx', 500, 599, H), [...on('overview', 'kpi-5xx'), ...on('errors', '5xx-by-route', '5xx-table')]),
    selectedVisuals('fg-errors', fixed.statusBetween('filter-errors', 400, 599, H), on('errors', 'over-time')),
    selectedVisuals('fg-response-type', fixed.notNull('filter-response-type', 'errorresponsetype', H), on('errors', 'by-response-type')),
    selectedVisuals('fg-has-usage-plan', fixed.notNull('filter-has-usage-plan', 'usageplanname', H), on('consumers', 'by-plan')),
    selectedVisuals('fg-has-api-key', fixed.notNull('filter-has-api-key', 'identityapikeyid', H), [...on('consumers', 'by-key', 'top'), ...on('latency', 'by-consumer')]),
    selectedVisuals('fg-limits', fixed.oneOf('filter-limits', 'errorresponsetype', ['QUOTA_EXCEEDED', 'THROTTLED'], H), on('consumers', 'limits-over-time', 'limits-table')),
    selectedVisuals('fg-auth-failures', fixed.oneOf('filter-auth-failures', DERIVED.statusCode.name, ['401', '403'], H), on('authentication', 'failures-over-time', 'failures-by-type', 'failures-table')),
    selectedVisuals('fg-waf', fixed.notNull('filter-waf', 'wafresponsecode', H), on('authentication', 'waf-over-time')),
    kind('top-ips', 'ip', on('overview', 'top-ips')),
    kind('user-agents', 'useragent', on('consumers', 'user-agents-over-time', 'top-user-agents')),
    kind('waf-blocked', 'waf_blocked_ip', on('authentication', 'waf-blocked-ips')),
    kind('cognito', 'cognito_user', on('authentication', 'cognito-table')),
    kind('iam', 'iam_caller', on('authentication', 'iam-table')),
    allVisualsOf('fg-websocket', fixed.oneOf('filter-websocket', 'apikind', ['WEBSOCKET'], H), [SHEETS.websocket.id]),
    selectedVisuals('fg-ws-connect', fixed.oneOf('filter-ws-connect', 'eventtype', ['CONNECT'], H), on('websocket', 'kpi-connections')),
    selectedVisuals('fg-ws-message', fixed.oneOf('filter-ws-message', 'eventtype', ['MESSAGE'], H), on('websocket', 'kpi-messages', 'messages-by-route', 'top-routes')),
    selectedVisuals('fg-ws-disconnect', fixed.oneOf('filter-ws-disconnect', 'eventtype', ['DISCONNECT'], H), on('websocket', 'kpi-disconnects', 'disconnects')),
    selectedVisuals('fg-ws-errors', fixed.statusBetween('filter-ws-errors', 400, 599, H), on('websocket', 'kpi-errors')),
  ];
}

export interface DashboardModel {
  definition: DashboardVersionDefinition;
  /** Per sheet: its visual ids and control ids, in layout order. */
  sheets: Array<{ id: string; name: string; visualIds: string[]; controlIds: string[] }>;
}

/** The raw sheet's own filters: its window (last hours) and the exact request id. */
function rawFilterGroups(): FilterGroup[] {
  const w = RAW_WINDOW_FILTER;
  return [
    allVisualsOf('fg-raw-hours', lastHoursFilter(w.id, w.column, w.lastHours, L), [SHEETS.raw.id]),
    allVisualsOf('fg-request-id', sheetTextFilter(REQUEST_ID_FILTER.id, REQUEST_ID_FILTER.column, 'EQUALS', L), [SHEETS.raw.id]),
  ];
}

/** Builds the dashboard. The dataset ARNs are placeholders until the template builder swaps in `Fn::GetAtt`. */
export function buildDashboard(dataSetArns: Readonly<Record<DatasetId, string>> = DATASET_ARN_PLACEHOLDERS): DashboardModel {
  const builders: Record<SheetKey, SheetBuilder> = {
    overview: overview(),
    errors: errors(),
    consumers: consumers(),
    authentication: authentication(),
    latency: latency(),
    websocket: websocket(),
    raw: raw(),
  };
  const sheetIds = Object.values(SHEETS).map((s) => s.id);
  const sheetFilterGroups = SHEET_FILTERS.map((f) => allVisualsOf(f.id.replace(/^filter-/, 'fg-'), sheetFilter(f, DEFAULT_DAYS), sheetIds, 'ALL_DATASETS'));

  const sheets: SheetDefinition[] = (Object.keys(SHEETS) as SheetKey[]).map((key) => {
    const sheetId = SHEETS[key].id;
    const controls = SHEET_FILTERS.map((f) => crossSheetControl(sheetId, f.id));
    if (key === 'raw') {
      controls.push(relativeDateTimeControl(sheetId, RAW_WINDOW_FILTER.id, RAW_WINDOW_FILTER.title));
      controls.push(textFieldControl(sheetId, REQUEST_ID_FILTER.id, REQUEST_ID_FILTER.title));
    }
    return builders[key].build(controls);
  });

  const definition: DashboardVersionDefinition = {
    DataSetIdentifierDeclarations: Object.values(DATASET_IDS).map((Identifier) => ({ Identifier, DataSetArn: dataSetArns[Identifier] })),
    Sheets: sheets,
    CalculatedFields: calculatedFields(),
    FilterGroups: [...sheetFilterGroups, ...rawFilterGroups(), ...visualFilterGroups()],
    Options: { WeekStart: 'MONDAY' },
  };
  return {
    definition,
    sheets: sheets.map((s) => ({
      id: s.SheetId!,
      name: s.Name!,
      visualIds: builders[(Object.keys(SHEETS) as SheetKey[]).find((k) => SHEETS[k].id === s.SheetId)!].visualIds(),
      controlIds: (s.FilterControls ?? []).map((c) => (c.CrossSheet ?? c.TextField ?? c.RelativeDateTime)!.FilterControlId!),
    })),
  };
}
