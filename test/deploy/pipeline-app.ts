// A SpaPipeline app the deploy end-to-end test synthesizes: the test runs the deploy project's buildspec
// commands from this template, not a copy of them.
import { App, Stack } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import { SpaHosting, SpaPipeline, SpaSource } from '../../src';

const app = new App({ outdir: process.argv[2] });
const env = { account: '111122223333', region: 'us-east-1' };
const frontend = new Stack(app, 'Frontend', { env });
const hosting = new SpaHosting(frontend, 'Admin');
const stack = new Stack(app, 'AdminPipelineStack', { env });
new SpaPipeline(stack, 'AdminPipeline', {
  hosting,
  source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(stack, 'Repo', 'e-com67'), 'master'),
  runtimeConfig: { apiUrl: 'https://api.example.com' },
});
app.synth();
