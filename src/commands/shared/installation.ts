/**
 * Finding the installation a command works on: `--project`, else the only one in the region, else
 * a picker; never a local file. Not found lists the ones that exist.
 */
import type { CloudFormationApi } from '../../aws/cloudformation.js';
import type { RunContext } from '../../context.js';
import { installationsFromStacks, type Installation } from '../../core/installations.js';
import { TOOL } from '../../core/names.js';
import type { OUTPUT_KEYS } from '../../core/outputs.js';
import { UserError } from '../../errors.js';

export async function listInstallations(cfn: CloudFormationApi): Promise<Installation[]> {
  return installationsFromStacks(await cfn.listStacks());
}

export async function chooseInstallation(installations: readonly Installation[], project: string | undefined, ctx: RunContext, region: string): Promise<Installation> {
  if (project !== undefined) {
    const found = installations.find((i) => i.project === project);
    if (found) return found;
    throw new UserError('InstallationNotFound', `No ${TOOL} installation "${project}" in ${region}.`, {
      resolution:
        installations.length > 0
          ? `Installations in ${region}: ${installations.map((i) => i.project).join(', ')}. Pass one of them to --project, or --region for another region.`
          : `There is none in ${region}: run \`${TOOL} init\` to create one, or pass --region for another region.`,
    });
  }
  if (installations.length === 1) return installations[0] as Installation;
  if (installations.length === 0) {
    throw new UserError('InstallationNotFound', `No ${TOOL} installation in ${region}.`, {
      resolution: `Run \`${TOOL} init\` to create one, or pass --region for the region it is in.`,
    });
  }
  if (!ctx.interactive) {
    throw new UserError('AmbiguousInstallation', `${installations.length} installations in ${region}; which one?`, {
      resolution: `Pass --project (one of ${installations.map((i) => i.project).join(', ')}).`,
    });
  }
  const chosen = await ctx.prompter.select<string>({
    message: 'Which installation? [--project]',
    choices: installations.map((i) => ({ name: `${i.project}  (${i.stackStatus})`, value: i.project })),
  });
  return installations.find((i) => i.project === chosen) as Installation;
}

/** The outputs a command needs, or an error that says the stack is not usable yet. */
export function requireOutputs(inst: Installation, keys: ReadonlyArray<(typeof OUTPUT_KEYS)[keyof typeof OUTPUT_KEYS]>): Record<string, string> {
  const missing = keys.filter((k) => !inst.outputs[k]);
  if (missing.length > 0) {
    throw new UserError('InstallationIncomplete', `Installation "${inst.project}" (stack ${inst.stackName}, ${inst.stackStatus}) has no ${missing.join(', ')} output.`, {
      resolution: `Run \`${TOOL} status --project ${inst.project}\` to see its state; \`${TOOL} init --project ${inst.project}\` finishes or repairs it.`,
    });
  }
  return inst.outputs;
}
