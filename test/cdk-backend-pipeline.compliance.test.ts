import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CdkBackendPipeline } from '../src';
import { BackendStage } from './fixtures/backend/backend-stage';
import { appCases, checkCompliance, describeCompliance } from './helpers/compliance';
import { nagV3Findings } from './helpers/nag';

const ENV = { account: '111122223333', region: 'eu-west-1' };
/** Pipeline stacks: checked with cdk-nag and cfn-lint. */
const PIPELINES = ['Defaults', 'Everything', 'CodeArtifact'];
/** The fixture stage's stacks (construct paths), checked with cdk-nag too. */
const STAGE_STACKS = ['Prod/Data', 'Prod/Compute', 'Prod/Api'];

/** The default pipeline and one with every generated part (self-mutation, permissions check, approval, topic). */
function buildMatrix(app: App): Record<string, Stack> {
  const stage = new BackendStage(app, 'Prod', { env: ENV });
  const stacks: Record<string, Stack> = { ProdData: stage.data, ProdCompute: stage.compute, ProdApi: stage.api };

  stacks.Defaults = new Stack(app, 'Defaults', { env: ENV });
  const defaults = new CdkBackendPipeline(stacks.Defaults, 'Backend', { repositoryName: 'e-com67', pipelineName: 'e-com67-backend-pipeline' });
  defaults.addStage(stage, { stackOrder: [stage.data, stage.compute, stage.api] });
  // Not built by the test: the synth builds it, as in an app (the acknowledgements must follow what is added then);
  // the other two are built with buildPipeline().

  stacks.Everything = new Stack(app, 'Everything', { env: ENV });
  const everything = new CdkBackendPipeline(stacks.Everything, 'Backend', {
    repositoryName: 'e-com67', selfMutation: true, notificationEmails: ['ops@example.com'],
  });
  const staging = new BackendStage(app, 'Staging', { env: ENV });
  everything.addStage(staging, {
    stackOrder: [staging.data, staging.compute, staging.api], manualApproval: true, confirmPermissionsBroadening: true,
  });
  everything.buildPipeline();

  // A domain in another account: its ARNs are literals, not the pipeline's own account.
  stacks.CodeArtifact = new Stack(app, 'CodeArtifact', { env: ENV });
  const codeArtifact = new CdkBackendPipeline(stacks.CodeArtifact, 'Backend', {
    repositoryName: 'e-com67', codeArtifactRepository: { domain: 'e-com67', domainOwner: '444455556666', repository: 'shop' },
  });
  const test = new BackendStage(app, 'Test', { env: ENV });
  codeArtifact.addStage(test, { stackOrder: [test.data, test.compute, test.api] });
  codeArtifact.buildPipeline();

  return stacks;
}

describeCompliance('CdkBackendPipeline', (context) => {
  const result = checkCompliance({ ...context, 'aws:cdk:bundling-stacks': [] }, buildMatrix);
  return {
    ...result,
    cases: appCases(result, [
      ...PIPELINES,
      // The fixture stage's stacks are checked too; their construct paths are under the stage.
      ...STAGE_STACKS.map((path) => ({ name: path.replace('/', ''), path })),
    ]),
  };
}, (result, context) => {
  test('wildcards are acknowledged finding by finding, on IAM policies only, each with a reason', () => {
    for (const name of PIPELINES) {
      for (const resource of Object.values(result.templates[name].Resources as Record<string, any>)) {
        for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
          if (rule.id === 'AwsSolutions-IAM5') {
            expect(resource.Type).toBe('AWS::IAM::Policy');
            expect(rule.applies_to).toHaveLength(1);
            expect(rule.applies_to[0]).not.toMatch(/^Action::\*$/);
          }
          expect(rule.reason.length).toBeGreaterThan(40);
        }
      }
    }
  });

  test.each(['Everything', 'CodeArtifact'])('%s: no blanket IAM5 acknowledgement: an extra "*" grant on a generated role is still reported', (name) => {
    const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const stack = buildMatrix(app)[name];
    const pipeline = stack.node.findChild('Backend') as CdkBackendPipeline;
    pipeline.pipeline.synthProject.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] }));
    const findings = nagV3Findings(stack).map((f) => `${f.rule} ${f.path}`);
    expect(findings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^AwsSolutions-IAM5\[Action::s3:Get\*\] .*Synth/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::\*\] .*Synth/),
    ]));
  });
});
