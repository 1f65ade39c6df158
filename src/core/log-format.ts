/**
 * The access-log format: the one source of truth for the field list and its types. The CLI
 * applies `accessLogFormat()` to stages; the Glue schema, the QuickSight dataset, the enrichment
 * Lambda's number and null handling, and the local report engine are all derived from
 * `LOG_FIELDS`, never kept by hand.
 *
 * The first 46 fields are the AWS sample's, unchanged in name and `$context` variable (so data and
 * queries written for the sample keep working; the one exception, `errorMessage`, reads the same
 * message through its already-quoted variant `error.messageString`), including its two documentation placeholders and
 * `clientId`, which the sample maps to the token issuer. Fields added after them each earn their
 * bytes: `requestTimeEpoch` (the request time as a number, for partition-independent time
 * filters), `integrationStatus` (what the backend returned, apart from what the client saw),
 * `cognitoClientId` (the real app client id, which the sample's `clientId` is not) and
 * `extendedRequestId`.
 */

/** Glue column types used by the table; the Lambda turns `int`/`bigint` values into JSON numbers. */
export type FieldType = 'string' | 'int' | 'bigint';

export interface LogField {
  /** The JSON key written by API Gateway and by the Lambda (camelCase). */
  key: string;
  /** The `$context` variable, without the `$context.` prefix. */
  variable: string;
  type: FieldType;
  /** `sample` for the 46 fields of the AWS sample, `added` for ours. */
  origin: 'sample' | 'added';
  description: string;
  /**
   * The variable is one API Gateway writes as a quoted, escaped JSON string itself (so the format
   * does not wrap it in quotes). Every other value is substituted as it is: a `"` or `\` in it is
   * not escaped (DataBiosphere/azul#4348), which the Lambda recovers from.
   */
  quoted?: boolean;
}

const f = (key: string, variable: string, type: FieldType, description: string, origin: 'sample' | 'added' = 'sample', quoted = false): LogField => ({
  key,
  variable,
  type,
  origin,
  description,
  ...(quoted ? { quoted: true } : {}),
});

