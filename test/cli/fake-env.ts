import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { ActionExecutionStatus, ActionState, CodePipelineClient, GetPipelineExecutionCommand, GetPipelineStateCommand, StageExecutionStatus } from '@aws-sdk/client-codepipeline';
import { CodeStarConnectionsClient } from '@aws-sdk/client-codestar-connections';
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../../src/cli/cli';
import { AwsClients, CliEnv, RunOptions } from '../../src/cli/env';

// The SDK's notice about Node.js 20 is not what these tests look at.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** An AWS SDK error as the SDK throws it (its `name` is what the CLI reads). */
export function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** CloudFormation's error for a stack that does not exist. */
export function stackMissing(stackName: string): Error {
  return awsError('ValidationError', `Stack with id ${stackName} does not exist`);
}

/**
 * What status prints under the pipelines by default (context ecom:monitoring unset, in eu-west-1): the monitoring
 * stacks, not deployed.
 */
export const MONITORING_NOT_DEPLOYED = [
  '',
  'Monitoring stacks (dashboard and alarms):',
  'STACK                        REGION     STATUS        WHAT',
  'E-Com67-MonitoringStack      eu-west-1  not deployed  dashboard and alarms',
  'E-Com67-EdgeMonitoringStack  us-east-1  not deployed  alarms on CloudFront metrics (us-east-1)',
  '',
].join('\n');

/** The API URL the backend's Api stack writes to /e-com67/api-url in these tests. */
export const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/';

/** SSM's error for a parameter that does not exist. */
export function parameterMissing(name = '/e-com67/api-url'): Error {
  return awsError('ParameterNotFound', `Parameter ${name} not found.`);
}

/**
 * Every SDK client the CLI uses, mocked (aws-sdk-client-mock), reset for each test that calls it. As in a
 * fresh account, the API URL parameter does not exist: `aws.ssm.on(GetParameterCommand).resolves(apiUrlParameter())`.
 */
export function mockAws() {
  const mocks = {
    sts: mockClient(STSClient),
    cloudFormation: mockClient(CloudFormationClient),
    codePipeline: mockClient(CodePipelineClient),
    codeCommit: mockClient(CodeCommitClient),
    connections: mockClient(CodeStarConnectionsClient),
    ssm: mockClient(SSMClient),
  };
  for (const mock of Object.values(mocks)) {
    mock.reset();
  }
  mocks.ssm.on(GetParameterCommand).rejects(parameterMissing());
  mocks.cloudFormation.on(DescribeStacksCommand).callsFake(async (input) => {
    throw stackMissing(input.StackName);
  });
  return mocks;
}

/** GetParameter's answer for the API URL parameter. */
export function apiUrlParameter(name = '/e-com67/api-url', value = API_URL) {
  return { Parameter: { Name: name, Type: 'String' as const, Value: value, Version: 1 } };
}

/**
 * Real SDK clients (whose `send` the mocks replace) in a fixed region; null: no region configured. With an
 * `endpoint`, they talk to it for real, one attempt each (a refused connection fails fast).
 */
export function testClients(configured: string | null = 'eu-west-1', endpoint?: string): AwsClients {
  const region = configured ?? undefined;
  const config = {
    region: region ?? 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    ...(endpoint ? { endpoint, maxAttempts: 1 } : {}),
  };
  return {
    sts: new STSClient(config),
    cloudFormation: new CloudFormationClient(config),
    codePipeline: new CodePipelineClient(config),
    codeCommit: new CodeCommitClient(config),
    connections: new CodeStarConnectionsClient(config),
    ssm: new SSMClient(config),
    codeBuild: new CodeBuildClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    kvs: new CloudFrontKeyValueStoreClient(config),
    region: async () => region,
  };
}

/** A CDK app folder with a cdk.json (and, unless `cdk: false`, a CDK CLI in node_modules/.bin). */
export function appFolder(options: { context?: Record<string, unknown>; cdkJson?: boolean; cdk?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecom-cli-app-'));
  if (options.cdkJson ?? true) {
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'npx ts-node app.ts', context: options.context ?? {} }));
  }
  if (options.cdk ?? true) {
    fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', '.bin', 'cdk'), '#!/bin/sh\necho "2.1148.1 (build test)"\n', { mode: 0o755 });
  }
  return dir;
}

export interface FakeRun {
  readonly command: string;
  readonly args: string[];
  readonly options: RunOptions;
}

