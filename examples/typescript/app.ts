// E-Com67 on cdk-ecom-platform. Direct mode by default; turn the pipelines on with
// `cdk deploy -c ecom:backendPipeline=true -c ecom:frontendPipelines=true ...` (or in cdk.json).
import { App, Aws, Duration } from 'aws-cdk-lib';
import { BackendLanguage, BuildDurationAlarm, ChatChannel, CspPreset, EcomPlatform, PlatformNaming, PlatformSource } from '../../src';
import { BackendStage } from './backend/backend-stage';

const app = new App();
const env = { account: app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT, region: app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION };
const naming = PlatformNaming.fromContext(app); // ecom:projectName and ecom:stackPrefix in cdk.json, as ecom-platform reads them
const backend = new BackendStage(app, 'Backend', { env, naming });
// Alarms in Slack too with -c ecom:slackWorkspaceId=T0123ABCD -c ecom:slackChannelId=C0123ABCD (or in cdk.json),
// once the workspace is authorized in the AWS Chatbot console.
const slackWorkspaceId: string | undefined = app.node.tryGetContext('ecom:slackWorkspaceId');
const slackChannelId: string | undefined = app.node.tryGetContext('ecom:slackChannelId');
new EcomPlatform(app, 'Platform', {
  naming,
  env,
  backendStage: backend,
  backendStackOrder: [backend.data, backend.compute, backend.api],
  backendLanguage: BackendLanguage.TYPESCRIPT,
  backendAppPath: 'examples/typescript',
  source: PlatformSource.codeCommit({ branch: 'master' }),
  notificationEmails: ['team@example.com'],
  monitoring: {
    alarms: { buildDuration: BuildDurationAlarm.above(Duration.minutes(30)) },
    chatChannels: slackWorkspaceId && slackChannelId ? [ChatChannel.slack({ workspaceId: slackWorkspaceId, channelId: slackChannelId })] : [],
  },
  // The apps live in this repository's test fixture (ecom:repositoryRoot in cdk.json points at its root).
  frontends: [
    { name: 'admin-dashboard', appPath: 'test/fixtures/ecom-shop/frontends/admin-dashboard' },
    {
      name: 'customer-app',
      appPath: 'test/fixtures/ecom-shop/frontends/customer-app',
      hosting: {
        cspPresets: [CspPreset.stripe(), CspPreset.metaPixel(), CspPreset.cognito(Aws.REGION)],
        imgSources: ['https://images.example-cdn.com'],
        connectSources: ['wss://chat.example.com'],
      },
      pipeline: { parameterStoreVariables: { VITE_STRIPE_PUBLISHABLE_KEY: '/e-com67/stripe-publishable-key' } },
    },
  ],
});
app.synth();