export const LOG_FIELDS: readonly LogField[] = [
  f('apiId', 'apiId', 'string', 'REST API id'),
  f('stage', 'stage', 'string', 'stage name'),
  f('requestId', 'requestId', 'string', 'request id (unique per request)'),
  f('ip', 'identity.sourceIp', 'string', 'source IP of the TCP connection'),
  f('requestTime', 'requestTime', 'string', 'request time in CLF format (dd/MMM/yyyy:HH:mm:ss +-hhmm)'),
  f('httpMethod', 'httpMethod', 'string', 'HTTP method'),
  f('routeKey', 'routeKey', 'string', 'route key (HTTP and WebSocket APIs only; "-" on REST)'),
  f('status', 'status', 'int', 'HTTP status returned to the client'),
  f('protocol', 'protocol', 'string', 'request protocol, for example HTTP/1.1'),
  f('responseLength', 'responseLength', 'int', 'response payload length in bytes'),
  f('accountId', 'accountId', 'string', 'AWS account id of the API owner'),
  f('authorizerClaimsProperty', 'authorizer.claims.property', 'string', 'placeholder kept from the sample (always empty)'),
  f('authorizerPrincipalId', 'authorizer.principalId', 'string', 'principal id returned by a Lambda authorizer'),
  f('authorizerProperty', 'authorizer.property', 'string', 'placeholder kept from the sample (always empty)'),
  f('domainName', 'domainName', 'string', 'domain name used to call the API'),
  f('domainPrefix', 'domainPrefix', 'string', 'first label of the domain name'),
  // `messageString` is "the quoted value of $context.error.message" (API Gateway access-logging
  // variables: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html),
  // so an error message with a quote no longer breaks the line.
  f('errorMessage', 'error.messageString', 'string', 'gateway error message, for example "Limit Exceeded"', 'sample', true),
  f('errorResponseType', 'error.responseType', 'string', 'gateway response type, for example QUOTA_EXCEEDED'),
  f('identityAccountId', 'identity.accountId', 'string', 'AWS account of an IAM-signed caller'),
  f('identityApiKeyId', 'identity.apiKeyId', 'string', 'API key id (key-required methods only)'),
  f('identityCaller', 'identity.caller', 'string', 'principal identifier of an IAM-signed caller'),
  f('identityCognitoAuthenticationProvider', 'identity.cognitoAuthenticationProvider', 'string', 'Cognito identity providers'),
  f('identityCognitoAuthenticationType', 'identity.cognitoAuthenticationType', 'string', 'Cognito authentication type'),
  f('identityCognitoIdentityId', 'identity.cognitoIdentityId', 'string', 'Cognito identity id'),
  f('identityCognitoIdentityPoolId', 'identity.cognitoIdentityPoolId', 'string', 'Cognito identity pool id'),
  f('identityPrincipalOrgId', 'identity.principalOrgId', 'string', 'AWS Organizations id of the caller'),
  f('identityUser', 'identity.user', 'string', 'principal identifier of the IAM user'),
  f('identityUserAgent', 'identity.userAgent', 'string', 'User-Agent header'),
  f('identityUserArn', 'identity.userArn', 'string', 'ARN of the IAM caller'),
  f('path', 'path', 'string', 'request path including the stage'),
  f('resourcePath', 'resourcePath', 'string', 'resource path template, for example /pets/{petId}'),
  f('wafResponseCode', 'wafResponseCode', 'string', 'WAF_ALLOW or WAF_BLOCK (stages with a web ACL)'),
  f('webaclArn', 'webaclArn', 'string', 'web ACL ARN (stages with a web ACL)'),
  f('sub', 'authorizer.claims.sub', 'string', 'Cognito user id (sub claim)'),
  f('clientId', 'authorizer.claims.iss', 'string', 'token issuer (iss claim; named clientId by the sample)'),
  f('aud', 'authorizer.claims.aud', 'string', 'token audience (aud claim; the app client id on id tokens)'),
  f('authorizeError', 'authorize.error', 'string', 'authorization (IAM/resource policy) error'),
  f('authorizeLatency', 'authorize.latency', 'int', 'authorization latency in ms'),
  f('authorizeStatus', 'authorize.status', 'int', 'authorization status code'),
  f('authorizerError', 'authorizer.error', 'string', 'authorizer error message'),
  f('authorizerIntegrationLatency', 'authorizer.integrationLatency', 'int', 'Lambda authorizer run time in ms'),
  f('authorizerIntegrationStatus', 'authorizer.integrationStatus', 'int', 'status returned by the Lambda authorizer'),
  f('authorizerLatency', 'authorizer.latency', 'int', 'authorizer latency in ms, including caching'),
  f('authorizerStatus', 'authorizer.status', 'int', 'status returned by the authorizer step'),
  f('integrationLatency', 'integration.latency', 'int', 'integration (backend) latency in ms'),
  f('responseLatency', 'responseLatency', 'int', 'total response latency in ms'),
  f('requestTimeEpoch', 'requestTimeEpoch', 'bigint', 'request time in epoch milliseconds', 'added'),
  f('integrationStatus', 'integration.status', 'int', 'status returned by the integration (backend)', 'added'),
  f('cognitoClientId', 'authorizer.claims.client_id', 'string', 'Cognito app client id (client_id claim of access tokens)', 'added'),
  f('extendedRequestId', 'extendedRequestId', 'string', 'extended request id (x-amz-apigw-id)', 'added'),
];

/** Fields the enrichment Lambda adds when a request used an API key. */
export const ENRICHMENT_FIELDS: readonly LogField[] = [
  f('usagePlanId', '', 'string', 'usage plan bound to the key on this API and stage', 'added'),
  f('usagePlanName', '', 'string', 'name of that usage plan', 'added'),
  f('apiKeyName', '', 'string', 'name of the API key', 'added'),
  f('customerId', '', 'string', 'customerId attribute of the API key', 'added'),
];


