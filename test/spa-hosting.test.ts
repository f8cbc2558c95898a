import { App, Aws, Annotations as CoreAnnotations, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CspPreset, SpaHosting, SpaHostingProps, SpaRouting } from '../src';
import { FLAG_CONTEXTS } from './helpers/contexts';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const CERT_ARN = 'arn:aws:acm:us-east-1:111122223333:certificate/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/shop/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const DEFAULT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
  + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests";

describe.each(FLAG_CONTEXTS)('SpaHosting ($name)', ({ context }) => {
  function synth(props: (stack: Stack) => SpaHostingProps = () => ({})) {
    const stack = new Stack(new App({ context }), 'Test', { env: ENV });
    const site = new SpaHosting(stack, 'Site', props(stack));
    let template: Template | undefined;
    // Synthesized on first use, so a test can still add to the stack first.
    return { stack, site, get template() { return template ??= Template.fromStack(stack); } };
  }
  const siteBucket = (template: Template) => {
    const buckets = template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
    expect(Object.keys(buckets)).toHaveLength(1);
    return Object.keys(buckets)[0];
  };

  describe('defaults', () => {
    const { template, site, stack } = synth();
    const bucketId = siteBucket(template);

    test('a private, versioned, SSE-S3 site bucket that expires old versions and aborts stale uploads', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [Match.objectLike({
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 90, NewerNoncurrentVersions: 10 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            ExpiredObjectDeleteMarker: true,
          })],
        },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3-access-logs/' },
      });
    });

    test('both buckets are retained when removed from the stack', () => {
      const buckets = template.findResources('AWS::S3::Bucket');
      expect(Object.keys(buckets)).toHaveLength(2);
      for (const bucket of Object.values(buckets)) {
        expect(bucket.DeletionPolicy).toBe('Retain');
        expect(bucket.UpdateReplacePolicy).toBe('Retain');
      }
    });

    test('the site bucket refuses plain HTTP and TLS below 1.2, and lets only this distribution read and list it', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Action: ['s3:GetObject', 's3:ListBucket'],
              Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
            }),
          ]),
        },
      });
    });

    test('deploy metadata under _spa-deploy/ is never served: CloudFront is denied reading it', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Effect: 'Deny',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/_spa-deploy/*']] },
          }]),
        },
      });
    });

    test('a separate log bucket: private, SSE-S3, expiring after 90 days, written by S3 logging for this bucket only', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: Match.absent(),
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
        AccessControl: Match.absent(),
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '111122223333' } },
          })]),
        },
      });
    });

    test('a distribution with origin access control, HTTPS only, compression, HTTP/2+3, IPv6, root object, logs', () => {
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          DefaultRootObject: 'index.html',
          HttpVersion: 'http2and3',
          IPV6Enabled: true,
          PriceClass: 'PriceClass_100',
          CustomErrorResponses: Match.absent(),
          Aliases: Match.absent(),
          ViewerCertificate: Match.absent(),
          Logging: { Bucket: Match.anyValue(), Prefix: 'cloudfront/' },
          Origins: [Match.objectLike({
            OriginAccessControlId: Match.anyValue(),
            S3OriginConfig: { OriginAccessIdentity: '' },
          })],
          DefaultCacheBehavior: Match.objectLike({
            ViewerProtocolPolicy: 'redirect-to-https',
            Compress: true,
            AllowedMethods: ['GET', 'HEAD'],
            ResponseHeadersPolicyId: Match.anyValue(),
            FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: Match.anyValue() }],
          }),
        },
      });
      template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
      });
      template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    });

    test('security headers: HSTS two years with subdomains, nosniff, DENY, strict referrer, strict CSP', () => {
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: {
          SecurityHeadersConfig: {
            StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: false, Override: true },
            ContentTypeOptions: { Override: true },
            FrameOptions: { FrameOption: 'DENY', Override: true },
            ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
            ContentSecurityPolicy: { ContentSecurityPolicy: DEFAULT_CSP, Override: true },
          },
        },
      });
    });

    test('outputs the bucket name, distribution ID and URL', () => {
      template.hasOutput('*', { Value: { Ref: bucketId } });
      template.hasOutput('*', { Value: { Ref: stack.resolve((site.distribution.node.defaultChild as cloudfront.CfnDistribution).logicalId) } });
      template.hasOutput('*', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }]] } });
    });

    test('every created resource is a public property', () => {
      expect(site.bucket).toBeInstanceOf(s3.Bucket);
      expect(site.logBucket).toBeInstanceOf(s3.Bucket);
      expect(site.distribution).toBeInstanceOf(cloudfront.Distribution);
      expect(site.responseHeadersPolicy).toBeInstanceOf(cloudfront.ResponseHeadersPolicy);
      expect(site.routingFunction).toBeInstanceOf(cloudfront.Function);
      expect(site.keyValueStore).toBeInstanceOf(cloudfront.KeyValueStore);
      expect(site.aliasRecords).toEqual([]);
    });

    test('a KeyValueStore, retained like the buckets, associated with the cloudfront-js-2.0 routing function', () => {
      const stores = template.findResources('AWS::CloudFront::KeyValueStore');
      expect(Object.keys(stores)).toHaveLength(1);
      const [storeId] = Object.keys(stores);
      // Store names are unique per account in every region: the region keeps two deployments of a stack apart.
      expect(stores[storeId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { Name: expect.stringMatching(/^eu-west-1-TestSiteReleaseStore[0-9A-F]{8}$/) } });
      template.hasResourceProperties('AWS::CloudFront::Function', {
        AutoPublish: true,
        FunctionConfig: {
          Runtime: 'cloudfront-js-2.0',
          KeyValueStoreAssociations: [{ KeyValueStoreARN: { 'Fn::GetAtt': [storeId, 'Arn'] } }],
        },
      });
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          DefaultCacheBehavior: Match.objectLike({
            FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteSpaRouting'), 'FunctionARN'] } }],
          }),
        },
      });
    });

    test('no warnings from the construct', () => {
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toEqual([]);
    });

    test('checkov skips with reasons: no WAF (opt-in, cost), the *.cloudfront.net certificate\'s TLS, the log bucket\'s own logs and versioning', () => {
      const skips = (type: string) => Object.values(template.findResources(type)).flatMap((r) => r.Metadata?.checkov?.skip ?? []);
      expect(skips('AWS::CloudFront::Distribution').map((x: { id: string }) => x.id).sort()).toEqual(['CKV_AWS_174', 'CKV_AWS_68']);
      expect(skips('AWS::CloudFront::Distribution')).toEqual(expect.arrayContaining([
        { id: 'CKV_AWS_68', comment: expect.stringMatching(/monthly fee.*opt-in through the `webAclArn` prop/) },
        { id: 'CKV_AWS_174', comment: expect.stringMatching(/\*\.cloudfront\.net certificate, whose security policy is fixed at TLSv1/) },
      ]));
      expect(skips('AWS::S3::Bucket').map((x: { id: string }) => x.id).sort()).toEqual(['CKV_AWS_18', 'CKV_AWS_21']);
    });
  });

  describe('options', () => {
    test('bucketName, including one with the account token as E-Com67 names its buckets', () => {
      const { template } = synth(() => ({ bucketName: `e-com67-admin-dashboard-${Aws.ACCOUNT_ID}` }));
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: { 'Fn::Join': ['', ['e-com67-admin-dashboard-', { Ref: 'AWS::AccountId' }]] },
        VersioningConfiguration: { Status: 'Enabled' },
      });
    });

    test('encryptionKey: SSE-KMS with a bucket key, and the key lets only this distribution decrypt through CloudFront', () => {
      const { template } = synth((stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }));
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
            BucketKeyEnabled: true,
          }],
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 'kms:Decrypt',
            Condition: { ArnLike: { 'AWS:SourceArn': Match.anyValue() } },
          })]),
        },
      });
    });

    test('noncurrent version retention is configurable', () => {
      const { template } = synth(() => ({ noncurrentVersionsToRetain: 3, noncurrentVersionExpiration: Duration.days(30) }));
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30, NewerNoncurrentVersions: 3 } })] },
      });
    });

    test('removalPolicy DESTROY applies to both buckets and the KeyValueStore', () => {
      const { template } = synth(() => ({ removalPolicy: RemovalPolicy.DESTROY }));
      const removable = [...Object.values(template.findResources('AWS::S3::Bucket')), ...Object.values(template.findResources('AWS::CloudFront::KeyValueStore'))];
      expect(removable).toHaveLength(3);
      for (const resource of removable) {
        expect(resource.DeletionPolicy).toBe('Delete');
      }
    });

    test('accessLogs false: no log bucket, no S3 or CloudFront logging, and the opt-out is the acknowledged reason', () => {
      const { template, site } = synth(() => ({ accessLogs: false }));
      template.resourceCountIs('AWS::S3::Bucket', 1);
      template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: Match.absent() });
      template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: { Logging: Match.absent() } });
      expect(site.logBucket).toBeUndefined();
      template.hasResource('AWS::CloudFront::Distribution', {
        Metadata: { cdk_nag: { rules_to_suppress: Match.arrayWith([Match.objectLike({ id: 'AwsSolutions-CFR3', reason: Match.stringLikeRegexp('accessLogs: false') })]) } },
      });
    });

    test('accessLogs false: checkov skips on the site bucket and the distribution say so', () => {
      const { template } = synth(() => ({ accessLogs: false }));
      template.hasResource('AWS::S3::Bucket', { Metadata: { checkov: { skip: [{ id: 'CKV_AWS_18', comment: Match.stringLikeRegexp('accessLogs: false') }] } } });
      template.hasResource('AWS::CloudFront::Distribution', {
        Metadata: { checkov: { skip: Match.arrayWith([{ id: 'CKV_AWS_86', comment: Match.stringLikeRegexp('accessLogs: false') }]) } },
      });
    });

    test('hstsMaxAge 0 warns that browsers forget HSTS, a short one that it lapses; both can be acknowledged', () => {
      const off = synth(() => ({ hstsMaxAge: Duration.seconds(0) }));
      Annotations.fromStack(off.stack).hasWarning('/Test/Site', Match.stringLikeRegexp('forget the Strict-Transport-Security policy.*acknowledgeWarning\\(\'cdk-ecom-platform:SpaHosting.hstsOff\''));
      const short = synth(() => ({ hstsMaxAge: Duration.days(30) }));
      Annotations.fromStack(short.stack).hasWarning('/Test/Site', Match.stringLikeRegexp('30 days: the Strict-Transport-Security policy lapses.*SpaHosting.hstsShort'));
      const acked = synth(() => ({ hstsMaxAge: Duration.days(30) }));
      CoreAnnotations.of(acked.site).acknowledgeWarning('cdk-ecom-platform:SpaHosting.hstsShort', 'a first rollout');
      expect(Annotations.fromStack(acked.stack).findWarning('*', Match.stringLikeRegexp('hstsShort'))).toHaveLength(0);
      const sixMonths = synth(() => ({ hstsMaxAge: Duration.days(183) }));
      expect(Annotations.fromStack(sixMonths.stack).findWarning('*', Match.stringLikeRegexp('hsts'))).toHaveLength(0);
    });

    test('accessLogsRetention', () => {
      const { template } = synth(() => ({ accessLogsRetention: Duration.days(400) }));
      template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400 })] } });
    });

    test('spaRouting ERROR_RESPONSES: the seed\'s 403/404 -> /index.html 200, no function', () => {
      const { template, site } = synth(() => ({ spaRouting: SpaRouting.ERROR_RESPONSES }));
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          CustomErrorResponses: [
            { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
            { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
          ],
          DefaultCacheBehavior: Match.objectLike({ FunctionAssociations: Match.absent() }),
        },
      });
      template.resourceCountIs('AWS::CloudFront::Function', 0);
      template.resourceCountIs('AWS::CloudFront::KeyValueStore', 0);
      expect(site.routingFunction).toBeUndefined();
      expect(site.keyValueStore).toBeUndefined();
    });

    test('spaRouting NONE: neither function, store nor error responses', () => {
      const { template, site } = synth(() => ({ spaRouting: SpaRouting.NONE }));
      template.resourceCountIs('AWS::CloudFront::Function', 0);
      template.resourceCountIs('AWS::CloudFront::KeyValueStore', 0);
      expect(site.keyValueStore).toBeUndefined();
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          CustomErrorResponses: Match.absent(),
          DefaultCacheBehavior: Match.objectLike({ FunctionAssociations: Match.absent() }),
        },
      });
    });

    test('connectSources extend connect-src, tokens included', () => {
      const { template } = synth(() => ({ connectSources: ['https://api.example.com', Fn.importValue('ApiUrl')] }));
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: {
          SecurityHeadersConfig: {
            ContentSecurityPolicy: {
              ContentSecurityPolicy: {
                'Fn::Join': ['', [Match.stringLikeRegexp("connect-src 'self' https://api\\.example\\.com $"), { 'Fn::ImportValue': 'ApiUrl' }, Match.stringLikeRegexp('^; object-src')]],
              },
            },
          },
        },
      });
    });

    test('contentSecurityPolicy replaces the default', () => {
      const csp = "default-src 'self'; connect-src 'self' https://api.example.com";
      const { template } = synth(() => ({ contentSecurityPolicy: csp }));
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: csp } } },
      });
    });

    test('HSTS max-age and preload', () => {
      const { template } = synth(() => ({ hstsMaxAge: Duration.days(365), hstsPreload: true }));
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, Preload: true } } },
      });
    });

    test('custom domain: aliases, SNI certificate with TLS 1.2 (2021), A and AAAA records per name, URL on the domain', () => {
      const { template, site } = synth((stack) => ({
        domainNames: ['admin.example.com', 'www.admin.example.com'],
        certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
      }));
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          Aliases: ['admin.example.com', 'www.admin.example.com'],
          ViewerCertificate: { AcmCertificateArn: CERT_ARN, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
        },
      });
      template.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Type: 'A', AliasTarget: Match.anyValue() }, 2);
      template.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Type: 'AAAA', AliasTarget: Match.anyValue() }, 2);
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'www.admin.example.com.', Type: 'AAAA' });
      expect(site.aliasRecords.map((r) => r.node.id))
        .toEqual(['A admin.example.com', 'AAAA admin.example.com', 'A www.admin.example.com', 'AAAA www.admin.example.com']);
      expect(site.url).toBe('https://admin.example.com');
      template.hasOutput('*', { Value: 'https://admin.example.com' });
    });

    test('minimumProtocolVersion newer than the default', () => {
      const { template } = synth((stack) => ({
        domainNames: ['admin.example.com'],
        certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2025,
      }));
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: { ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2025' }) },
      });
    });

    test('with a web ACL and a custom domain the distribution has no checkov skip', () => {
      const { template } = synth((s) => ({
        webAclArn: WEB_ACL_ARN, domainNames: ['admin.example.com'], certificate: acm.Certificate.fromCertificateArn(s, 'Cert', CERT_ARN),
      }));
      const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
      expect(distribution.Metadata?.checkov).toBeUndefined();
    });

    test('web ACL, geo allow list, deny list and price class', () => {
      synth(() => ({ webAclArn: WEB_ACL_ARN, geoAllowList: ['DE', 'AT'], priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL }))
        .template.hasResourceProperties('AWS::CloudFront::Distribution', {
          DistributionConfig: {
            WebACLId: WEB_ACL_ARN,
            PriceClass: 'PriceClass_All',
            Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'AT'] } },
          },
        });
      synth(() => ({ geoDenyList: ['KP'] })).template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: { Restrictions: { GeoRestriction: { RestrictionType: 'blacklist', Locations: ['KP'] } } },
      });
    });

    test('existingBucket (imported): served through OAC, no site bucket created, CloudFront logs still on', () => {
      const { template, site } = synth((stack) => ({ existingBucket: s3.Bucket.fromBucketName(stack, 'Old', 'e-com67-admin-dashboard-111122223333') }));
      template.resourceCountIs('AWS::S3::Bucket', 1); // the log bucket
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          Origins: [Match.objectLike({ DomainName: Match.stringLikeRegexp('^e-com67-admin-dashboard-111122223333\\.s3\\.') })],
          Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        },
      });
      expect(site.bucket.bucketName).toBe('e-com67-admin-dashboard-111122223333');
    });

    test('existingBucket with removalPolicy: applies to the log bucket and the release store', () => {
      const { template } = synth((stack) => ({
        existingBucket: s3.Bucket.fromBucketName(stack, 'Old', 'e-com67-admin-dashboard-111122223333'), removalPolicy: RemovalPolicy.DESTROY,
      }));
      const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
      expect(buckets.map((b) => b.DeletionPolicy)).toEqual(['Delete']);
      expect(Object.values(template.findResources('AWS::CloudFront::KeyValueStore')).map((r) => r.DeletionPolicy)).toEqual(['Delete']);
      const noLogs = synth((stack) => ({
        existingBucket: s3.Bucket.fromBucketName(stack, 'Old', 'e-com67-admin-dashboard-111122223333'), accessLogs: false, removalPolicy: RemovalPolicy.DESTROY,
      }));
      expect(Object.values(noLogs.template.findResources('AWS::CloudFront::KeyValueStore')).map((r) => r.DeletionPolicy)).toEqual(['Delete']);
    });

    test('url skips a wildcard domain name', () => {
      const { site } = synth((stack) => ({
        domainNames: ['*.example.com', 'shop.example.com'],
        certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN),
      }));
      expect(site.url).toBe('https://shop.example.com');
    });

    test('existingBucket (same app): CloudFront is given read access by bucket policy', () => {
      const { template } = synth((stack) => ({ existingBucket: new s3.Bucket(stack, 'Mine', { enforceSSL: true }) }));
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: Match.stringLikeRegexp('^Mine') },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' } })]) },
      });
    });

    test('addBehavior applies the site\'s security headers and HTTPS redirect', () => {
      const { site, stack } = synth();
      site.addBehavior('/api/*', new origins.HttpOrigin('api.example.com'), { cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED });
      Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          CacheBehaviors: [Match.objectLike({
            PathPattern: '/api/*',
            ViewerProtocolPolicy: 'redirect-to-https',
            ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('SecurityHeaders') },
            FunctionAssociations: Match.absent(),
          })],
        },
      });
    });

    test('addBehavior refuses a pattern CloudFront would refuse or that shadows the site, and warns on plain HTTP', () => {
      const { site, stack } = synth();
      const api = new origins.HttpOrigin('api.example.com');
      expect(() => site.addBehavior('*', api)).toThrow(/^Test\/Site: invalid `pathPattern` \("\*"\): it would match every request/);
      expect(() => site.addBehavior('/*', api)).toThrow(/invalid `pathPattern`/);
      expect(() => site.addBehavior('', api)).toThrow(/invalid `pathPattern`/);
      expect(() => site.addBehavior(`/${'a'.repeat(255)}`, api)).toThrow(/at most 255 characters, this one has 256/);
      expect(() => site.addBehavior('/api v2/*', api)).toThrow(/no spaces/);
      expect(() => site.addBehavior(undefined as unknown as string, api)).toThrow(/invalid `pathPattern` \(undefined\): it must be a string, and is undefined/);
      expect(() => site.addBehavior('/api/*', undefined as unknown as cloudfront.IOrigin)).toThrow(/invalid `origin`/);
      site.addBehavior('/legacy/*', api, { viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.ALLOW_ALL });
      Annotations.fromStack(stack).hasWarning('/Test/Site', Match.stringLikeRegexp('/legacy/\\* answers plain HTTP.*SpaHosting.behaviorAllowsHttp'));
    });

    test('grantDeploy without a grantee (from JavaScript) is the library\'s error', () => {
      const { site } = synth();
      expect(() => site.grantDeploy(undefined as unknown as iam.IGrantable)).toThrow(/^Test\/Site: invalid `grantee` \(undefined\)/);
    });
  });

  describe('grantDeploy', () => {
    function granted(props: (stack: Stack) => SpaHostingProps = () => ({})) {
      const { stack, site } = synth(props);
      const role = new iam.Role(stack, 'Deployer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
      site.grantDeploy(role);
      return { template: Template.fromStack(stack), stack };
    }

    test('list the bucket, get/put/delete its objects, read and write the keys of its KeyValueStore; nothing else', () => {
      const { template } = granted();
      const policies = Object.values(template.findResources('AWS::IAM::Policy'));
      expect(policies).toHaveLength(1);
      const [policy] = policies;
      const statements: any[] = policy.Properties.PolicyDocument.Statement;
      expect(statements.every((st) => st.Effect === 'Allow' && !st.Condition)).toBe(true);
      const bucketId = siteBucket(template);
      // (the recommended flags sort actions; compare as sets)
      const actions = statements.map((st) => [st.Action].flat().sort());
      expect(actions).toEqual([['s3:ListBucket'], ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], [
        'cloudfront-keyvaluestore:DescribeKeyValueStore', 'cloudfront-keyvaluestore:GetKey', 'cloudfront-keyvaluestore:PutKey', 'cloudfront-keyvaluestore:UpdateKeys',
      ]]);
      expect(statements[0].Resource).toEqual({ 'Fn::GetAtt': [bucketId, 'Arn'] });
      expect(statements[1].Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] });
      const storeId = Object.keys(template.findResources('AWS::CloudFront::KeyValueStore'))[0];
      expect(statements[2].Resource).toEqual({ 'Fn::GetAtt': [storeId, 'Arn'] });
      expect(JSON.stringify(statements)).not.toMatch(/Invalidation/);
    });

    test('without a routing function (ERROR_RESPONSES, NONE) there is no store: S3 only', () => {
      for (const spaRouting of [SpaRouting.ERROR_RESPONSES, SpaRouting.NONE]) {
        const { template } = granted(() => ({ spaRouting }));
        const [policy] = Object.values(template.findResources('AWS::IAM::Policy'));
        const actions = (policy.Properties.PolicyDocument.Statement as any[]).flatMap((st) => [st.Action].flat());
        expect(actions.every((a: string) => a.startsWith('s3:'))).toBe(true);
      }
    });

    test('the object wildcard is acknowledged on the grantee\'s policy with a reason, and only that finding', () => {
      const { template } = granted();
      const bucketId = siteBucket(template);
      template.hasResource('AWS::IAM::Policy', {
        Metadata: {
          cdk_nag: {
            rules_to_suppress: [{ id: 'AwsSolutions-IAM5', reason: Match.stringLikeRegexp('site bucket'), applies_to: [`Resource::<${bucketId}.Arn>/*`] }],
          },
        },
      });
    });

    test('with a KMS key: decrypt and generate data keys with that key only', () => {
      const { template } = granted((stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }));
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } }]),
        },
      });
    });
  });
});

describe('SpaHosting rejects bad input at synth', () => {
  const PATH = 'Test/Site';
  function attempt(props: (stack: Stack) => SpaHostingProps, env = ENV) {
    const stack = new Stack(new App(), 'Test', { env });
    let error: Error | undefined;
    try {
      new SpaHosting(stack, 'Site', props(stack));
    } catch (e) {
      error = e as Error;
    }
    return { stack, error };
  }
  const cert = (stack: Stack, arn = CERT_ARN) => acm.Certificate.fromCertificateArn(stack, 'Cert', arn);
  const zone = (stack: Stack, zoneName: string) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName });

  const CASES: Array<[string, (stack: Stack) => SpaHostingProps, string, RegExp]> = [
    ['bucket name with uppercase', () => ({ bucketName: 'E-Com67-Admin' }), 'bucketName', /lowercase/],
    ['bucket name too short', () => ({ bucketName: 'ab' }), 'bucketName', /3 to 63/],
    ['bucket name too long', () => ({ bucketName: 'a'.repeat(64) }), 'bucketName', /3 to 63.*64/],
    ['bucket name with underscore', () => ({ bucketName: 'my_bucket' }), 'bucketName', /lowercase letters, digits, dots and hyphens/],
    ['bucket name starting with a hyphen', () => ({ bucketName: '-bucket' }), 'bucketName', /begin and end/],
    ['bucket name with xn-- prefix', () => ({ bucketName: 'xn--bucket' }), 'bucketName', /prefix "xn--"/],
    ['bucket name with sthree- prefix', () => ({ bucketName: 'sthree-bucket' }), 'bucketName', /prefix "sthree-"/],
    ['bucket name with -s3alias suffix', () => ({ bucketName: 'bucket-s3alias' }), 'bucketName', /suffix "-s3alias"/],
    ['bucket name with --ol-s3 suffix', () => ({ bucketName: 'bucket--ol-s3' }), 'bucketName', /suffix "--ol-s3"/],
    ['bucket name in IP form', () => ({ bucketName: '192.168.5.4' }), 'bucketName', /IP address/],
    ['bucket name with ..', () => ({ bucketName: 'my..bucket' }), 'bucketName', /adjacent dots/],
    ['bucket name whose literal part is uppercase around a token', () => ({ bucketName: `Admin-${Aws.ACCOUNT_ID}` }), 'bucketName', /lowercase/],
    ['existing bucket with bucketName', (s) => ({ existingBucket: s3.Bucket.fromBucketName(s, 'Old', 'old-bucket'), bucketName: 'new-bucket' }), 'existingBucket', /`bucketName`/],
    ['existing bucket with a key and version settings', (s) => ({
      existingBucket: s3.Bucket.fromBucketName(s, 'Old', 'old-bucket'), encryptionKey: new kms.Key(s, 'K'), noncurrentVersionsToRetain: 3,
    }), 'existingBucket', /`encryptionKey`, `noncurrentVersionsToRetain`/],
    ['domainNames without certificate', () => ({ domainNames: ['admin.example.com'] }), 'certificate', /need a certificate/],
    ['certificate without domainNames', (s) => ({ certificate: cert(s) }), 'domainNames', /only used for custom domain names/],
    ['empty domainNames', (s) => ({ domainNames: [], certificate: cert(s) }), 'domainNames', /empty list/],
    ['certificate outside us-east-1', (s) => ({
      domainNames: ['admin.example.com'], certificate: cert(s, 'arn:aws:acm:eu-west-1:111122223333:certificate/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b'),
    }), 'certificate', /us-east-1, this one is in eu-west-1/],
    ['certificate created in a stack outside us-east-1', (s) => ({
      domainNames: ['admin.example.com'], certificate: new acm.Certificate(s, 'Made', { domainName: 'admin.example.com' }),
    }), 'certificate', /this one is in eu-west-1/],
    ['domain with a scheme', (s) => ({ domainNames: ['https://admin.example.com'], certificate: cert(s) }), 'domainNames', /URL scheme/],
    ['domain with a path', (s) => ({ domainNames: ['admin.example.com/app'], certificate: cert(s) }), 'domainNames', /path/],
    ['domain with a port', (s) => ({ domainNames: ['admin.example.com:443'], certificate: cert(s) }), 'domainNames', /port/],
    ['domain with an empty label', (s) => ({ domainNames: ['admin..example.com'], certificate: cert(s) }), 'domainNames', /empty label/],
    ['domain with a leading dot', (s) => ({ domainNames: ['.example.com'], certificate: cert(s) }), 'domainNames', /empty label/],
    ['domain over 253 characters', (s) => ({ domainNames: [`${'a'.repeat(60)}.`.repeat(4) + 'example.com'], certificate: cert(s) }), 'domainNames', /at most 253/],
    ['domain with an underscore', (s) => ({ domainNames: ['ad_min.example.com'], certificate: cert(s) }), 'domainNames', /letters, digits and inner hyphens/],
    ['hosted zone not containing a domain', (s) => ({
      domainNames: ['admin.example.com', 'shop.example.org'], certificate: cert(s), hostedZone: zone(s, 'example.com'),
    }), 'hostedZone', /shop\.example\.org are not in this zone/],
    ['hosted zone matching only as a string suffix', (s) => ({
      domainNames: ['admin.example.com'], certificate: cert(s), hostedZone: zone(s, 'ample.com'),
    }), 'hostedZone', /not in this zone/],
    ['hosted zone without domainNames', (s) => ({ hostedZone: zone(s, 'example.com') }), 'hostedZone', /no `domainNames`/],
    ['regional web ACL', () => ({ webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shop/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b' }), 'webAclArn', /CLOUDFRONT/],
    ['global-looking web ACL outside us-east-1', () => ({ webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:global/webacl/shop/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b' }), 'webAclArn', /us-east-1/],
    ['WAF classic web ACL ID', () => ({ webAclArn: '0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b' }), 'webAclArn', /WAFv2/],
    ['geo code UK', () => ({ geoAllowList: ['DE', 'UK'] }), 'geoAllowList', /not ISO 3166-1 alpha-2/],
    ['lowercase geo code', () => ({ geoDenyList: ['de'] }), 'geoDenyList', /not ISO 3166-1 alpha-2/],
    ['three-letter geo code', () => ({ geoAllowList: ['USA'] }), 'geoAllowList', /not ISO 3166-1 alpha-2/],
    ['both geo lists', () => ({ geoAllowList: ['DE'], geoDenyList: ['FR'] }), 'geoDenyList', /either an allow list or a deny list/],
    ['geo code as a token', () => ({ geoAllowList: [Fn.importValue('Country')] }), 'geoAllowList', /literal/],
    ['empty geo list', () => ({ geoAllowList: [] }), 'geoAllowList', /empty list/],
    ['HSTS preload under a year', () => ({ hstsPreload: true, hstsMaxAge: Duration.days(180) }), 'hstsMaxAge', /at least one year/],
    ['empty CSP', () => ({ contentSecurityPolicy: '' }), 'contentSecurityPolicy', /empty policy/],
    ['blank CSP', () => ({ contentSecurityPolicy: '   ' }), 'contentSecurityPolicy', /empty policy/],
    ['CSP with a newline', () => ({ contentSecurityPolicy: "default-src 'self';\nscript-src 'self'" }), 'contentSecurityPolicy', /line break/],
    ['CSP over CloudFront\'s limit', () => ({ contentSecurityPolicy: `default-src 'self' ${'https://a.example.com '.repeat(90)}` }), 'contentSecurityPolicy', /at most 1783/],
    ['connectSources with a custom CSP', () => ({ contentSecurityPolicy: "default-src 'self'", connectSources: ['https://api.example.com'] }), 'connectSources', /replaces/],
    ['connectSources entry with a space', () => ({ connectSources: ['https://a.example.com https://b.example.com'] }), 'connectSources', /one origin/],
    ['TLS 1.2 (2019)', (s) => ({ domainNames: ['admin.example.com'], certificate: cert(s), minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2019 }), 'minimumProtocolVersion', /below TLS 1\.2 \(2021\)/],
    ['TLS 1.0', (s) => ({ domainNames: ['admin.example.com'], certificate: cert(s), minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1 }), 'minimumProtocolVersion', /below TLS 1\.2/],
    ['TLS minimum without a custom domain', () => ({ minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }), 'minimumProtocolVersion', /only applies to custom domain names/],
    ['zero noncurrent versions', () => ({ noncurrentVersionsToRetain: 0 }), 'noncurrentVersionsToRetain', /1 to 100/],
    ['101 noncurrent versions', () => ({ noncurrentVersionsToRetain: 101 }), 'noncurrentVersionsToRetain', /1 to 100/],
    ['fractional noncurrent versions', () => ({ noncurrentVersionsToRetain: 2.5 }), 'noncurrentVersionsToRetain', /whole number/],
    ['noncurrent expiration in hours', () => ({ noncurrentVersionExpiration: Duration.hours(36) }), 'noncurrentVersionExpiration', /whole number of days/],
    ['noncurrent expiration of zero days', () => ({ noncurrentVersionExpiration: Duration.days(0) }), 'noncurrentVersionExpiration', /from 1 to 3650/],
    ['log retention with logs off', () => ({ accessLogs: false, accessLogsRetention: Duration.days(30) }), 'accessLogsRetention', /no effect/],
    ['HSTS max-age of 1.5 seconds', () => ({ hstsMaxAge: Duration.millis(1500) }), 'hstsMaxAge', /whole number of seconds/],
    ['HSTS max-age over a 32-bit integer', () => ({ hstsMaxAge: Duration.days(36_500) }), 'hstsMaxAge', /at most 2147483647 seconds/],
    ['log retention of 1.5 seconds', () => ({ accessLogsRetention: Duration.millis(1500) }), 'accessLogsRetention', /whole number of days/],
    ['a 129-character comment', () => ({ comment: 'x'.repeat(129) }), 'comment', /at most 128 characters, this one has 129/],
    ['a comment with a line break', () => ({ comment: 'E-Com67\nadmin' }), 'comment', /control character/],
    ['the same domain twice, in another case', (s) => ({ domainNames: ['admin.example.com', 'Admin.Example.com'], certificate: cert(s) }), 'domainNames', /listed twice/],
    ['an empty domain name', (s) => ({ domainNames: ['admin.example.com', ''], certificate: cert(s) }), 'domainNames', /it is empty/],
    ['a KMS key in another region', (s) => ({ encryptionKey: kms.Key.fromKeyArn(s, 'K', 'arn:aws:kms:us-east-1:111122223333:key/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b') }), 'encryptionKey', /of its own region \(eu-west-1\), this key is in us-east-1/],
    ['removalPolicy SNAPSHOT', () => ({ removalPolicy: RemovalPolicy.SNAPSHOT }), 'removalPolicy', /no snapshots/],
    ['removalPolicy with an existing bucket, no logs and no routing function', (s) => ({ existingBucket: s3.Bucket.fromBucketName(s, 'Old', 'old-bucket'), accessLogs: false, spaRouting: SpaRouting.ERROR_RESPONSES, removalPolicy: RemovalPolicy.DESTROY }), 'removalPolicy', /creates no bucket and no release store/],
    ['a CSP with NUL', () => ({ contentSecurityPolicy: "default-src 'self'\0" }), 'contentSecurityPolicy', /visible ASCII/],
    ['a CSP with a non-ASCII host', () => ({ contentSecurityPolicy: "default-src 'self' https://bücher.example" }), 'contentSecurityPolicy', /punycode/],
  ];

  // What JavaScript (or a Python dict) can pass that TypeScript would not compile: the library's own error, never a TypeError.
  const FROM_JS: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['spaRouting "SPA"', { spaRouting: 'SPA' }, 'spaRouting', /not a value of SpaRouting.*use one of SpaRouting\.REWRITE_FUNCTION, SpaRouting\.ERROR_RESPONSES, SpaRouting\.NONE/],
    ['spaRouting 99', { spaRouting: 99 }, 'spaRouting', /not a value of SpaRouting/],
    ['priceClass "cheap"', { priceClass: 'cheap' }, 'priceClass', /not a value of cloudfront\.PriceClass/],
    ['minimumProtocolVersion "TLSv9"', { minimumProtocolVersion: 'TLSv9' }, 'minimumProtocolVersion', /not a value of cloudfront\.SecurityPolicyProtocol/],
    ['removalPolicy "keep"', { removalPolicy: 'keep' }, 'removalPolicy', /not a value of RemovalPolicy/],
    ['domainNames as a string', { domainNames: 'shop.example.com' }, 'domainNames', /it must be a list of strings, and is a string.*Fix: put the value in a list: \["shop\.example\.com"\]/],
    ['a number in connectSources', { connectSources: [443] }, 'connectSources', /entry 0 is a number/],
    ['geoAllowList as a string', { geoAllowList: 'DE' }, 'geoAllowList', /it must be a list of strings/],
    ['cspPresets not in a list', { cspPresets: CspPreset.stripe() }, 'cspPresets', /it must be a list of CspPresets/],
    ['a plain object as a preset', { cspPresets: [{ scriptSources: ['https://js.example.com'] }] }, 'cspPresets', /entry 0 is an object/],
    ['hstsMaxAge as a number', { hstsMaxAge: 300 }, 'hstsMaxAge', /it must be a Duration, and is a number/],
    ['accessLogsRetention as a number', { accessLogsRetention: 90 }, 'accessLogsRetention', /it must be a Duration/],
    ['accessLogs "false"', { accessLogs: 'false' }, 'accessLogs', /it must be true or false, and is a string/],
    ['bucketName as a number', { bucketName: 5 }, 'bucketName', /it must be a string/],
    ['comment as null', { comment: null }, 'comment', /it must be a string, and is null/],
    ['existingBucket as a name', { existingBucket: 'old-bucket' }, 'existingBucket', /it must be an s3\.IBucket/],
    ['certificate as an ARN', { domainNames: ['admin.example.com'], certificate: CERT_ARN }, 'certificate', /it must be an acm\.ICertificate/],
    ['hostedZone as a name', { hostedZone: 'example.com' }, 'hostedZone', /it must be a route53\.IHostedZone/],
    ['encryptionKey as an alias', { encryptionKey: 'alias/site' }, 'encryptionKey', /it must be a kms\.IKey/],
  ];
  test.each(FROM_JS)('from JavaScript: %s', (_name, props, prop, problem) => {
    const { stack, error } = attempt(() => props as SpaHostingProps);
    expect(error?.message).toMatch(new RegExp(`^${PATH}: invalid \`${prop}\` \\(`));
    expect(error?.message).toMatch(problem);
    expect(stack.node.tryFindChild('Site')).toBeUndefined();
  });

  test('from JavaScript: null props are no props', () => {
    expect(attempt(() => null as unknown as SpaHostingProps).error).toBeUndefined();
  });

  test.each(CASES)('%s', (_name, props, prop, problem) => {
    const { stack, error } = attempt(props);
    expect(error).toBeDefined();
    const message = error!.message;
    expect(message.startsWith(`${PATH}: invalid \`${prop}\` (`)).toBe(true);
    expect(message).toMatch(problem);
    expect(message).toMatch(/\. Fix: \S/);
    // Nothing half-created: the rejected construct is not left in the tree.
    expect(stack.node.tryFindChild('Site')).toBeUndefined();
  });

  test('the message shows the value received', () => {
    expect(attempt(() => ({ bucketName: 'E-Com67-Admin' })).error?.message).toContain('("E-Com67-Admin")');
    expect(attempt(() => ({ geoAllowList: ['DE', 'UK'] })).error?.message).toContain('(["UK"])');
    expect(attempt(() => ({ noncurrentVersionExpiration: Duration.hours(36) })).error?.message).toContain('(1 day 12 hours)');
  });

  test('values unresolved at synth are not validated as literals', () => {
    const { error } = attempt((s) => {
      const apiUrl = Fn.importValue('ApiUrl');
      return {
        bucketName: `e-com67-admin-dashboard-${Aws.ACCOUNT_ID}`,
        domainNames: [Fn.importValue('Domain')],
        certificate: acm.Certificate.fromCertificateArn(s, 'Cert', Fn.importValue('CertArn')),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(s, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: Fn.importValue('ZoneName') }),
        webAclArn: Fn.importValue('WebAclArn'),
        connectSources: [apiUrl],
        noncurrentVersionsToRetain: Token.asNumber(Fn.importValue('Keep')),
        noncurrentVersionExpiration: Duration.days(Token.asNumber(Fn.importValue('Days'))),
      };
    }, { account: '111122223333', region: 'us-east-1' });
    expect(error).toBeUndefined();
  });

  test('an imported token certificate in a stack outside us-east-1 is accepted (its region is unknown)', () => {
    const stack = new Stack(new App(), 'Elsewhere', { env: ENV });
    expect(() => new SpaHosting(stack, 'Site', {
      domainNames: ['admin.example.com'],
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', Fn.importValue('CertArn')),
    })).not.toThrow();
  });

  test('a token certificate in an environment-agnostic stack is accepted', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new SpaHosting(stack, 'Site', {
      domainNames: ['admin.example.com'],
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', Fn.importValue('CertArn')),
    })).not.toThrow();
  });
});
