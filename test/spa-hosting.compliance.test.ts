import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CspPreset, SpaHosting, SpaRouting } from '../src';
import { appCases, checkCompliance, describeCompliance } from './helpers/compliance';
import { thirdPartySources } from './helpers/library-apps';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const CERT_ARN = 'arn:aws:acm:us-east-1:111122223333:certificate/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/shop/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';

/** The props matrix the issue names, one stack each. */
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
  'third parties in the CSP (every directive, every preset, a token)': (stack) => new SpaHosting(stack, 'Site', {
    cspPresets: [CspPreset.stripe(), CspPreset.cognito(stack.region), CspPreset.googleAnalytics(), CspPreset.metaPixel(), CspPreset.sentry()],
    ...thirdPartySources(),
  }),
  'granted to a deploy project': (stack) => {
    const site = new SpaHosting(stack, 'Site');
    const role = new iam.Role(stack, 'DeployRole', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    site.grantDeploy(role);
  },
};

/** One app per flag context: one synthesis, one cfn-lint run, one cdk-nag pass (after synthesis) for the matrix. */
function buildMatrix(app: App): Record<string, Stack> {
  return Object.fromEntries(Object.entries(MATRIX).map(([name, build], i) => {
    const stack = new Stack(app, `Case${i}`, { env: ENV });
    build(stack);
    return [name, stack];
  }));
}

describeCompliance('SpaHosting', (context) => {
  const result = checkCompliance(context, buildMatrix, { beforeSynth: false });
  return { ...result, cases: appCases(result) };
}, ({ templates }) => {
  // What is acknowledged, and where: the library acknowledges only what it can't fix, on the resource concerned.
  const acknowledged = (name: string) => Object.values(templates[name].Resources as Record<string, any>)
    .flatMap((r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((rule: any) => `${r.Type} ${rule.id}${rule.applies_to ? `[${rule.applies_to}]` : ''}`))
    .sort();
  test.each([
    ['defaults', ['AWS::CloudFront::Distribution AwsSolutions-CFR1', 'AWS::CloudFront::Distribution AwsSolutions-CFR2',
      'AWS::CloudFront::Distribution AwsSolutions-CFR4', 'AWS::S3::Bucket AwsSolutions-S1']],
    ['custom domain + certificate + hosted zone', ['AWS::CloudFront::Distribution AwsSolutions-CFR1', 'AWS::CloudFront::Distribution AwsSolutions-CFR2',
      'AWS::S3::Bucket AwsSolutions-S1']],
    ['WAF + geo', ['AWS::CloudFront::Distribution AwsSolutions-CFR4', 'AWS::S3::Bucket AwsSolutions-S1']],
    ['logs off', ['AWS::CloudFront::Distribution AwsSolutions-CFR1', 'AWS::CloudFront::Distribution AwsSolutions-CFR2',
      'AWS::CloudFront::Distribution AwsSolutions-CFR3', 'AWS::CloudFront::Distribution AwsSolutions-CFR4', 'AWS::S3::Bucket AwsSolutions-S1']],
  ])('%s: acknowledges exactly %j', (name, expected) => {
    expect(acknowledged(name)).toEqual(expected);
  });

  test('granted to a deploy project: only the object wildcard of the site bucket is acknowledged on the policy', () => {
    expect(acknowledged('granted to a deploy project').filter((a) => a.startsWith('AWS::IAM::Policy')))
      .toEqual([expect.stringMatching(/^AWS::IAM::Policy AwsSolutions-IAM5\[Resource::<SiteBucket\w+\.Arn>\/\*\]$/)]);
  });

  test('every acknowledgement carries a specific reason on the resource it concerns', () => {
    for (const template of Object.values(templates)) {
      const resources = template.Resources as Record<string, any>;
      for (const resource of Object.values(resources)) {
        for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
          expect(rule.reason.length).toBeGreaterThan(40);
        }
      }
    }
  });
});