/** API Gateway's limit for an access-log format on REST APIs. */
export const FORMAT_MAX_BYTES = 3072;

/**
 * The format string sent in UpdateStage: one JSON object, every value quoted (API Gateway writes `-`
 * for an empty value, which would break an unquoted number), ending in the newline that makes
 * Firehose's S3 objects one record per line.
 */
export function accessLogFormat(fields: readonly LogField[] = LOG_FIELDS): string {
  return `{${fields.map((x) => (x.quoted ? `"${x.key}":$context.${x.variable}` : `"${x.key}":"$context.${x.variable}"`)).join(',')}}\n`;
}

/**
 * The Lambda's LOG_FIELDS variable: the format's keys in order (which it needs to read lines that
 * unescaped values broke), `:int`/`:bigint` for the columns it must make fit, `:json` for values
 * API Gateway quotes itself.
 */
export function lambdaFieldSpec(fields: readonly LogField[] = LOG_FIELDS): string {
  return fields.map((x) => [x.key, ...(x.type === 'string' ? [] : [x.type]), ...(x.quoted ? ['json'] : [])].join(':')).join(',');
}


// ---------------------------------------------------------------------------------------------
// API kinds: REST stages write the format above straight into Firehose; HTTP and WebSocket stages
// write to a CloudWatch Logs log group that the installation's bridge subscribes to the same
// stream. Each kind has its own `$context` variables, so each column says which variable fills it
// per kind (null where a kind has none); the Glue table has every column, and a row of one kind
// leaves the others' columns null.

export type ApiKind = 'REST' | 'HTTP' | 'WEBSOCKET';
export const API_KINDS: readonly ApiKind[] = ['REST', 'HTTP', 'WEBSOCKET'];
export type V2Kind = Exclude<ApiKind, 'REST'>;

/**
 * The `$context` variables each kind documents for access logging, as listed (without the prefix):
 * HTTP: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 * WebSocket: https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html
 * `authorizer.claims.property` (HTTP) stands for any JWT claim, `authorizer.property` for any key of
 * a Lambda authorizer's context. Every variable a format uses is checked against these lists.
 */
export const DOCUMENTED_VARIABLES: Readonly<Record<V2Kind, readonly string[]>> = {
  HTTP: [
    'accountId', 'apiId', 'authorizer.claims.property', 'authorizer.error', 'authorizer.principalId', 'authorizer.property',
    'awsEndpointRequestId', 'awsEndpointRequestId2', 'customDomain.basePathMatched', 'dataProcessed', 'domainName', 'domainPrefix',
    'error.message', 'error.messageString', 'error.responseType', 'extendedRequestId', 'httpMethod', 'identity.accountId',
    'identity.caller', 'identity.cognitoAuthenticationProvider', 'identity.cognitoAuthenticationType', 'identity.cognitoIdentityId',
    'identity.cognitoIdentityPoolId', 'identity.principalOrgId', 'identity.clientCert.clientCertPem', 'identity.clientCert.subjectDN',
    'identity.clientCert.issuerDN', 'identity.clientCert.serialNumber', 'identity.clientCert.validity.notBefore',
    'identity.clientCert.validity.notAfter', 'identity.sourceIp', 'identity.user', 'identity.userAgent', 'identity.userArn',
    'integration.error', 'integration.integrationStatus', 'integration.latency', 'integration.requestId', 'integration.status',
    'integrationErrorMessage', 'integrationLatency', 'integrationStatus', 'path', 'protocol', 'requestId', 'requestTime',
    'requestTimeEpoch', 'responseLatency', 'responseLength', 'routeKey', 'stage', 'status',
  ],
  WEBSOCKET: [
    'apiId', 'authorize.error', 'authorize.latency', 'authorize.status', 'authorizer.error', 'authorizer.integrationLatency',
    'authorizer.integrationStatus', 'authorizer.latency', 'authorizer.requestId', 'authorizer.status', 'authorizer.principalId',
    'authorizer.property', 'authenticate.error', 'authenticate.latency', 'authenticate.status', 'connectedAt', 'connectionId',
    'domainName', 'error.message', 'error.messageString', 'error.responseType', 'error.validationErrorString', 'eventType',
    'extendedRequestId', 'identity.accountId', 'identity.apiKey', 'identity.apiKeyId', 'identity.caller',
    'identity.cognitoAuthenticationProvider', 'identity.sourceIp', 'identity.user', 'identity.userAgent', 'identity.userArn',
    'integration.error', 'integration.integrationStatus', 'integration.latency', 'integration.requestId', 'integration.status',
    'integrationLatency', 'messageId', 'requestId', 'requestTime', 'requestTimeEpoch', 'routeKey', 'stage', 'status',
    'waf.error', 'waf.latency', 'waf.status',
  ],
};

