/**
 * The dashboard: seven sheets (overview, errors, consumers and quota, authentication, latency,
 * WebSocket, raw requests), every sheet filtered by the same controls (API kind among them), built from the typed helpers. It covers
 * every visual and control of the AWS sample's dashboard (seed-sample.md §3) with its defects
 * fixed, plus error rates, latency percentiles, authentication methods, WAF decisions and top
 * clients. test/quicksight/ holds it to that, visual by visual.
 */
import type { DashboardVersionDefinition, FilterGroup, SheetDefinition } from '@aws-sdk/client-quicksight';
import { DATASET_IDENTIFIER } from '../names.js';
import { CALCULATED_FIELDS as C, calculatedFields, LOG_DATE, numericalDimension, numericMeasure, rate, requestCount, timeMeasure } from './fields.js';
import type { FieldIds, Statistic } from './fields.js';
import { allVisualsOf, crossSheetControl, fixed, selectedVisuals, sheetFilter, sheetTextFilter, textFieldControl, type SheetFilter } from './filters.js';
import { SheetBuilder } from './layout.js';
import { bar, dim, donut, kpi, line, rawTable, table, type LabelledDimension, type LabelledMeasure } from './visuals.js';

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
  { id: 'filter-date', title: 'Date (UTC)', column: LOG_DATE, kind: 'relative-date' },
  { id: 'filter-api-kind', title: 'API kind (REST, HTTP, WebSocket)', column: 'apikind', kind: 'dropdown' },
  { id: 'filter-domain', title: 'Domain', column: 'domainname', kind: 'dropdown' },
  { id: 'filter-stage', title: 'Stage', column: 'stage', kind: 'dropdown' },
  { id: 'filter-status', title: 'Status code', column: C.statusCode.name, kind: 'dropdown' },
  { id: 'filter-route', title: 'Route', column: C.route.name, kind: 'dropdown' },
  { id: 'filter-usage-plan', title: 'Usage plan', column: 'usageplanname', kind: 'dropdown' },
  { id: 'filter-consumer', title: 'Customer or API key', column: C.consumer.name, kind: 'dropdown' },
  { id: 'filter-ip', title: 'Client IP contains', column: 'ip', kind: 'text' },
  { id: 'filter-caller', title: 'User (IAM or Cognito) contains', column: C.caller.name, kind: 'text' },
];

/** The date filter: the one every visual must obey. */
export const DATE_FILTER_ID = 'filter-date';
/** Default range of the date control. */
export const DEFAULT_DAYS = 7;
/** The raw sheet's own control: an exact request id. */
export const REQUEST_ID_FILTER = { id: 'filter-request-id', title: 'Request id', column: 'requestid' } as const;

/** A placeholder the template builder replaces with the dataset's ARN (`Fn::GetAtt`). */
export const DATASET_ARN_PLACEHOLDER = 'arn:aws:quicksight:region:000000000000:dataset/placeholder';

// Labelled field shorthands.
const requests: LabelledMeasure = [requestCount, 'Requests'];
const stat =
  (columnName: string, s: Statistic) =>
  (ids: FieldIds) =>
    numericMeasure(ids, columnName, s);
const percentiles = (columnName: string, what: string): LabelledMeasure[] =>
  ([50, 90, 99] as const).map((p) => [stat(columnName, { percentile: p }), `${what} p${p} (ms)`]);
const text = (columnName: string, label: string): LabelledDimension => [dim.text(columnName), label];
const number = (columnName: string, label: string): LabelledDimension => [(ids) => numericalDimension(ids, columnName), label];
const hour: LabelledDimension = [dim.time('HOUR'), 'Hour (UTC)'];
const day: LabelledDimension = [dim.time('DAY'), 'Day (UTC)'];
const route = text(C.route.name, 'Route');
const statusCode = text(C.statusCode.name, 'Status');
const statusClass = text(C.statusClass.name, 'Status class');
const domain = text('domainname', 'Domain');
const usagePlan = text('usageplanname', 'Usage plan');
const consumer = text(C.consumer.name, 'Customer or API key');

