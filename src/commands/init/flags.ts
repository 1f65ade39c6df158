/**
 * `init`'s command line, checked before any AWS call: conflicting flags and bad values, and, when
 * nobody can be asked, every missing input, all reported at once as one UsageError (exit 2).
 * (`--project` and `--retention-days` values are checked as commander parses them.)
 */
import type { InitOptions } from './index.js';
import { stageFlagProblems, throwUsageProblems } from '../options.js';
import { projectNameProblem } from '../../core/names.js';

function dashboardProblems(o: InitOptions): string[] {
  const problems: string[] = [];
  if (!o.dashboard && (o.quicksightGroup || o.quicksightUser || o.createGroup)) {
    problems.push('--no-dashboard cannot be used with --quicksight-group, --quicksight-user or --create-group: drop one side');
  }
  if (o.quicksightGroup && o.quicksightUser) problems.push('--quicksight-group and --quicksight-user cannot be used together: the dashboard has one owner');
  if (o.quicksightUser && o.createGroup) problems.push('--create-group cannot be used with --quicksight-user: it creates a group');
  return problems;
}

function missingProblems(o: InitOptions): string[] {
  const missing: string[] = [];
  if (o.project === undefined) missing.push('--project NAME is missing (for example --project api-analytics; the same name upgrades an installation)');
  if (!o.yes && !o.dryRun) missing.push('--yes is missing (it confirms the plan; --dry-run only shows it)');
  // Stages may be left out when upgrading, which only AWS can tell; say so only beside other gaps.
  if (missing.length > 0 && !o.stage?.length && !o.allStages) {
    missing.push('--stage API_ID/STAGE (repeatable) or --all-stages is missing (needed unless you upgrade an existing installation)');
  }
  return missing;
}

function projectProblems(o: InitOptions): string[] {
  const problem = o.project === undefined ? undefined : projectNameProblem(o.project);
  return problem ? [`--project "${o.project}" cannot be used: ${problem}`] : [];
}

export function checkInitFlags(o: InitOptions, interactive: boolean): void {
  const problems = [...projectProblems(o), ...stageFlagProblems(o.stage, o.allStages), ...dashboardProblems(o), ...(interactive ? [] : missingProblems(o))];
  throwUsageProblems(
    problems,
    interactive
      ? 'Fix the flags above and run again.'
      : 'Without a terminal nothing is asked: pass every flag above (run `apigw-log-analytics status` to list the REST API stages), or run init in a terminal.',
  );
}
