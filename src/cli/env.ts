import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodeStarConnectionsClient } from '@aws-sdk/client-codestar-connections';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/** Where the CLI writes text. */
export interface Output {
  write(text: string): void;
}

/** How the CLI starts other programs (the CDK CLI): injectable, so tests see the exact command lines. */
export interface CommandRunner {
  /** Runs a command with the terminal's input and output; resolves to its exit code. */
  run(command: string, args: string[], options: RunOptions): Promise<number>;
  /** Runs a command and resolves to its exit code and combined output. */
  capture(command: string, args: string[], options: RunOptions): Promise<{ code: number; output: string }>;
}

export interface RunOptions {
  readonly cwd: string;
  /** Variables added to the CLI's own environment. */
  readonly env?: Record<string, string>;
}

/** The AWS SDK v3 clients the CLI uses, for one region and profile. */
export interface AwsClients {
  readonly sts: STSClient;
  readonly cloudFormation: CloudFormationClient;
  readonly codePipeline: CodePipelineClient;
  readonly codeCommit: CodeCommitClient;
  readonly connections: CodeStarConnectionsClient;
  /** Reads the API URL parameter (deploy, doctor). */
  readonly ssm: SSMClient;
  /** Reads an app's deploy project: where its releases are (releases, rollback). */
  readonly codeBuild: CodeBuildClient;
  /** Reads an app's bucket: the release manifests (releases, rollback). */
  readonly s3: S3Client;
  /** Reads, and for rollback writes, the release keys of an app's KeyValueStore. */
  readonly kvs: CloudFrontKeyValueStoreClient;
  /** The region the clients use, or undefined when none is configured. */
  region(): Promise<string | undefined>;
}

/** Everything the CLI touches outside itself, so that tests can give their own. */
export interface CliEnv {
  readonly out: Output;
  readonly err: Output;
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  /** Whether a person is at a terminal (stdin and stdout are TTYs). */
  readonly interactive: boolean;
  /** `process.versions.node`. */
  readonly nodeVersion: string;
  readonly runner: CommandRunner;
  /**
   * Aborted when the user pressed Ctrl-C: AWS calls in flight reject at once, a pending sleep ends, loops
   * (`status --watch`, waiting for a deletion or the API URL) stop, and the command exits with 130.
   */
  readonly signal: AbortSignal;
  clients(options: { region?: string; profile?: string }): AwsClients;
  /** Requests to a site (rollback waits until the distribution serves the release); Node's fetch. */
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
  /** Asks a question at the terminal; undefined when the input has ended. */
  ask(question: string): Promise<string | undefined>;
  sleep(ms: number): Promise<void>;
  now(): Date;
}

/** A mistake in the command line: one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A check or an AWS call that failed: one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Ctrl-C ended the command: exit code 130. */
export class InterruptedError extends Error {
  constructor(message = 'stopped (Ctrl-C)') {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** The exit codes, as docs/cli.md lists them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The message of anything thrown, on one line. */
export function messageOf(error: unknown): string {
  const message = error instanceof Error ? (error.message || error.name) : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** The name of an AWS SDK error (`ValidationError`, `CredentialsProviderError`...). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}