/** Same variable as REST. */
const SAME = 'same';
type V2Source = typeof SAME | string | null;

/**
 * For every REST column, the variable that fills it on HTTP and WebSocket APIs (`same`: REST's
 * own; null: that kind has no such variable, so the column stays null). REST-only columns are the
 * usage-plan, API-key (HTTP), WAF, resource-path and Cognito-identity ones.
 */
const V2_SOURCES: Readonly<Record<string, readonly [http: V2Source, websocket: V2Source]>> = {
  apiId: [SAME, SAME],
  stage: [SAME, SAME],
  requestId: [SAME, SAME],
  ip: [SAME, SAME],
  requestTime: [SAME, SAME],
  httpMethod: [SAME, null],
  routeKey: [SAME, SAME],
  status: [SAME, SAME],
  protocol: [SAME, null],
  responseLength: [SAME, null],
  accountId: [SAME, null],
  authorizerClaimsProperty: [SAME, null],
  authorizerPrincipalId: [SAME, SAME],
  authorizerProperty: [SAME, SAME],
  domainName: [SAME, SAME],
  domainPrefix: [SAME, null],
  errorMessage: [SAME, SAME],
  errorResponseType: [SAME, SAME],
  identityAccountId: [SAME, SAME],
  identityApiKeyId: [null, SAME],
  identityCaller: [SAME, SAME],
  identityCognitoAuthenticationProvider: [SAME, SAME],
  identityCognitoAuthenticationType: [SAME, null],
  identityCognitoIdentityId: [SAME, null],
  identityCognitoIdentityPoolId: [SAME, null],
  identityPrincipalOrgId: [SAME, null],
  identityUser: [SAME, SAME],
  identityUserAgent: [SAME, SAME],
  identityUserArn: [SAME, SAME],
  path: [SAME, null],
  resourcePath: [null, null],
  wafResponseCode: [null, null],
  webaclArn: [null, null],
  // JWT authorizers put the token's claims in authorizer.claims.<name> on HTTP APIs.
  sub: [SAME, null],
  clientId: [SAME, null],
  aud: [SAME, null],
  authorizeError: [null, SAME],
  authorizeLatency: [null, SAME],
  authorizeStatus: [null, SAME],
  authorizerError: [SAME, SAME],
  authorizerIntegrationLatency: [null, SAME],
  authorizerIntegrationStatus: [null, SAME],
  authorizerLatency: [null, SAME],
  authorizerStatus: [null, SAME],
  integrationLatency: [SAME, SAME],
  responseLatency: [SAME, null],
  requestTimeEpoch: [SAME, SAME],
  integrationStatus: [SAME, SAME],
  cognitoClientId: [SAME, null],
  extendedRequestId: [SAME, SAME],
};

