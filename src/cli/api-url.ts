import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { AwsClients, CliEnv, CliError, errorName, InterruptedError, messageOf } from './env';
import { Platform } from './platform';
import { latestRun, LatestRun, pipelineStatus } from './status';
import { formatDuration } from './table';

// The backend's Api stack writes the API URL parameter (naming.apiUrlParameterName); in frontend pipeline mode
// the frontend stack (each app's connect-src) and the app pipeline stacks (config.json) read it when they deploy.

/** The parameter's value; undefined when it does not exist. Throws the SDK's error otherwise. */
export async function getApiUrl(clients: AwsClients, name: string): Promise<string | undefined> {
  try {
    return (await clients.ssm.send(new GetParameterCommand({ Name: name })))?.Parameter?.Value;
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound') {
      return undefined;
    }
    throw error;
  }
}

/** Whether an AWS error is a refusal by IAM. */
export function isAccessDenied(error: unknown): boolean {
  return /^AccessDenied/.test(errorName(error)) || /not authorized to perform/.test(messageOf(error));
}

/** `arn:aws:ssm:<region>:<account>:parameter/e-com67/api-url`. */
export function parameterArn(name: string, region: string, account = '<account>'): string {
  return `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`;
}

/**
 * The parameter's value for deploy, undefined when it does not exist; a CliError for no region, access denied
 * (naming the permission) or any other failure.
 */
export async function readApiUrl(platform: Platform, clients: AwsClients, name = platform.naming.apiUrlParameterName): Promise<string | undefined> {
  const region = await clients.region();
  if (!region) {
    throw new CliError(`no AWS region configured, and deploy first reads the API URL parameter ${name} there: set AWS_REGION, give --region, or set a region in your AWS profile`);
  }
  try {
    return await getApiUrl(clients, name);
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw error;
    }
    if (isAccessDenied(error)) {
      throw new CliError(`not allowed to read the API URL parameter ${name}: deploy reads it to know whether the backend has been deployed; `
        + `allow ssm:GetParameter on ${parameterArn(name, region)} (${messageOf(error)})`);
    }
    throw new CliError(`could not read the API URL parameter ${name} in ${region}: ${messageOf(error)} (ecom-platform doctor checks credentials and region)`);
  }
}

/** How waiting for the parameter ended. */
export interface WaitResult {
  readonly ok: boolean;
  /** For the summary: ok, timed out, pipeline failed, stopped. */
  readonly result: string;
  /** Why it did not end well, with what to do: one line. */
  readonly message?: string;
}

/**
 * Polls the parameter every `intervalSeconds` until it exists, for at most `waitMinutes`, printing a progress
 * line when the backend pipeline's latest execution moves on (and at least every minute). Ends early when
 * that execution fails or is stopped (the parameter would never come), or when it succeeded and the parameter
 * still does not exist (the Api stack writes another name), and at Ctrl-C.
 */
export async function waitForApiUrl(platform: Platform, clients: AwsClients, cliEnv: CliEnv,
  options: { waitMinutes: number; intervalSeconds: number; name?: string }): Promise<WaitResult> {
  const name = options.name ?? platform.naming.apiUrlParameterName;
  const pipeline = platform.backendPipeline.pipelineName;
  const region = await clients.region();
  const started = cliEnv.now().getTime();
  const waitMs = options.waitMinutes * 60_000;
  const again = 'run ecom-platform deploy all again';
  cliEnv.out.write(`${pipeline} starts its first run when it is created; it deploys the backend, whose Api stack writes ${name}.\n`
    + `Checking every ${options.intervalSeconds}s for up to ${options.waitMinutes} minute${options.waitMinutes === 1 ? '' : 's'}; Ctrl-C to stop.\n`);
  let lastLine = '';
  let lastPrinted = -Infinity;
  let statusError: string | undefined;
  for (;;) {
    const value = await readApiUrl(platform, clients, name);
    const elapsed = cliEnv.now().getTime() - started;
    if (value !== undefined) {
      cliEnv.out.write(`  ${formatDuration(elapsed).padEnd(7)}  ${name} = ${value}\n`);
      return { ok: true, result: 'ok' };
    }
    let run: LatestRun | undefined;
    try {
      run = latestRun(await pipelineStatus(clients, platform.backendPipeline, { revisions: false }));
    } catch (error) {
      // The pipeline's state is only shown: without it, the wait goes on.
      statusError ??= messageOf(error);
    }
    if (run && ['Failed', 'Stopped', 'Cancelled'].includes(run.status)) {
      const how = run.status === 'Failed' ? `failed in stage ${run.stage}: ${(run.failure ?? 'see the pipeline in the console').replace(/\s+/g, ' ').slice(0, 300)}`
        : `was ${run.status.toLowerCase()} in stage ${run.stage}`;
      return {
        ok: false,
        result: `FAILED (pipeline ${run.status.toLowerCase()})`,
        message: `${pipeline}'s execution ${run.executionId} ${how}; so ${name} was not written: fix it and push (or release a change in the console), then ${again}`,
      };
    }
    if (run?.status === 'Succeeded' && await readApiUrl(platform, clients, name) === undefined) {
      return {
        ok: false,
        result: 'FAILED (no parameter)',
        message: `${pipeline}'s execution ${run.executionId} succeeded, yet ${name} does not exist in ${region}: `
          + `the backend's Api stack must write it (ssm.StringParameter with parameterName naming.apiUrlParameterName), then ${again}`,
      };
    }
    const line = `${name} not there yet; ${pipeline}: ${run ? describeRun(run) : `state unknown (${statusError})`}`;
    if (line !== lastLine || elapsed - lastPrinted >= 60_000) {
      cliEnv.out.write(`  ${formatDuration(elapsed).padEnd(7)}  ${line}\n`);
      lastLine = line;
      lastPrinted = elapsed;
    }
    if (elapsed >= waitMs) {
      return {
        ok: false,
        result: `FAILED (timed out, ${options.waitMinutes}m)`,
        message: `${name} still does not exist in ${region} after ${options.waitMinutes} minute${options.waitMinutes === 1 ? '' : 's'}: see ecom-platform status for ${pipeline}; `
          + `once its execution has deployed the backend, ${again} (or wait longer with --wait-minutes)`,
      };
    }
    if (cliEnv.signal.aborted) {
      break;
    }
    await cliEnv.sleep(Math.min(options.intervalSeconds * 1000, waitMs - elapsed));
    if (cliEnv.signal.aborted) {
      break;
    }
  }
  return {
    ok: false,
    result: 'stopped (Ctrl-C)',
    message: `stopped waiting for ${name} (Ctrl-C): once ${pipeline} has deployed the backend, ${again}`,
  };
}

function describeRun(run: LatestRun): string {
  switch (run.status) {
    case 'NotFound': return 'not found';
    case 'NotStarted': return 'no execution yet';
    default: return `execution ${run.executionId?.slice(0, 8)} ${run.stage ? `${run.stage} ` : ''}${run.status}`;
  }
}
