import { ActionExecutionDetail, GetPipelineExecutionCommand, GetPipelineStateCommand, ListActionExecutionsCommand, StageState } from '@aws-sdk/client-codepipeline';
import { AwsClients, errorName, InterruptedError, messageOf } from './env';
import { hasEdgeMonitoring, Platform, PlatformPipeline } from './platform';
import { describeStack } from './stacks';
import { formatTime, table } from './table';
import { terminalSafe } from '../private/text';

/** The latest state of one stage. */
export interface StageStatus {
  readonly stage: string;
  /** CodePipeline's status (Succeeded, InProgress, Failed, Stopped...), or "NotRun". */
  readonly status: string;
  /** When an action of the stage last changed, ISO 8601. */
  readonly lastChange?: string;
  /** Source revision (commit) of the stage's latest execution. */
  readonly revision?: string;
  readonly executionId?: string;
  /** The failed action's message, when the stage failed. */
  readonly failure?: string;
}

export interface PipelineStatus {
  readonly pipeline: string;
  /** "backend" or the app's name. */
  readonly role: string;
  readonly deployed: boolean;
  readonly stages: StageStatus[];
}

/** Every pipeline of the platform, backend first; a pipeline that does not exist is `deployed: false`. */
export async function pipelineStatuses(platform: Platform, clients: AwsClients): Promise<PipelineStatus[]> {
  return Promise.all([platform.backendPipeline, ...platform.appPipelines].map((pipeline) => pipelineStatus(clients, pipeline)));
}

/** One pipeline's stages; `revisions: false` skips the GetPipelineExecution calls that find each source revision. */
export async function pipelineStatus(clients: AwsClients, { pipelineName, role }: PlatformPipeline,
  options: { revisions?: boolean } = {}): Promise<PipelineStatus> {
  let stageStates: StageState[];
  try {
    stageStates = (await clients.codePipeline.send(new GetPipelineStateCommand({ name: pipelineName }))).stageStates ?? [];
  } catch (error) {
    if (errorName(error) === 'PipelineNotFoundException') {
      return { pipeline: pipelineName, role, deployed: false, stages: [] };
    }
    throw error;
  }
  const revisions = new Map<string, Promise<string | undefined>>();
  const revisionOf = (executionId: string) => {
    if (options.revisions === false) {
      return Promise.resolve(undefined);
    }
    if (!revisions.has(executionId)) {
      revisions.set(executionId, clients.codePipeline.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }))
        .then((r) => r.pipelineExecution?.artifactRevisions?.[0]?.revisionId, () => undefined));
    }
    return revisions.get(executionId)!;
  };
  const stages = await Promise.all(stageStates.map(async (state) => stageStatus(state, revisionOf)));
  return { pipeline: pipelineName, role, deployed: true, stages };
}

/** Where a pipeline's latest execution is, from its stages (GetPipelineState). */
export interface LatestRun {
  /** NotFound (no pipeline), NotStarted, InProgress, Succeeded, or the stage status that ended it (Failed, Stopped, Cancelled). */
  readonly status: string;
  readonly executionId?: string;
  /** The stage running, or the one that ended the execution. */
  readonly stage?: string;
  /** The failed action's message. */
  readonly failure?: string;
}

/**
 * The latest execution of a pipeline: the one its first stage ran last. A later stage still showing an older
 * execution means the latest one has not got there yet.
 */
export function latestRun(status: PipelineStatus): LatestRun {
  if (!status.deployed) {
    return { status: 'NotFound' };
  }
  const executionId = status.stages[0]?.executionId;
  if (!executionId) {
    return { status: 'NotStarted' };
  }
  const stages = status.stages.filter((s) => s.executionId === executionId);
  const ended = stages.find((s) => ['Failed', 'Stopped', 'Cancelled'].includes(s.status));
  if (ended) {
    return { status: ended.status, executionId, stage: ended.stage, failure: ended.failure };
  }
  const running = stages.find((s) => s.status !== 'Succeeded');
  if (running) {
    return { status: 'InProgress', executionId, stage: running.stage };
  }
  const last = status.stages[status.stages.length - 1];
  return last.executionId === executionId
    ? { status: 'Succeeded', executionId }
    : { status: 'InProgress', executionId, stage: status.stages[status.stages.indexOf(stages[stages.length - 1]) + 1]?.stage };
}

async function stageStatus(state: StageState, revisionOf: (id: string) => Promise<string | undefined>): Promise<StageStatus> {
  const actions = state.actionStates ?? [];
  const changes = actions.map((a) => a.latestExecution?.lastStatusChange).filter((d): d is Date => d !== undefined);
  const lastChange = changes.length > 0 ? new Date(Math.max(...changes.map((d) => new Date(d).getTime()))) : undefined;
  const executionId = state.latestExecution?.pipelineExecutionId;
  const failed = actions.find((a) => a.latestExecution?.status === 'Failed');
  const status = state.latestExecution?.status ?? 'NotRun';
  const revision = (executionId ? await revisionOf(executionId) : undefined)
    ?? actions.map((a) => a.currentRevision?.revisionId).find((r) => r !== undefined);
  return {
    stage: state.stageName ?? '?',
    status,
    lastChange: lastChange?.toISOString(),
    revision,
    executionId,
    failure: status === 'Failed' || failed
      ? (failed?.latestExecution?.errorDetails?.message ?? failed?.latestExecution?.summary ?? `${failed?.actionName ?? 'an action'} failed`)
      : undefined,
  };
}

