import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodeStarConnectionsClient } from '@aws-sdk/client-codestar-connections';
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

/** Every SDK client the CLI uses, mocked (aws-sdk-client-mock), reset for each test that calls it. */
export function mockAws() {
  const mocks = {
    sts: mockClient(STSClient),
    cloudFormation: mockClient(CloudFormationClient),
    codePipeline: mockClient(CodePipelineClient),
    codeCommit: mockClient(CodeCommitClient),
    connections: mockClient(CodeStarConnectionsClient),
  };
  for (const mock of Object.values(mocks)) {
    mock.reset();
  }
  return mocks;
}

/** Real SDK clients (whose `send` the mocks replace) in a fixed region; null: no region configured. */
export function testClients(configured: string | null = 'eu-west-1'): AwsClients {
  const region = configured ?? undefined;
  const config = { region: region ?? 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
  return {
    sts: new STSClient(config),
    cloudFormation: new CloudFormationClient(config),
    codePipeline: new CodePipelineClient(config),
    codeCommit: new CodeCommitClient(config),
    connections: new CodeStarConnectionsClient(config),
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
  /** How many sleeps before `signal.stopped` is set. */
  stopAfterSleeps?: number;
  env?: Record<string, string | undefined>;
}) {
  const out: string[] = [];
  const err: string[] = [];
  const runs: FakeRun[] = [];
  const sleeps: number[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  const exitCodes = [...(options.exitCodes ?? [])];
  let clock = Date.parse('2026-11-26T14:00:00Z');
  const signal = { stopped: false };
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
    clients: () => options.clients ?? testClients(),
    ask: async (question) => {
      questions.push(question);
      out.push(question);
      return answers.shift();
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      if (options.stopAfterSleeps !== undefined && sleeps.length >= options.stopAfterSleeps) {
        signal.stopped = true;
      }
    },
    now: () => new Date(clock),
    signal,
  };
  return {
    cliEnv,
    runs,
    sleeps,
    questions,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    run: (argv: string[]) => runCli(argv, cliEnv, { version: '1.2.3' }),
  };
}
