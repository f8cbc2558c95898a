// The EcomPlatform app the browser end-to-end test (test_real_app_browser.py) synthesizes: the ecom-shop
// fixture's two apps with frontend pipelines. The test builds, deploys and serves each app with what these
// templates say (build and deploy buildspecs, CloudFront Function, bucket policy, response headers policy).
//
// StrictDefaultHosting is the negative control: a SpaHosting left at its strict default policy, serving the
// same deployed customer app, where the browser must report Stripe.js as blocked.
import { App, Stack } from 'aws-cdk-lib';
import { CspPreset, EcomPlatform, PlatformSource, SpaHosting } from '../../src';

const app = new App({ outdir: process.argv[2] });
const env = { account: '111122223333', region: 'us-east-1' };
new EcomPlatform(app, 'Platform', {
  env,
  frontendPipelines: true,
  source: PlatformSource.codeCommit(),
  frontends: [
    { name: 'admin-dashboard', appPath: 'frontends/admin-dashboard' },
    {
      name: 'customer-app',
      appPath: 'frontends/customer-app',
      hosting: {
        cspPresets: [CspPreset.stripe(), CspPreset.metaPixel(), CspPreset.cognito('us-east-1')],
        imgSources: ['https://images.example-cdn.com'],
        connectSources: ['wss://chat.example.com'],
      },
      pipeline: {
        parameterStoreVariables: { VITE_STRIPE_PUBLISHABLE_KEY: '/e-com67/stripe-publishable-key' },
        // What the storefront's Amplify configuration reads from config.json besides apiUrl.
        runtimeConfig: { region: 'us-east-1', userPoolId: 'us-east-1_EcomShop1', userPoolClientId: 'ecomshopfixtureclient' },
      },
    },
  ],
});
new SpaHosting(new Stack(app, 'StrictDefaultHosting', { env }), 'CustomerApp');
app.synth();
