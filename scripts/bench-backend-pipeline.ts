/**
 * Benchmark of CdkBackendPipeline against plain `pipelines.CodePipeline` defaults for the same app (the test
 * fixture: Data, Compute with a layer and N functions, Api). Run by hand, not a test:
 *
 *   npx ts-node --project test/tsconfig.json scripts/bench-backend-pipeline.ts [--functions 2,10]
 *
 * Prints, per pipeline and number of functions: pipeline stages, actions, CodeBuild projects and the actions
 * that start a CodeBuild build on every execution (what is billed per minute). Counts come from the
 * synthesized templates; nothing is deployed.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { CdkBackendPipeline } from '../src/cdk-backend-pipeline';
import { BackendStage } from '../test/fixtures/backend/backend-stage';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const args = process.argv.slice(2);
const FUNCTIONS = (args.includes('--functions') ? args[args.indexOf('--functions') + 1] : '2,10').split(',').map(Number);

interface Row { readonly pipeline: string; readonly functions: number; readonly assets: number; readonly stages: number; readonly actions: number; readonly projects: number; readonly codeBuildActions: number }

function measure(name: string, functions: number, create: (stack: Stack, stage: BackendStage) => void): Row {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'PipelineStack', { env: ENV });
  const stage = new BackendStage(app, 'Prod', { env: ENV, functions });
  create(stack, stage);
  const template = Template.fromStack(stack).toJSON();
  const resources = Object.values(template.Resources as Record<string, any>);
  const pipeline = resources.find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  const actions = pipeline.Properties.Stages.flatMap((s: any) => s.Actions);
  return {
    pipeline: name,
    functions,
    assets: stage.fileAssets,
    stages: pipeline.Properties.Stages.length,
    actions: actions.length,
    projects: resources.filter((r) => r.Type === 'AWS::CodeBuild::Project').length,
    codeBuildActions: actions.filter((a: any) => a.ActionTypeId.Provider === 'CodeBuild').length,
  };
}

const rows: Row[] = [];
for (const functions of FUNCTIONS) {
  rows.push(measure('CdkBackendPipeline defaults', functions, (stack, stage) => {
    const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', pipelineName: 'e-com67-backend-pipeline' });
    pipeline.addStage(stage, { stackOrder: [stage.data, stage.compute, stage.api] });
    pipeline.buildPipeline();
  }));
  rows.push(measure('pipelines.CodePipeline defaults', functions, (stack, stage) => {
    const pipeline = new pipelines.CodePipeline(stack, 'Pipeline', {
      pipelineName: 'e-com67-backend-pipeline',
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.codeCommit(codecommit.Repository.fromRepositoryName(stack, 'Repo', 'e-com67'), 'master'),
        installCommands: ['npm install -g aws-cdk', 'pip install -r requirements.txt'],
        commands: ['cdk synth'],
      }),
    });
    pipeline.addStage(stage);
    pipeline.buildPipeline();
  }));
}

const headers: Array<[keyof Row, string]> = [
  ['pipeline', 'pipeline'], ['functions', 'functions'], ['assets', 'file assets'], ['stages', 'stages'],
  ['actions', 'actions'], ['projects', 'CodeBuild projects'], ['codeBuildActions', 'CodeBuild actions per run'],
];
const widths = headers.map(([key, title]) => Math.max(title.length, ...rows.map((r) => String(r[key]).length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(headers.map(([, title]) => title)));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(headers.map(([key]) => String(row[key]))));
