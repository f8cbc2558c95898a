import { GetPipelineExecutionCommand, GetPipelineStateCommand, StageState } from '@aws-sdk/client-codepipeline';
import { AwsClients, errorName } from './env';
import { Platform } from './platform';
import { formatTime, table } from './table';

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
  const pipelines = [platform.backendPipeline, ...platform.appPipelines];
  return Promise.all(pipelines.map(async ({ pipelineName, role }) => {
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
      if (!revisions.has(executionId)) {
        revisions.set(executionId, clients.codePipeline.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }))
          .then((r) => r.pipelineExecution?.artifactRevisions?.[0]?.revisionId, () => undefined));
      }
      return revisions.get(executionId)!;
    };
    const stages = await Promise.all(stageStates.map(async (state) => stageStatus(state, revisionOf)));
    return { pipeline: pipelineName, role, deployed: true, stages };
  }));
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
