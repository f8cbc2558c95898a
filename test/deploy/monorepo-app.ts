// SpaPipelines for the ecom-shop fixture (test/fixtures/ecom-shop), synthesized by test_monorepo_install.py,
// which runs the build projects' buildspecs as written in this template. `node monorepo-app.ts OUTDIR`.
import { App, Stack } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import { SpaHosting, SpaPipeline, SpaPipelineProps, SpaSource } from '../../src';

const app = new App({ outdir: process.argv[2] });
const env = { account: '111122223333', region: 'us-east-1' };
const frontend = new Stack(app, 'ShopFrontend', { env });
const stack = new Stack(app, 'ShopPipelines', { env });
const repo = codecommit.Repository.fromRepositoryName(stack, 'Repo', 'ecom-shop');

function pipeline(id: string, props: Partial<SpaPipelineProps>): void {
  new SpaPipeline(stack, id, {
    hosting: new SpaHosting(frontend, `${id}Hosting`),
    source: SpaSource.codeCommit(repo, 'main'),
    ...props,
  });
}

// The default install commands, as a customer writes it.
pipeline('CustomerApp', {
  appPath: 'frontends/customer-app',
  parameterStoreVariables: { VITE_STRIPE_PUBLISHABLE_KEY: '/ecom-shop/stripe-publishable-key' },
});
pipeline('AdminDashboard', { appPath: 'frontends/admin-dashboard' });
// The negative control: a plain `npm ci` in the app's folder (the install before issue 11).
pipeline('CustomerAppPlainNpmCi', {
  appPath: 'frontends/customer-app',
  installCommands: ['npm ci'],
  parameterStoreVariables: { VITE_STRIPE_PUBLISHABLE_KEY: '/ecom-shop/stripe-publishable-key' },
});
app.synth();