/** The status table: one row a stage, the failure message on the line under a failed stage. */
export function renderStatus(statuses: PipelineStatus[]): string {
  const rows: string[][] = [];
  const failures = new Map<number, string>();
  for (const p of statuses) {
    if (!p.deployed) {
      rows.push([p.pipeline, '-', 'not deployed', '-', '-']);
      continue;
    }
    p.stages.forEach((s, i) => {
      rows.push([i === 0 ? p.pipeline : '', s.stage, s.status, formatTime(s.lastChange ? new Date(s.lastChange) : undefined), s.revision?.slice(0, 8) ?? '-']);
      if (s.failure) {
        failures.set(rows.length - 1, s.failure.replace(/\s+/g, ' ').slice(0, 300));
      }
    });
  }
  const lines = table(['PIPELINE', 'STAGE', 'STATUS', 'LAST CHANGE', 'REVISION'], rows).trimEnd().split('\n');
  // lines[0] is the header.
  return lines.flatMap((line, i) => (failures.has(i - 1) ? [line, `    ! ${failures.get(i - 1)}`] : [line])).join('\n') + '\n';
}

/** Where one pipeline stands in one environment: the stage that deploys it there. */
export interface EnvironmentDeployment {
  readonly pipeline: string;
  /** "backend" or the app's name. */
  readonly role: string;
  /** The stage deploying the environment (`Dev` in the backend pipeline, `Deploy-Dev` in an app's). */
  readonly stage: string;
  /** The stage's latest status; "NotRun", "NoStage" (the pipeline has no such stage), or "NotDeployed" (no pipeline). */
  readonly status: string;
  /** The commit of the stage's latest execution: what the environment runs once it succeeded. */
  readonly revision?: string;
  readonly lastChange?: string;
  /**
   * When the latest execution has not succeeded (deploying, failed): the commit of the stage's last succeeded
   * execution among the pipeline's recent action executions, which the environment still runs.
   */
  readonly liveRevision?: string;
}

/** The commit each environment runs, from each pipeline's stage for it. */
export interface EnvironmentStatus {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly deployments: EnvironmentDeployment[];
}

/**
 * Each environment's deployments (only --env's when given), from the pipelines' stages; none for a platform with
 * one environment or none (its table says it all).
 */
export async function environmentStatuses(platform: Platform, statuses: PipelineStatus[], clients: AwsClients): Promise<EnvironmentStatus[]> {
  if (!platform.multiEnvironment) {
    return [];
  }
  const environments = platform.environment ? [platform.environment] : platform.environments;
  const successes = new Map<string, Promise<Map<string, string | undefined>>>();
  const liveRevision = async (pipeline: string, stage: string) => {
    if (!successes.has(pipeline)) {
      successes.set(pipeline, lastSucceeded(clients, pipeline));
    }
    return (await successes.get(pipeline)!).get(stage);
  };
  return Promise.all(environments.map(async (e) => ({
    environment: e.name,
    account: e.account,
    region: e.region,
    deployments: await Promise.all(statuses.map(async (p) => {
      const stage = p.role === 'backend' ? e.backendStage : e.appStage;
      const state = p.stages.find((s) => s.stage === stage);
      const behind = state?.executionId !== undefined && state.status !== 'Succeeded';
      const live = behind ? await liveRevision(p.pipeline, stage) : undefined;
      return {
        pipeline: p.pipeline,
        role: p.role,
        stage,
        status: !p.deployed ? 'NotDeployed' : state?.status ?? 'NoStage',
        revision: state?.revision,
        lastChange: state?.lastChange,
        ...(live ? { liveRevision: live } : {}),
      };
    })),
  })));
}

/**
 * Each stage's last succeeded execution's commit, from the pipeline's latest 100 action executions (newest
 * first): an execution in which every action of the stage that ran succeeded. Empty when they can't be read
 * (codepipeline:ListActionExecutions not allowed): status then shows the latest execution only.
 */