function overview(): SheetBuilder {
  const s = SHEETS.overview.id;
  return new SheetBuilder(SHEETS.overview)
    .row(5, [
      [kpi({ id: `${s}-kpi-requests`, title: 'Requests' }, requestCount), 5],
      [kpi({ id: `${s}-kpi-2xx`, title: '2xx responses' }, requestCount), 5],
      [kpi({ id: `${s}-kpi-4xx`, title: '4xx client errors' }, requestCount), 5],
      [kpi({ id: `${s}-kpi-5xx`, title: '5xx server errors' }, requestCount), 5],
      [kpi({ id: `${s}-kpi-response-p90`, title: 'Response latency p90 (ms)' }, stat('responselatency', { percentile: 90 })), 5],
      [kpi({ id: `${s}-kpi-integration-p90`, title: 'Integration latency p90 (ms)' }, stat('integrationlatency', { percentile: 90 })), 5],
      [kpi({ id: `${s}-kpi-authorizer-p90`, title: 'Authorizer latency p90 (ms)' }, stat('authorizerlatency', { percentile: 90 })), 6],
    ])
    .row(9, [
      [line({ id: `${s}-requests-by-class`, title: 'Requests per hour by status class', granularity: 'HOUR', values: [requests], colorBy: statusClass }), 24],
      [donut({ id: `${s}-status-codes`, title: 'Requests by status code', category: statusCode, value: requests }), 12],
    ])
    .row(9, [
      [
        line({
          id: `${s}-error-rate`,
          title: 'Error rate per hour',
          subtitle: 'Share of requests answered with 4xx and with 5xx',
          granularity: 'HOUR',
          values: [
            [(ids) => rate(ids, C.clientErrorRate.name), '4xx rate'],
            [(ids) => rate(ids, C.serverErrorRate.name), '5xx rate'],
          ],
        }),
        18,
      ],
      [bar({ id: `${s}-top-domains`, title: 'Top domains', category: domain, values: [requests] }), 18],
    ])
    .row(10, [[line({ id: `${s}-requests-by-domain`, title: 'Requests per hour by domain', granularity: 'HOUR', values: [requests], colorBy: domain }), 36]])
    .row(10, [
      [
        line({
          id: `${s}-requests-by-route`,
          title: 'Requests per hour by route',
          subtitle: 'Route = method and resource path, for example GET /pets/{petId}',
          granularity: 'HOUR',
          values: [requests],
          colorBy: route,
        }),
        36,
      ],
    ])
    .row(10, [
      [bar({ id: `${s}-top-routes`, title: 'Top routes', category: route, values: [requests] }), 18],
      [bar({ id: `${s}-top-ips`, title: 'Top client IPs', category: text('ip', 'Client IP'), values: [requests] }), 18],
    ]);
}

function errors(): SheetBuilder {
  const s = SHEETS.errors.id;
  return new SheetBuilder(SHEETS.errors)
    .row(9, [
      [line({ id: `${s}-over-time`, title: 'Errors per hour by status code', granularity: 'HOUR', values: [requests], colorBy: statusCode }), 18],
      [
        bar({
          id: `${s}-by-response-type`,
          title: 'Errors by type',
          subtitle: 'Why API Gateway answered itself: quota, throttling, unauthorized, invalid signature, access denied…',
          category: text(C.errorType.name, 'Error type'),
          values: [requests],
        }),
        18,
      ],
    ])
    .row(10, [
      [
        bar({
          id: `${s}-4xx-by-route`,
          title: '4xx errors by route',
          category: route,
          values: [requests],
          colorBy: statusCode,
          orientation: 'VERTICAL',
          arrangement: 'STACKED',
        }),
        18,
      ],
      [
        bar({
          id: `${s}-5xx-by-route`,
          title: '5xx errors by route',
          category: route,
          values: [requests],
          colorBy: statusCode,
          orientation: 'VERTICAL',
          arrangement: 'STACKED',
        }),
        18,
      ],
    ])
    .row(10, [
      [
        table({
          id: `${s}-4xx-table`,
          title: 'Client errors (4xx)',
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
          id: `${s}-5xx-table`,
          title: 'Server errors (5xx)',
          subtitle: 'Integration status is what the backend returned; empty when API Gateway never reached it',
          groupBy: [hour, statusCode, domain, route, number('integrationstatus', 'Integration status'), text('errormessage', 'Error message')],
          values: [requests, [stat('integrationlatency', { percentile: 90 }), 'Integration latency p90 (ms)']],
          sortByTimeDesc: true,
        }),
        36,
      ],
    ]);
}

