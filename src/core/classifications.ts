/**
 * How requests are classified, shared by the report's SQL (src/core/questions/questions.ts), the
 * hourly rollup the dashboard reads (src/core/rollup.ts: the authentication method) and the
 * dashboard's calculated fields (src/template/quicksight/definition/fields.ts: the error type): one
 * definition, so the terminal report and QuickSight put a request in the same category. Plain data (field names
 * and gateway response types, no SQL), so each side generates its own expression from it.
 */

/**
 * 4xx error types, in the order they are tested. API Gateway names its own responses in
 * `errorResponseType` (its gateway response types); a 4xx without one came from the backend.
 */
export const CLIENT_ERROR_TYPES: ReadonlyArray<{ label: string; responseTypes: readonly string[] }> = [
  { label: 'Quota exceeded', responseTypes: ['QUOTA_EXCEEDED'] },
  { label: 'Throttled', responseTypes: ['THROTTLED'] },
  { label: 'Unauthorized', responseTypes: ['UNAUTHORIZED'] },
  { label: 'Invalid signature', responseTypes: ['INVALID_SIGNATURE', 'EXPIRED_TOKEN'] },
  { label: 'Access denied', responseTypes: ['ACCESS_DENIED'] },
  { label: 'Invalid API key', responseTypes: ['INVALID_API_KEY'] },
  { label: 'Blocked by WAF', responseTypes: ['WAF_FILTERED'] },
  { label: 'Missing auth token or unknown route', responseTypes: ['MISSING_AUTHENTICATION_TOKEN'] },
  { label: 'Bad request', responseTypes: ['BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY', 'REQUEST_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] },
  { label: 'Resource not found', responseTypes: ['RESOURCE_NOT_FOUND'] },
];
export const OTHER_GATEWAY_ERROR = 'Other gateway response';
export const BACKEND_ERROR = 'Returned by the backend';

/**
 * How the caller was identified, from what API Gateway logged: the first method one of whose
 * fields is present wins. Cognito identity pool credentials are IAM credentials too, so they are
 * tested before IAM; a request an authorizer or IAM refused before any identity was known is
 * counted apart rather than as "None". Structural (field names, not SQL), so the QuickSight
 * dataset's calculated field can be generated from the same list.
 */
export const AUTH_METHODS: ReadonlyArray<{ label: string; anyPresent: readonly string[] }> = [
  { label: 'Cognito identity pool (IAM)', anyPresent: ['identityCognitoIdentityId'] },
  { label: 'IAM (SigV4)', anyPresent: ['identityUserArn'] },
  { label: 'Cognito user pool', anyPresent: ['sub'] },
  { label: 'Lambda authorizer', anyPresent: ['authorizerPrincipalId'] },
  { label: 'Refused by authorizer or IAM', anyPresent: ['authorizerStatus', 'authorizeStatus'] },
  { label: 'API key only', anyPresent: ['identityApiKeyId'] },
];
export const NO_AUTH = 'None';
