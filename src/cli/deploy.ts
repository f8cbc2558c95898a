import { PlatformNaming } from '../platform-naming';
import { DeployTarget } from './args';
import { locateCdk } from './cdk-cli';
import { CliEnv, CliError } from './env';
import { Platform } from './platform';
import { formatDuration, table } from './table';
import { BACKEND_PIPELINE_CONTEXT, FRONTEND_PIPELINES_CONTEXT } from '../private/context-keys';


/** One `cdk deploy` of a deploy target. */
export interface DeployStep {
  readonly title: string;
  readonly stacks: string[];
}

/** The steps of a target; `all` is the seed's order: backend pipeline, frontend stack, frontend pipelines. */
export function deploySteps(platform: Platform, target: DeployTarget): DeployStep[] {
  const backend = { title: 'Backend pipeline', stacks: [platform.backendPipeline.stackName] };
  const frontend = { title: 'Frontend stack', stacks: [platform.naming.frontendStackName] };
  const pipelines = { title: 'Frontend pipelines', stacks: platform.appPipelines.map((p) => p.stackName) };
  switch (target) {
    case 'backend-pipeline': return [backend];
    case 'frontend': return [frontend];
    case 'frontend-pipelines': return [pipelines];
    case 'all': return [backend, frontend, pipelines];
  }
}

/**
 * The CDK CLI arguments of a step. Every step synthesizes the app in pipeline mode (both context switches
 * on), so the frontend stack is the same whichever step deploys it; a naming given with --project/--prefix
 * reaches the app as the context EcomPlatform reads.
 */
export function cdkDeployArgs(platform: Platform, step: DeployStep, profile?: string): string[] {
  const args = ['deploy', ...step.stacks, '--require-approval', 'never',
    '--context', `${BACKEND_PIPELINE_CONTEXT}=true`, '--context', `${FRONTEND_PIPELINES_CONTEXT}=true`];
  if (platform.namingFromOptions) {
    args.push('--context', `${PlatformNaming.PROJECT_NAME_CONTEXT}=${platform.naming.projectName}`,
      '--context', `${PlatformNaming.STACK_PREFIX_CONTEXT}=${platform.naming.stackPrefix}`);
  }
  if (profile) {
    args.push('--profile', profile);
  }
  return args;
}

/**
 * Runs the steps of a target in order with the CDK CLI, each under a header, and prints a summary; stops at
 * the first step that fails. Resolves to the exit code: 0, or the failed step's.
 */
export async function deploy(platform: Platform, target: DeployTarget, cliEnv: CliEnv,
  options: { region?: string; profile?: string }): Promise<number> {
  if (!platform.cdkJson) {
    throw new CliError(`no cdk.json in ${platform.appDir}: run ecom-platform in your CDK app's folder or pass --app <folder>`);
  }
  const cdk = locateCdk(platform.appDir, cliEnv.env);
  if (!cdk) {
    throw new CliError('the CDK CLI is not installed: npm install -g aws-cdk (or npm install --save-dev aws-cdk in the app)');
  }
  const steps = deploySteps(platform, target);
  const results: Array<{ step: DeployStep; result: string; ms?: number }> = [];
  let exitCode = 0;
  for (const [i, step] of steps.entries()) {
    if (exitCode !== 0) {
      results.push({ step, result: 'skipped' });
      continue;
    }
    const args = cdkDeployArgs(platform, step, options.profile);
    cliEnv.out.write(`\n==> Step ${i + 1}/${steps.length}: ${step.title} (${step.stacks.join(', ')})\n$ cdk ${args.join(' ')}\n\n`);
    const started = cliEnv.now().getTime();
    const code = await cliEnv.runner.run(cdk, args, { cwd: platform.appDir, env: options.region ? { AWS_REGION: options.region } : undefined });
    const ms = cliEnv.now().getTime() - started;
    results.push({ step, result: code === 0 ? 'ok' : `FAILED (exit ${code})`, ms });
    exitCode = code;
  }
  cliEnv.out.write(`\nSummary of deploy ${target}:\n`);
  cliEnv.out.write(table(['STEP', 'RESULT', 'TIME', 'STACKS'],
    results.map(({ step, result, ms }) => [step.title, result, ms === undefined ? '-' : formatDuration(ms), step.stacks.join(' ')])));
  return exitCode;
}
