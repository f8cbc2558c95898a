import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { SpaHosting, SpaRouting } from '../src';
import { cfnLint } from './helpers/cfn-lint';
import { FLAG_CONTEXTS } from './helpers/contexts';
import { nagFindings } from './helpers/nag';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const CERT_ARN = 'arn:aws:acm:us-east-1:111122223333:certificate/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/shop/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';

/** The props matrix the issue names, one stack each, built once per flag context. */
const MATRIX: Record<string, (stack: Stack) => void> = {
  'defaults': (stack) => new SpaHosting(stack, 'Site'),
  'custom domain + certificate + hosted zone': (stack) => new SpaHosting(stack, 'Site', {
    domainNames: ['admin.example.com', 'www.admin.example.com'],
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
  }),
  'WAF + geo': (stack) => new SpaHosting(stack, 'Site', { webAclArn: WEB_ACL_ARN, geoAllowList: ['DE', 'AT', 'CH'] }),
  'KMS': (stack) => new SpaHosting(stack, 'Site', {
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
  }),
  'logs off': (stack) => new SpaHosting(stack, 'Site', { accessLogs: false }),
  'existing bucket': (stack) => new SpaHosting(stack, 'Site', {
    existingBucket: s3.Bucket.fromBucketName(stack, 'Existing', 'e-com67-admin-dashboard-111122223333'),
  }),
  'error-response routing': (stack) => new SpaHosting(stack, 'Site', { spaRouting: SpaRouting.ERROR_RESPONSES }),
  'granted to a deploy project': (stack) => {
    const site = new SpaHosting(stack, 'Site');
    const role = new iam.Role(stack, 'DeployRole', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    site.grantDeploy(role);
    // A real consumer of the grant: nag sees the policy attached to something.
    new codebuild.CfnProject(stack, 'Deploy', {
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: { type: 'LINUX_CONTAINER', computeType: 'BUILD_GENERAL1_SMALL', image: 'aws/codebuild/standard:7.0' },
      source: { type: 'NO_SOURCE', buildSpec: '{"version":"0.2","phases":{"build":{"commands":["true"]}}}' },
      serviceRole: role.roleArn,
      encryptionKey: 'alias/aws/s3',
    });
  },
};

describe.each(FLAG_CONTEXTS)('SpaHosting compliance ($name)', ({ context }) => {
  const app = new App({ context });
  const stacks: Record<string, Stack> = {};
  Object.entries(MATRIX).forEach(([name, build], i) => {
    stacks[name] = new Stack(app, `Case${i}`, { env: ENV });
    build(stacks[name]);
  });
  // Shared for the whole matrix: one nag pass and one cfn-lint run.
  const nag = nagFindings(app);
  const lint = cfnLint(Object.fromEntries(Object.entries(stacks).map(([name, stack]) => [name, Template.fromStack(stack).toJSON()])));

  test.each(Object.keys(MATRIX))('%s: no unacknowledged cdk-nag v3 or v2 findings', (name) => {
    const path = `${stacks[name].node.path}/`;
    expect(nag.filter((f) => f.path.startsWith(path) && !f.path.startsWith(`${path}Deploy`))).toEqual([]);
  });

  test.each(Object.keys(MATRIX))('%s: no cfn-lint errors or unlisted warnings', (name) => {
    expect(lint.filter((f) => f.template.startsWith(name.replace(/[^\w.-]/g, '_')))).toEqual([]);
  });

  test('every acknowledgement carries a specific reason on the resource it concerns', () => {
    for (const stack of Object.values(stacks)) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
      for (const resource of Object.values(resources)) {
        for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
          expect(rule.reason.length).toBeGreaterThan(40);
        }
      }
    }
  });
});
