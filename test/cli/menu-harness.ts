// The real `ecom-platform` entry point, with the AWS SDK mocked (aws-sdk-client-mock) inside the process, for
// the terminal test (menu.test.ts): it is bundled with esbuild and run in a pseudo-terminal.
import { GetPipelineExecutionCommand, GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { awsError, mockAws, testClients } from './fake-env';
import { runCli } from '../../src/cli/cli';
import { nodeCliEnv } from '../../src/cli/node-env';

const aws = mockAws();
const at = new Date('2026-11-26T13:04:00Z');
aws.codePipeline.on(GetPipelineStateCommand).rejects(awsError('PipelineNotFoundException', 'not found'));
aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-backend-pipeline' }).resolves({
  stageStates: [
    { stageName: 'Source', latestExecution: { pipelineExecutionId: 'e1', status: 'Succeeded' }, actionStates: [{ actionName: 'Source', latestExecution: { status: 'Succeeded', lastStatusChange: at } }] },
    { stageName: 'Deploy', latestExecution: { pipelineExecutionId: 'e1', status: 'Failed' }, actionStates: [{ actionName: 'Api', latestExecution: { status: 'Failed', lastStatusChange: at, errorDetails: { message: 'Api stack: UPDATE_ROLLBACK_COMPLETE' } } }] },
  ],
});
aws.codePipeline.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ revisionId: 'feedface0000' }] } });

const cliEnv = nodeCliEnv(() => testClients());
void runCli(process.argv.slice(2), cliEnv).then((code) => {
  cliEnv.close();
  process.exitCode = code;
});