function consumers(): SheetBuilder {
  const s = SHEETS.consumers.id;
  return new SheetBuilder(SHEETS.consumers)
    .row(9, [
      [line({ id: `${s}-by-plan`, title: 'Requests per day by usage plan', granularity: 'DAY', values: [requests], colorBy: usagePlan }), 18],
      [line({ id: `${s}-by-key`, title: 'Requests per day by customer or API key', granularity: 'DAY', values: [requests], colorBy: consumer }), 18],
    ])
    .row(9, [
      [
        line({
          id: `${s}-limits-over-time`,
          title: 'Quota exceeded and throttled requests per hour',
          subtitle: 'Both answer 429: quota is the usage plan\'s period limit, throttling its (or the stage\'s) rate limit',
          granularity: 'HOUR',
          values: [requests],
          colorBy: text(C.limitEvent.name, 'Limit'),
        }),
        18,
      ],
      [bar({ id: `${s}-top`, title: 'Top customers and API keys', category: consumer, values: [requests] }), 18],
    ])
    .row(10, [
      [
        table({
          id: `${s}-usage-table`,
          title: 'Usage by usage plan and customer',
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
          id: `${s}-limits-table`,
          title: 'Quota and throttling events',
          groupBy: [domain, usagePlan, consumer, route, text(C.limitEvent.name, 'Limit'), text('errormessage', 'Error message')],
          values: [[(ids) => timeMeasure(ids, 'MIN'), 'First seen (UTC)'], [(ids) => timeMeasure(ids, 'MAX'), 'Last seen (UTC)'], requests],
          sortByValue: 2,
        }),
        36,
      ],
    ])
    .row(9, [
      [
        line({
          id: `${s}-user-agents-over-time`,
          title: 'Requests per day by user agent',
          granularity: 'DAY',
          values: [requests],
          colorBy: text('identityuseragent', 'User agent'),
        }),
        18,
      ],
      [bar({ id: `${s}-top-user-agents`, title: 'Top user agents', category: text('identityuseragent', 'User agent'), values: [requests] }), 18],
    ]);
}

