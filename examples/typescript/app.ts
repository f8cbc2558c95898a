// E-Com67 on cdk-ecom-platform. Direct mode by default; turn the pipelines on with
// `cdk deploy -c ecom:backendPipeline=true -c ecom:frontendPipelines=true ...` (or in cdk.json).
import { App } from 'aws-cdk-lib';
import { BackendLanguage, EcomPlatform, PlatformNaming, PlatformSource } from '../../src';
import { BackendStage } from './backend/backend-stage';

const app = new App();
const env = { account: app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT, region: app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION };
const naming = PlatformNaming.fromContext(app); // ecom:projectName and ecom:stackPrefix in cdk.json, as ecom-platform reads them
const backend = new BackendStage(app, 'Backend', { env, naming });
new EcomPlatform(app, 'Platform', {
  naming,
  env,
  backendStage: backend,
  backendStackOrder: [backend.data, backend.compute, backend.api],
  backendLanguage: BackendLanguage.TYPESCRIPT,
  backendAppPath: 'examples/typescript',
  source: PlatformSource.codeCommit({ branch: 'master' }),
  notificationEmails: ['team@example.com'],
});
app.synth();
