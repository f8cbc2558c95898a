// The E-Com67 frontend stack, rebuilt on SpaHosting: two private, versioned buckets behind CloudFront with the
// seed's bucket and stack names.
import { App, Aws, Stack } from 'aws-cdk-lib';
import { SpaHosting } from '../../src';

export function buildApp(app: App): App {
  const stack = new Stack(app, 'E-Com67-FrontendStack', { description: 'E-Com67 admin dashboard and customer app hosting' });
  new SpaHosting(stack, 'AdminDashboard', {
    bucketName: `e-com67-admin-dashboard-${Aws.ACCOUNT_ID}`,
    comment: 'E-Com67 admin dashboard',
  });
  new SpaHosting(stack, 'CustomerApp', {
    bucketName: `e-com67-customer-app-${Aws.ACCOUNT_ID}`,
    comment: 'E-Com67 customer app',
  });
  return app;
}

if (require.main === module) {
  buildApp(new App()).synth();
}