function authentication(): SheetBuilder {
  const s = SHEETS.authentication.id;
  const authMethod = text(C.authMethod.name, 'Authentication');
  return new SheetBuilder(SHEETS.authentication)
    .row(9, [
      [donut({ id: `${s}-methods`, title: 'Requests by authentication method', category: authMethod, value: requests }), 12],
      [line({ id: `${s}-methods-over-time`, title: 'Requests per hour by authentication method', granularity: 'HOUR', values: [requests], colorBy: authMethod }), 24],
    ])
    .row(9, [
      [line({ id: `${s}-failures-over-time`, title: 'Authentication failures per hour (401, 403)', granularity: 'HOUR', values: [requests], colorBy: statusCode }), 18],
      [bar({ id: `${s}-failures-by-type`, title: 'Failures by gateway response type', category: text('errorresponsetype', 'Gateway response type'), values: [requests] }), 18],
    ])
    .row(9, [
      [
        line({
          id: `${s}-waf-over-time`,
          title: 'WAF decisions per hour',
          subtitle: 'REST API stages with a web ACL only',
          granularity: 'HOUR',
          values: [requests],
          colorBy: text('wafresponsecode', 'WAF decision'),
        }),
        18,
      ],
      [bar({ id: `${s}-waf-blocked-ips`, title: 'Top IPs blocked by WAF', category: text('ip', 'Client IP'), values: [requests] }), 18],
    ])
    .row(8, [
      [
        table({
          id: `${s}-cognito-table`,
          title: 'Cognito user pool callers',
          groupBy: [
            day,
            text('sub', 'User (sub)'),
            text('cognitoclientid', 'App client id'),
            text('aud', 'Audience'),
            text('clientid', 'Token issuer'),
            usagePlan,
            domain,
            route,
            statusCode,
          ],
          values: [requests],
          sortByTimeDesc: true,
        }),
        36,
      ],
    ])
    .row(8, [
      [
        table({
          id: `${s}-iam-table`,
          title: 'IAM (SigV4) callers',
          groupBy: [
            day,
            text('identityuserarn', 'Caller ARN'),
            text('identityaccountid', 'Caller account'),
            text('identityprincipalorgid', 'Organization'),
            domain,
            text('httpmethod', 'Method'),
            route,
            statusCode,
            text('errorresponsetype', 'Gateway response type'),
          ],
          values: [requests],
          sortByTimeDesc: true,
        }),
        36,
      ],
    ])
    .row(8, [
      [
        table({
          id: `${s}-failures-table`,
          title: 'Authentication and authorization failures',
          groupBy: [domain, statusCode, text('errorresponsetype', 'Gateway response type'), text('httpmethod', 'Method'), route, usagePlan],
          values: [[(ids) => timeMeasure(ids, 'MIN'), 'First seen (UTC)'], [(ids) => timeMeasure(ids, 'MAX'), 'Last seen (UTC)'], requests],
          sortByValue: 2,
        }),
        36,
      ],
    ]);
}

function latency(): SheetBuilder {
  const s = SHEETS.latency.id;
  const all = [requests, ...percentiles('responselatency', 'Response'), ...percentiles('integrationlatency', 'Integration'), ...percentiles('authorizerlatency', 'Authorizer')];
  return new SheetBuilder(SHEETS.latency)
    .row(9, [
      [line({ id: `${s}-response-over-time`, title: 'Response latency per hour', granularity: 'HOUR', values: percentiles('responselatency', 'Response'), yAxisLabel: 'Milliseconds' }), 18],
      [
        line({
          id: `${s}-integration-over-time`,
          title: 'Integration latency per hour',
          subtitle: 'Time spent in the backend',
          granularity: 'HOUR',
          values: percentiles('integrationlatency', 'Integration'),
          yAxisLabel: 'Milliseconds',
        }),
        18,
      ],
    ])
    .row(9, [
      [
        line({
          id: `${s}-authorizer-over-time`,
          title: 'Authorizer latency per hour',
          subtitle: 'Requests that went through an authorizer, cached answers included',
          granularity: 'HOUR',
          values: percentiles('authorizerlatency', 'Authorizer'),
          yAxisLabel: 'Milliseconds',
        }),
        18,
      ],
      [
        bar({
          id: `${s}-slowest-routes`,
          title: 'Slowest routes (p99 response latency)',
          category: route,
          values: [[stat('responselatency', { percentile: 99 }), 'Response p99 (ms)']],
        }),
        18,
      ],
    ])
    .row(10, [[table({ id: `${s}-by-route`, title: 'Latency by route', groupBy: [route], values: all, sortByValue: 3 }), 36]])
    .row(10, [[table({ id: `${s}-by-consumer`, title: 'Latency by customer or API key', groupBy: [consumer, usagePlan], values: all, sortByValue: 3 }), 36]]);
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
  const eventType = text('eventtype', 'Event');
  const routeKey = text('routekey', 'Route key');
  return new SheetBuilder(SHEETS.websocket)
    .row(5, [
      [kpi({ id: `${s}-kpi-connections`, title: 'Connections' }, requestCount), 9],
      [kpi({ id: `${s}-kpi-messages`, title: 'Messages' }, requestCount), 9],
      [kpi({ id: `${s}-kpi-disconnects`, title: 'Disconnects' }, requestCount), 9],
      [kpi({ id: `${s}-kpi-errors`, title: 'Events answered 4xx or 5xx' }, requestCount), 9],
    ])
    .row(9, [
      [line({ id: `${s}-events-over-time`, title: 'Connections, messages and disconnects per hour', granularity: 'HOUR', values: [requests], colorBy: eventType }), 36],
    ])
    .row(9, [
      [line({ id: `${s}-messages-by-route`, title: 'Messages per hour by route key', granularity: 'HOUR', values: [requests], colorBy: routeKey }), 18],
      [bar({ id: `${s}-top-routes`, title: 'Top route keys', category: routeKey, values: [requests] }), 18],
    ])
    .row(9, [
      [
        table({
          id: `${s}-disconnects`,
          title: 'How disconnects ended',
          subtitle: 'Status and error message of DISCONNECT events: the reasons access logs record',
          groupBy: [statusCode, text('errormessage', 'Error message'), text('integrationerror', 'Integration error'), routeKey],
          values: [requests],
          sortByValue: 0,
        }),
        18,
      ],
      [
        bar({
          id: `${s}-integration-latency`,
          title: 'Integration latency p90 by route key (ms)',
          category: routeKey,
          values: [[stat('integrationlatency', { percentile: 90 }), 'Integration latency p90 (ms)']],
        }),
        18,
      ],
    ]);
}