/** A CliEnv recording what the CLI prints and runs, answering questions from a script. */
export function fakeEnv(options: {
  cwd: string;
  interactive?: boolean;
  answers?: string[];
  /** Exit codes of successive `run`s (default 0). */
  exitCodes?: number[];
  clients?: AwsClients;
  /** Clients for the options the CLI asks them with (its region, --profile), instead of `clients`. */
  clientsFor?: (clientOptions: { region?: string; profile?: string }) => AwsClients;
  /** How many sleeps before Ctrl-C (the signal aborts). */
  stopAfterSleeps?: number;
  env?: Record<string, string | undefined>;
  /** Requests to a site (rollback's wait); default: none expected. */
  fetch?: (url: string | URL, init?: RequestInit) => Promise<Response>;
}) {
  const out: string[] = [];
  const err: string[] = [];
  const runs: FakeRun[] = [];
  const sleeps: number[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  const exitCodes = [...(options.exitCodes ?? [])];
  let clock = Date.parse('2026-11-26T14:00:00Z');
  const controller = new AbortController();
  const cliEnv: CliEnv = {
    out: { write: (t) => { out.push(t); } },
    err: { write: (t) => { err.push(t); } },
    cwd: options.cwd,
    env: options.env ?? { PATH: '' },
    interactive: options.interactive ?? false,
    nodeVersion: '20.11.1',
    runner: {
      run: async (command, args, runOptions) => {
        runs.push({ command, args, options: runOptions });
        clock += 42_000;
        return exitCodes.shift() ?? 0;
      },
      capture: async (command, args, runOptions) => {
        runs.push({ command, args, options: runOptions });
        return { code: 0, output: '2.1148.1 (build test)\n' };
      },
    },
    clients: (clientOptions) => options.clientsFor?.(clientOptions) ?? options.clients ?? testClients(),
    fetch: options.fetch ?? (async (url) => {
      throw new Error(`no site stub for ${String(url)}`);
    }),
    ask: async (question) => {
      questions.push(question);
      out.push(question);
      return answers.shift();
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      if (options.stopAfterSleeps !== undefined && sleeps.length >= options.stopAfterSleeps) {
        controller.abort();
      }
    },
    now: () => new Date(clock),
    signal: controller.signal,
  };
  return {
    cliEnv,
    runs,
    sleeps,
    questions,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    /** Ctrl-C. */
    interrupt: () => controller.abort(),
    run: (argv: string[]) => runCli(argv, cliEnv, { version: '1.2.3' }),
  };
}

const T = (iso: string) => new Date(iso);

function action(name: string, status: string, lastStatusChange: string, extra: Record<string, unknown> = {}): ActionState {
  return { actionName: name, latestExecution: { status: status as ActionExecutionStatus, lastStatusChange: T(lastStatusChange), ...extra } };
}

/**
 * E-Com67's pipelines, mocked: the backend one succeeded (so the API URL parameter exists), the admin one is
 * building, the customer one failed.
 */
export function mockThreePipelines() {
  const aws = mockAws();
  aws.ssm.on(GetParameterCommand).resolves(apiUrlParameter());
  aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-backend-pipeline' }).resolves({
    pipelineName: 'e-com67-backend-pipeline',
    stageStates: [
      { stageName: 'Source', latestExecution: { pipelineExecutionId: 'exec-b', status: 'Succeeded' as StageExecutionStatus }, actionStates: [action('CodeCommit', 'Succeeded', '2026-11-26T13:00:00Z')] },
      { stageName: 'Build', latestExecution: { pipelineExecutionId: 'exec-b', status: 'Succeeded' as StageExecutionStatus }, actionStates: [action('Synth', 'Succeeded', '2026-11-26T13:04:10Z')] },
      { stageName: 'Deploy', latestExecution: { pipelineExecutionId: 'exec-b', status: 'Succeeded' as StageExecutionStatus }, actionStates: [action('Data', 'Succeeded', '2026-11-26T13:09:00Z'), action('Api', 'Succeeded', '2026-11-26T13:12:30Z')] },
    ],
  });
  aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-admin-dashboard-pipeline' }).resolves({
    stageStates: [
      { stageName: 'Source', latestExecution: { pipelineExecutionId: 'exec-a', status: 'Succeeded' as StageExecutionStatus }, actionStates: [action('Source', 'Succeeded', '2026-11-26T13:50:00Z')] },
      { stageName: 'Build', latestExecution: { pipelineExecutionId: 'exec-a', status: 'InProgress' as StageExecutionStatus }, actionStates: [action('Build', 'InProgress', '2026-11-26T13:51:00Z')] },
      { stageName: 'Deploy', actionStates: [{ actionName: 'Deploy' }] },
    ],
  });
  aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-customer-app-pipeline' }).resolves({
    stageStates: [
      { stageName: 'Source', latestExecution: { pipelineExecutionId: 'exec-c', status: 'Succeeded' as StageExecutionStatus }, actionStates: [action('Source', 'Succeeded', '2026-11-26T12:00:00Z')] },
      {
        stageName: 'Build',
        latestExecution: { pipelineExecutionId: 'exec-c', status: 'Failed' as StageExecutionStatus },
        actionStates: [action('Build', 'Failed', '2026-11-26T12:03:00Z', { errorDetails: { code: 'JobFailed', message: 'Error calling startBuild: npm ci exited with 1' } })],
      },
    ],
  });
  const revisions: Record<string, string> = { 'exec-b': '0123456789abcdef0123', 'exec-a': 'aaaabbbbccccdddd', 'exec-c': 'cccc1111dddd2222' };
  aws.codePipeline.on(GetPipelineExecutionCommand).callsFake(async ({ pipelineExecutionId }) => ({
    pipelineExecution: { pipelineExecutionId, artifactRevisions: [{ name: 'Source', revisionId: revisions[pipelineExecutionId] }] },
  }));
  return aws;
}

/** `ecom-platform status` for `mockThreePipelines()`. */
export const THREE_PIPELINES_TABLE = [
  'PIPELINE                          STAGE   STATUS      LAST CHANGE           REVISION',
  'e-com67-backend-pipeline          Source  Succeeded   2026-11-26 13:00 UTC  01234567',
  '                                  Build   Succeeded   2026-11-26 13:04 UTC  01234567',
  '                                  Deploy  Succeeded   2026-11-26 13:12 UTC  01234567',
  'e-com67-admin-dashboard-pipeline  Source  Succeeded   2026-11-26 13:50 UTC  aaaabbbb',
  '                                  Build   InProgress  2026-11-26 13:51 UTC  aaaabbbb',
  '                                  Deploy  NotRun      -                     -',
  'e-com67-customer-app-pipeline     Source  Succeeded   2026-11-26 12:00 UTC  cccc1111',
  '                                  Build   Failed      2026-11-26 12:03 UTC  cccc1111',
  '    ! Error calling startBuild: npm ci exited with 1',
  '',
].join('\n');