async function lastSucceeded(clients: AwsClients, pipelineName: string): Promise<Map<string, string | undefined>> {
  let details: ActionExecutionDetail[];
  try {
    details = (await clients.codePipeline.send(new ListActionExecutionsCommand({ pipelineName, maxResults: 100 })))?.actionExecutionDetails ?? [];
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw error;
    }
    return new Map();
  }
  const time = (d: ActionExecutionDetail) => new Date(d.lastUpdateTime ?? d.startTime ?? 0).getTime();
  const sorted = [...details].sort((a, b) => time(b) - time(a));
  const unsuccessful = new Set(sorted.filter((d) => d.status !== 'Succeeded').map((d) => `${d.stageName}/${d.pipelineExecutionId}`));
  const executions = new Map<string, string>();
  for (const d of sorted) {
    if (d.status === 'Succeeded' && d.stageName && d.pipelineExecutionId && !executions.has(d.stageName)
      && !unsuccessful.has(`${d.stageName}/${d.pipelineExecutionId}`)) {
      executions.set(d.stageName, d.pipelineExecutionId);
    }
  }
  const revisions = new Map<string, string | undefined>();
  for (const [stage, executionId] of executions) {
    revisions.set(stage, await clients.codePipeline.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }))
      .then((r) => r?.pipelineExecution?.artifactRevisions?.[0]?.revisionId, (error) => {
        if (error instanceof InterruptedError) {
          throw error;
        }
        return undefined;
      }));
  }
  return revisions;
}

/** With --env on a platform with several environments: each pipeline without the other environments' stages. */
export function onlyEnvironment(platform: Platform, statuses: PipelineStatus[]): PipelineStatus[] {
  const chosen = platform.environment;
  if (!platform.multiEnvironment || !chosen) {
    return statuses;
  }
  const others = platform.environments.filter((e) => e !== chosen);
  return statuses.map((p) => {
    const skip = new Set(others.map((e) => (p.role === 'backend' ? e.backendStage : e.appStage)));
    return { ...p, stages: p.stages.filter((s) => !skip.has(s.stage)) };
  });
}

/** The environments table: one row an environment, one column a pipeline: the commit of its stage and its status. */
export function renderEnvironments(environments: EnvironmentStatus[]): string {
  if (environments.length === 0) {
    return '';
  }
  const roles = environments[0].deployments.map((d) => d.role);
  const cell = (d: EnvironmentDeployment) => {
    switch (d.status) {
      case 'NotDeployed': return 'not deployed';
      case 'NoStage': return `no stage ${d.stage}`;
      case 'NotRun': return 'not run';
      default: return d.liveRevision
        ? `${d.liveRevision.slice(0, 8)} (${d.revision?.slice(0, 8) ?? '-'} ${d.status})`
        : `${d.revision?.slice(0, 8) ?? '-'} ${d.status}`;
    }
  };
  return '\nCommit each environment runs, from its stage in each pipeline (in brackets: a newer commit deploying or failed there):\n'
    + table(['ENVIRONMENT', 'ACCOUNT', ...roles.map((r) => r.toUpperCase())],
      environments.map((e) => [e.environment, e.account, ...e.deployments.map(cell)]));
}

/** Where one monitoring stack stands. */
export interface MonitoringStackStatus {
  readonly stack: string;
  readonly role: string;
  readonly region?: string;
  /** CloudFormation's status (CREATE_COMPLETE...), "NotDeployed", or "Unknown" when it could not be read. */
  readonly status: string;
  /** Why it could not be read. */
  readonly error?: string;
}

/**
 * The monitoring stacks of the platform (none with context ecom:monitoring false): the dashboard and alarms stack
 * in `region`, and the edge stack in us-east-1 when the platform has it (`hasEdgeMonitoring`). `clientsIn` gives
 * clients of another region.
 */
export async function monitoringStatuses(platform: Platform, clients: AwsClients,
  clientsIn: (region: string) => AwsClients): Promise<MonitoringStackStatus[]> {
  const region = await clients.region();
  // The pipeline account's (another account's edge stack is for doctor --env, with that account's credentials).
  const stacks = platform.stacks.filter((s) => s.monitoring && !s.environment && (!s.edge || hasEdgeMonitoring(platform, region)));
  return Promise.all(stacks.map(async (s) => {
    const where = s.region ?? platform.monitoringRegion ?? region;
    try {
      const stack = await describeStack(s.region ? clientsIn(s.region) : clients, s.name);
      return { stack: s.name, role: s.role, region: where, status: stack?.StackStatus ?? 'NotDeployed' };
    } catch (error) {
      if (error instanceof InterruptedError) {
        throw error;
      }
      return { stack: s.name, role: s.role, region: where, status: 'Unknown', error: `${errorName(error) || 'error'}: ${messageOf(error)}` };
    }
  }));
}

/** The monitoring stacks' table, under the pipelines'; empty without monitoring stacks. */
export function renderMonitoring(stacks: MonitoringStackStatus[]): string {
  if (stacks.length === 0) {
    return '';
  }
  const status = (s: MonitoringStackStatus) => (s.status === 'NotDeployed' ? 'not deployed'
    : s.status === 'Unknown' ? `unknown (${terminalSafe(s.error ?? '').replace(/\s+/g, ' ').slice(0, 200)})` : terminalSafe(s.status));
  return '\nMonitoring stacks (dashboard and alarms):\n'
    + table(['STACK', 'REGION', 'STATUS', 'WHAT'], stacks.map((s) => [s.stack, s.region ?? '-', status(s), s.role]));
}