function raw(): SheetBuilder {
  return new SheetBuilder(SHEETS.raw).row(18, [
    [rawTable({ id: `${SHEETS.raw.id}-requests`, title: 'Requests', subtitle: 'Newest first, 100 per page', columns: [...RAW_COLUMNS] }), 36],
  ]);
}

const on = (sheet: SheetKey, ...ids: string[]) => ids.map((id) => ({ sheetId: SHEETS[sheet].id, visualId: `${SHEETS[sheet].id}-${id}` }));

/** Filters that belong to particular visuals (no control). */
function visualFilterGroups(): FilterGroup[] {
  return [
    selectedVisuals('fg-2xx', fixed.statusBetween('filter-2xx', 200, 299), on('overview', 'kpi-2xx')),
    selectedVisuals('fg-4xx', fixed.statusBetween('filter-4xx', 400, 499), [...on('overview', 'kpi-4xx'), ...on('errors', '4xx-by-route', '4xx-table')]),
    selectedVisuals('fg-5xx', fixed.statusBetween('filter-5xx', 500, 599), [...on('overview', 'kpi-5xx'), ...on('errors', '5xx-by-route', '5xx-table')]),
    selectedVisuals('fg-errors', fixed.statusBetween('filter-errors', 400, 599), on('errors', 'over-time')),
    selectedVisuals('fg-response-type', fixed.notNull('filter-response-type', 'errorresponsetype'), on('errors', 'by-response-type')),
    selectedVisuals('fg-has-usage-plan', fixed.notNull('filter-has-usage-plan', 'usageplanname'), on('consumers', 'by-plan')),
    selectedVisuals('fg-has-api-key', fixed.notNull('filter-has-api-key', 'identityapikeyid'), [
      ...on('consumers', 'by-key', 'top'),
      ...on('latency', 'by-consumer'),
    ]),
    selectedVisuals('fg-limits', fixed.oneOf('filter-limits', 'errorresponsetype', ['QUOTA_EXCEEDED', 'THROTTLED']), on('consumers', 'limits-over-time', 'limits-table')),
    selectedVisuals('fg-auth-failures', fixed.oneOf('filter-auth-failures', C.statusCode.name, ['401', '403']), on('authentication', 'failures-over-time', 'failures-by-type', 'failures-table')),
    selectedVisuals('fg-waf', fixed.notNull('filter-waf', 'wafresponsecode'), on('authentication', 'waf-over-time')),
    selectedVisuals('fg-waf-blocked', fixed.oneOf('filter-waf-blocked', 'wafresponsecode', ['WAF_BLOCK']), on('authentication', 'waf-blocked-ips')),
    selectedVisuals('fg-cognito', fixed.notNull('filter-cognito', 'sub'), on('authentication', 'cognito-table')),
    selectedVisuals('fg-iam', fixed.notNull('filter-iam', 'identityuserarn'), on('authentication', 'iam-table')),
    allVisualsOf('fg-websocket', fixed.oneOf('filter-websocket', 'apikind', ['WEBSOCKET']), [SHEETS.websocket.id]),
    selectedVisuals('fg-ws-connect', fixed.oneOf('filter-ws-connect', 'eventtype', ['CONNECT']), on('websocket', 'kpi-connections')),
    selectedVisuals('fg-ws-message', fixed.oneOf('filter-ws-message', 'eventtype', ['MESSAGE']), on('websocket', 'kpi-messages', 'messages-by-route', 'top-routes')),
    selectedVisuals('fg-ws-disconnect', fixed.oneOf('filter-ws-disconnect', 'eventtype', ['DISCONNECT']), on('websocket', 'kpi-disconnects', 'disconnects')),
    selectedVisuals('fg-ws-errors', fixed.statusBetween('filter-ws-errors', 400, 599), on('websocket', 'kpi-errors')),
  ];
}

