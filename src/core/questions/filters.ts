/**
 * The report's record filters (`--stage`, `--domain`, `--customer`, `--usage-plan`): parsed and
 * checked once, then written as one SQL predicate both dialects accept. Each flag is repeatable;
 * values of one flag are alternatives (OR), different flags all apply (AND).
 */
import { UsageError } from '../../errors.js';
import { sqlString } from './dialect.js';

export interface StageFilter {
  /** Set for API_ID/STAGE; absent for a stage name that matches in every API. */
  apiId?: string;
  stage: string;
}

export interface ReportFilters {
  stages: StageFilter[];
  domains: string[];
  /** Matched against the customer id, the API key name and the API key id. */
  customers: string[];
  /** Matched against the usage plan name and id. */
  usagePlans: string[];
}

export interface FilterFlags {
  stage?: string[];
  domain?: string[];
  customer?: string[];
  usagePlan?: string[];
}

export const NO_FILTERS: ReportFilters = { stages: [], domains: [], customers: [], usagePlans: [] };

const API_ID_RE = /^[a-z0-9]{10}$/;
/** API Gateway stage names: letters, digits, hyphens and underscores, up to 128. */
const STAGE_RE = /^[A-Za-z0-9_-]{1,128}$/;
const DOMAIN_RE = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export function parseStage(value: string): StageFilter {
  const v = value.trim();
  const slash = v.indexOf('/');
  if (slash >= 0) {
    const apiId = v.slice(0, slash);
    const stage = v.slice(slash + 1);
    if (API_ID_RE.test(apiId) && STAGE_RE.test(stage)) return { apiId, stage };
  } else if (STAGE_RE.test(v)) {
    return { stage: v };
  }
  throw new UsageError('InvalidStage', `--stage "${value}" is not API_ID/STAGE or a stage name.`, {
    resolution: 'Pass --stage a1b2c3d4e5/prod (the REST API id is 10 lowercase letters and digits) or --stage prod for that stage in every API.',
  });
}

function checkText(flag: string, value: string): string {
  const v = value.trim();
  // eslint-disable-next-line no-control-regex
  if (v === '' || v.length > 1024 || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new UsageError('InvalidFilter', `${flag} "${value}" is empty, too long or has control characters.`, {
      resolution: `Pass ${flag} with the value as it appears in the logs.`,
    });
  }
  return v;
}

export function parseFilters(flags: FilterFlags): ReportFilters {
  return {
    stages: (flags.stage ?? []).map(parseStage),
    domains: (flags.domain ?? []).map((d) => {
      const v = checkText('--domain', d).toLowerCase();
      if (!DOMAIN_RE.test(v)) {
        throw new UsageError('InvalidDomain', `--domain "${d}" is not a domain name.`, {
          resolution: 'Pass the host name clients call, for example --domain api.example.com or --domain a1b2c3d4e5.execute-api.us-east-1.amazonaws.com.',
        });
      }
      return v.replace(/\.$/, '');
    }),
    customers: (flags.customer ?? []).map((c) => checkText('--customer', c)),
    usagePlans: (flags.usagePlan ?? []).map((p) => checkText('--usage-plan', p)),
  };
}

const list = (values: readonly string[]): string => values.map(sqlString).join(', ');

/** The filters as SQL predicates (to be ANDed); none when no filter is set. */
export function filterPredicates(f: ReportFilters): string[] {
  const out: string[] = [];
  if (f.stages.length > 0) {
    const alternatives = f.stages.map((s) =>
      s.apiId ? `(apiId = ${sqlString(s.apiId)} AND stage = ${sqlString(s.stage)})` : `stage = ${sqlString(s.stage)}`,
    );
    out.push(`(${alternatives.join(' OR ')})`);
  }
  // API Gateway logs the Host header as sent; DNS names are case-insensitive.
  if (f.domains.length > 0) out.push(`lower(domainName) IN (${list(f.domains)})`);
  if (f.customers.length > 0) {
    const l = list(f.customers);
    out.push(`(customerId IN (${l}) OR apiKeyName IN (${l}) OR identityApiKeyId IN (${l}))`);
  }
  if (f.usagePlans.length > 0) {
    const l = list(f.usagePlans);
    out.push(`(usagePlanName IN (${l}) OR usagePlanId IN (${l}))`);
  }
  return out;
}

/** A one-line description for the outputs ("stage a1b2c3d4e5/prod; customer cust-1"). */
export function describeFilters(f: ReportFilters): string {
  const parts: string[] = [];
  if (f.stages.length) parts.push(`stage ${f.stages.map((s) => (s.apiId ? `${s.apiId}/${s.stage}` : s.stage)).join(' or ')}`);
  if (f.domains.length) parts.push(`domain ${f.domains.join(' or ')}`);
  if (f.customers.length) parts.push(`customer ${f.customers.join(' or ')}`);
  if (f.usagePlans.length) parts.push(`usage plan ${f.usagePlans.join(' or ')}`);
  return parts.join('; ');
}
