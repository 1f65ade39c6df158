import { Option, type Command } from 'commander';
import { TOOL as BIN } from '../../core/names.js';
import { collect, parseProject, wholeNumber, type RunContextFor } from '../options.js';

export interface ReportOptions {
  project?: string;
  /** Files or folders of access logs: read locally, no AWS (repeatable, or several after one flag). */
  local?: string | string[];
  /** Any file or line left out of a --local or --from-bucket report is a failure (exit 1). */
  strict?: boolean;
  /** Download the window's objects from the installation's bucket and read them locally. */
  fromBucket: boolean;
  since?: string;
  from?: string;
  to?: string;
  stage?: string[];
  domain?: string[];
  customer?: string[];
  usagePlan?: string[];
  top?: number;
  json: boolean;
  csv?: string;
  html?: string;
  /** Install the local engine without asking. */
  yes: boolean;
}


export function registerReport(program: Command, runContext: RunContextFor): void {
  program
    .command('report')
    .summary('answer the dashboard\'s questions from Athena, the log bucket or local files, without QuickSight')
    .description(
      'Totals, error rate and status codes, top routes, 4xx by cause, 5xx by route, top customers and API keys ' +
        'with usage plans and quota hits, authentication methods, top user agents and IPs, p50/p90/p99 latency ' +
        'per route and requests per hour, over a time window. By default one Athena query on the installation\'s ' +
        'workgroup (bytes scanned and cost are printed); --from-bucket downloads the window\'s objects instead; ' +
        '--local reads log files on this machine and needs no AWS account. Changes nothing (Athena keeps its ' +
        'query results under the bucket\'s athena-results/ prefix, where they expire).',
    )
    .addOption(new Option('--project <name>', 'the installation to query (default: the only one in the region)').argParser(parseProject))
    .addOption(new Option('--local <paths...>', 'read access logs from files or folders (gzip or plain JSON lines) instead of AWS; several paths, or the flag repeated'))
    .addOption(new Option('--strict', 'with --local or --from-bucket: fail (exit 1) when any file or line cannot be read, instead of skipping it and saying so').default(false))
    .addOption(new Option('--from-bucket', 'download the window\'s log objects from the installation\'s bucket and query them locally').default(false))
    .addOption(new Option('--since <duration>', 'window ending now (or at --to): 24h, 7d, 30d... (default 24h; --local: every record)'))
    .addOption(new Option('--from <time>', 'window start, UTC: 2026-11-01 or 2026-11-01T13:00'))
    .addOption(new Option('--to <time>', 'window end, UTC (a date includes that whole day; default now)'))
    .addOption(new Option('--stage <stage>', 'only this stage: API_ID/STAGE, or a stage name in any API (repeatable)').argParser(collect))
    .addOption(new Option('--domain <name>', 'only requests to this domain name (repeatable)').argParser(collect))
    .addOption(new Option('--customer <id>', 'only this customer id, API key name or API key id (repeatable)').argParser(collect))
    .addOption(new Option('--usage-plan <name>', 'only this usage plan, by name or id (repeatable)').argParser(collect))
    .addOption(new Option('--top <n>', 'rows in each top-N table (1 to 1000)').argParser(wholeNumber(1, 1000)))
    .addOption(new Option('--json', 'print the report as JSON on stdout').default(false))
    .addOption(new Option('--csv <dir>', 'also write one CSV file per question into this folder'))
    .addOption(new Option('--html <file>', 'also write the report as one self-contained HTML page with charts'))
    .addOption(new Option('-y, --yes', 'install the local query engine (DuckDB, about 24 MB) without asking, when --local or --from-bucket needs it').default(false))
    .addHelpText(
      'after',
      `
Cost: the Athena source runs one query that reads the window's days once (Athena: $5 per TB,
10 MB minimum); --from-bucket pays S3 requests and data transfer instead; --local is free.
--local and --from-bucket read what they can: a damaged file or line, or JSON that is not an
access log (no requestId), is skipped and named on stderr (and in --json, source.skipped).
--json prints every time as an ISO 8601 UTC string (docs/report-json.md).
The local engine (DuckDB) is not part of the package: the first --local or --from-bucket run
installs it once into your cache folder (asks first; --yes to agree in scripts).

Permissions (Athena): cloudformation:DescribeStacks, athena:StartQueryExecution,
athena:GetQueryExecution, athena:GetQueryResults, athena:StopQueryExecution, glue:GetDatabase,
glue:GetTable, s3:GetObject and s3:ListBucket on the log bucket, s3:PutObject on its
athena-results/ prefix. --from-bucket: cloudformation:DescribeStacks, s3:ListBucket, s3:GetObject.

Examples:
  $ npx ${BIN} report --local assets/sample            # no AWS account needed
  $ npx ${BIN} report --local logs/*.gz --strict       # several files; fail if any cannot be read
  $ npx ${BIN} report --since 7d --stage a1b2c3d4e5/prod
  $ npx ${BIN} report --from 2026-11-01 --to 2026-11-07 --html report.html --csv report-csv`,
    )
    .action(async (opts: ReportOptions, command: Command) => {
      const { runReport } = await import('./run.js');
      await runReport(opts, runContext(command));
    });
}