export interface DashboardModel {
  definition: DashboardVersionDefinition;
  /** Per sheet: its visual ids and control ids, in layout order. */
  sheets: Array<{ id: string; name: string; visualIds: string[]; controlIds: string[] }>;
}

/** Builds the dashboard. `dataSetArn` is a placeholder until the template builder swaps in `Fn::GetAtt`. */
export function buildDashboard(dataSetArn: string = DATASET_ARN_PLACEHOLDER): DashboardModel {
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
  const sheetFilterGroups = SHEET_FILTERS.map((f) => allVisualsOf(f.id.replace(/^filter-/, 'fg-'), sheetFilter(f, DEFAULT_DAYS), sheetIds));
  const requestIdGroup = allVisualsOf('fg-request-id', sheetTextFilter(REQUEST_ID_FILTER.id, REQUEST_ID_FILTER.column, 'EQUALS'), [SHEETS.raw.id]);

  const sheets: SheetDefinition[] = (Object.keys(SHEETS) as SheetKey[]).map((key) => {
    const sheetId = SHEETS[key].id;
    const controls = SHEET_FILTERS.map((f) => crossSheetControl(sheetId, f.id));
    if (key === 'raw') controls.push(textFieldControl(sheetId, REQUEST_ID_FILTER.id, REQUEST_ID_FILTER.title));
    return builders[key].build(controls);
  });

  const definition: DashboardVersionDefinition = {
    DataSetIdentifierDeclarations: [{ Identifier: DATASET_IDENTIFIER, DataSetArn: dataSetArn }],
    Sheets: sheets,
    CalculatedFields: calculatedFields(),
    FilterGroups: [...sheetFilterGroups, requestIdGroup, ...visualFilterGroups()],
    Options: { WeekStart: 'MONDAY' },
  };
  return {
    definition,
    sheets: sheets.map((s) => ({
      id: s.SheetId!,
      name: s.Name!,
      visualIds: builders[(Object.keys(SHEETS) as SheetKey[]).find((k) => SHEETS[k].id === s.SheetId)!].visualIds(),
      controlIds: (s.FilterControls ?? []).map((c) => (c.CrossSheet ?? c.TextField)!.FilterControlId!),
    })),
  };
}