/**
 * Columns only HTTP and WebSocket rows fill, after the enrichment columns. `apiKind` is not a
 * variable: each v2 format writes its kind as a literal first key (so even a line broken by an
 * unescaped value says what it is), and the Lambda writes REST for lines without it.
 */
export interface KindField extends LogField {
  sources: Readonly<Record<ApiKind, string | null>>;
}

const k = (key: string, type: FieldType, description: string, http: string | null, websocket: string | null): KindField => ({
  ...f(key, '', type, description, 'added'),
  sources: { REST: null, HTTP: http, WEBSOCKET: websocket },
});

export const API_KIND_KEY = 'apiKind';

export const V2_FIELDS: readonly KindField[] = [
  k(API_KIND_KEY, 'string', 'kind of API: REST, HTTP or WEBSOCKET', null, null),
  k('integrationError', 'string', 'error message returned from the integration (HTTP and WebSocket APIs)', 'integration.error', 'integration.error'),
  k('connectionId', 'string', 'WebSocket connection id', null, 'connectionId'),
  k('connectedAt', 'bigint', 'WebSocket connection time in epoch milliseconds', null, 'connectedAt'),
  k('eventType', 'string', 'WebSocket event: CONNECT, MESSAGE or DISCONNECT', null, 'eventType'),
  k('messageId', 'string', 'WebSocket message id (MESSAGE events only)', null, 'messageId'),
];

/** The variable of a REST column on a v2 kind, or null. */
export function v2Variable(field: LogField, kind: V2Kind): string | null {
  const entry = V2_SOURCES[field.key];
  if (!entry) throw new Error(`log-format: column ${field.key} says nothing about HTTP and WebSocket APIs (add it to V2_SOURCES)`);
  const source = entry[kind === 'HTTP' ? 0 : 1];
  return source === SAME ? field.variable : source;
}

/** The fields a kind's format writes, each with that kind's variable. */
export function fieldsFor(kind: ApiKind): LogField[] {
  if (kind === 'REST') return [...LOG_FIELDS];
  const rest = LOG_FIELDS.flatMap((x) => {
    const variable = v2Variable(x, kind);
    return variable === null ? [] : [{ ...x, variable }];
  });
  const own = V2_FIELDS.flatMap((x) => (x.sources[kind] === null ? [] : [{ ...x, variable: x.sources[kind] as string }]));
  return [...rest, ...own];
}

/**
 * The access-log format of a kind. REST: accessLogFormat() (unchanged, so connected REST stages
 * keep theirs). HTTP and WebSocket: one line ("A single line format", AccessLogSettings.Format in
 * the apigatewayv2 API reference) that starts with the kind as a literal; CloudWatch Logs keeps
 * each line as one log event, and the Lambda ends every row with the newline.
 */
export function accessLogFormatFor(kind: ApiKind): string {
  if (kind === 'REST') return accessLogFormat();
  return `{"${API_KIND_KEY}":"${kind}",${accessLogFormat(fieldsFor(kind)).slice(1).trimEnd()}`;
}

/**
 * Every column of a delivered record, in order: the REST format's fields, then the enrichment, then
 * the columns only HTTP and WebSocket APIs fill (new columns go last, so older rows still read).
 */
export const RECORD_FIELDS: readonly LogField[] = [...LOG_FIELDS, ...ENRICHMENT_FIELDS, ...V2_FIELDS];

/** The keys whose values the Lambda turns into numbers. */
export const NUMERIC_KEYS: readonly string[] = RECORD_FIELDS.filter((x) => x.type !== 'string').map((x) => x.key);

/**
 * The Lambda's field list of a kind (LOG_FIELDS, LOG_FIELDS_HTTP, LOG_FIELDS_WEBSOCKET): for the v2
 * kinds, the literal apiKind first, as their formats write it.
 */
export function lambdaFieldSpecFor(kind: ApiKind): string {
  return kind === 'REST' ? lambdaFieldSpec() : `${API_KIND_KEY},${lambdaFieldSpec(fieldsFor(kind))}`;
}
