/**
 * The IAM actions each read-only command calls, in one place: the command's `--help` prints them
 * and test/cli/docs.test.ts checks that README.md and docs/iam.md name every one, so help and docs
 * cannot drift apart. (init's full policy is long; its help points to docs/iam.md.)
 */

export interface PermissionLine {
  actions: string[];
  /** Where, when the action is scoped ("on /restapis and /restapis/STAR/stages"). */
  on?: string;
  /** When the command needs it, if not always. */
  when?: string;
}

export const STATUS_PERMISSIONS: readonly PermissionLine[] = [
  { actions: ['sts:GetCallerIdentity', 'cloudformation:DescribeStacks'] },
  { actions: ['apigateway:GET'], on: '/restapis and /restapis/*/stages' },
  { actions: ['s3:ListBucket', 's3:GetObject'], on: 'the log bucket', when: 'for the health check' },
  { actions: ['cloudwatch:GetMetricData'], when: 'for the health check' },
  { actions: ['quicksight:DescribeDashboard'], when: 'for the health check' },
];

/** The help text's "Permissions:" paragraph, wrapped at 100 columns. */
export function permissionsHelp(lines: readonly PermissionLine[], trailer?: string): string {
  const parts = lines.map((l) => `${l.actions.join(', ')}${l.on ? ` on ${l.on}` : ''}${l.when ? ` (${l.when})` : ''}`);
  const text = `Permissions: ${parts.join('; ')}.${trailer ? ` ${trailer}` : ''}`;
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > 100) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join('\n');
}

/** Every action named, for the docs check. */
export const actionsOf = (lines: readonly PermissionLine[]): string[] => lines.flatMap((l) => l.actions);
