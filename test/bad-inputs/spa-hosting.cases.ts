// SpaHosting's and CspPreset's bad and edge inputs: the Content-Security-Policy sources, HSTS, enum values and
// wrong types from JavaScript, CloudFront's limits (comment, domain names), and the resources passed in.
import { Annotations, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BadInput, Expected, Observed, accepted, refused, synth, warned } from './case';
import { CspPreset, CspSources, SpaHosting, SpaHostingProps, SpaRouting } from '../../src';

const CERT_ARN = 'arn:aws:acm:us-east-1:111122223333:certificate/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const WEB_ACL_ID = '0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const cert = (stack: Stack, arn = CERT_ARN) => acm.Certificate.fromCertificateArn(stack, 'Cert', arn);
const zone = (stack: Stack, zoneName: string) =>
  route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName });

/** A SpaHosting case: props built in the case's stack. */
function hosting(input: string, expect: Expected, props: (stack: Stack) => SpaHostingProps): BadInput {
  return { subject: 'SpaHosting', input, expect, observe: synth((stack) => new SpaHosting(stack, 'Site', props(stack))) };
}

/** A SpaHosting case as JavaScript would write it: any value for any prop. */
function fromJs(input: string, expect: Expected, props: (stack: Stack) => Record<string, unknown>): BadInput {
  return hosting(input, expect, (stack) => props(stack) as SpaHostingProps);
}

/** A CspPreset factory call: refused when it throws, accepted otherwise (it synthesizes nothing). */
function preset(input: string, expect: Expected, make: () => CspPreset): BadInput {
  return {
    subject: 'CspPreset',
    input,
    expect,
    observe: (): Observed => {
      try {
        make();
        return { warnings: [] };
      } catch (error) {
        return { refusal: (error as Error).message, warnings: [] };
      }
    },
  };
}

/** A call on a default SpaHosting. */
function method(input: string, expect: Expected, call: (site: SpaHosting) => void): BadInput {
  return { subject: 'SpaHosting', input, expect, observe: synth((stack) => call(new SpaHosting(stack, 'Site'))) };
}
const api = () => new origins.HttpOrigin('api.example.com');

const csp = (sources: CspSources, extra: SpaHostingProps = {}) => () => ({ ...sources, ...extra });

export const CASES: BadInput[] = [
  // Content-Security-Policy sources: every *Sources prop refuses what would open the policy.
  hosting("scriptSources: ['*']", refused('scriptSources'), csp({ scriptSources: ['*'] })),
  hosting("connectSources: ['*']", refused('connectSources', /wildcard host allows every host/), csp({ connectSources: ['*'] })),
  hosting("connectSources: ['https://*']", refused('connectSources', /wildcard/), csp({ connectSources: ['https://*'] })),
  hosting("connectSources: ['http:']", refused('connectSources', /bare scheme/), csp({ connectSources: ['http:'] })),
  hosting("connectSources: ['https:']", refused('connectSources', /bare scheme/), csp({ connectSources: ['https:'] })),
  hosting("connectSources: ['javascript:alert(1)']", refused('connectSources'), csp({ connectSources: ['javascript:alert(1)'] })),
  hosting("scriptSources: ['javascript:']", refused('scriptSources', /javascript: URLs run code/), csp({ scriptSources: ['javascript:'] })),
  hosting("connectSources: [\"'unsafe-eval'\"] without allowUnsafeEval", refused('connectSources', /allowUnsafeEval: true/),
    csp({ connectSources: ["'unsafe-eval'"] })),
  hosting("scriptSources: [\"'unsafe-eval'\"] without allowUnsafeEval", refused('scriptSources', /allowUnsafeEval/), csp({ scriptSources: ["'unsafe-eval'"] })),
  hosting("styleSources: [\"'unsafe-inline'\"] without allowUnsafeInline", refused('styleSources', /allowUnsafeInline/),
    csp({ styleSources: ["'unsafe-inline'"] })),
  hosting('allowUnsafeEval: true', warned('cdk-ecom-platform:SpaHosting.unsafeEval'), csp({ scriptSources: ["'unsafe-eval'"] }, { allowUnsafeEval: true })),
  hosting('allowUnsafeInline: true', warned('cdk-ecom-platform:SpaHosting.unsafeInline'),
    csp({ styleSources: ["'unsafe-inline'"] }, { allowUnsafeInline: true })),
  hosting("connectSources: ['https://api.example.com\\0'] (NUL)", refused('connectSources', /visible ASCII/), csp({ connectSources: ['https://api.example.com\0'] })),
  hosting("imgSources: ['https://img.example.com\\u0007'] (control character)", refused('imgSources', /visible ASCII/),
    csp({ imgSources: ['https://img.example.com\u0007'] })),
  hosting("fontSources: ['https://schrift.bücher.de'] (non-ASCII)", refused('fontSources', /punycode/), csp({ fontSources: ['https://schrift.bücher.de'] })),
  hosting("frameSources: ['http://pay.example.com']", refused('frameSources', /use https:\/\//), csp({ frameSources: ['http://pay.example.com'] })),
  hosting("connectSources: ['ws://chat.example.com']", refused('connectSources', /use wss:\/\//), csp({ connectSources: ['ws://chat.example.com'] })),
  hosting("mediaSources: ['ftp://media.example.com']", refused('mediaSources', /ftp:\/\//), csp({ mediaSources: ['ftp://media.example.com'] })),
  hosting("workerSources: ['data:']", refused('workerSources', /bare scheme/), csp({ workerSources: ['data:'] })),
  hosting("formActionSources: ['*']", refused('formActionSources', /wildcard/), csp({ formActionSources: ['*'] })),
  hosting("scriptSources: [\"'nonce-abc123'\"]", refused('scriptSources', /nonce/), csp({ scriptSources: ["'nonce-abc123'"] })),
  hosting("scriptSources: ['self'] (keyword without quotes)", refused('scriptSources', /single quotes/), csp({ scriptSources: ['self'] })),
  hosting("scriptSources: ['https://*.com'] (a whole top-level domain)", refused('scriptSources', /top-level domain/), csp({ scriptSources: ['https://*.com'] })),
  hosting("connectSources: ['https://api.example.com:70000']", refused('connectSources', /not a TCP port/),
    csp({ connectSources: ['https://api.example.com:70000'] })),
  hosting("connectSources: ['']", refused('connectSources', /one origin/), csp({ connectSources: [''] })),
  hosting("connectSources: ['https://a.example.com; script-src *'] (directive injection)", refused('connectSources', /semicolons/),
    csp({ connectSources: ['https://a.example.com; script-src *'] })),
  hosting("connectSources: ['wss://chat.example.com', api.url (a token)]", accepted(),
    csp({ connectSources: ['wss://chat.example.com', Fn.importValue('ApiUrl')] })),
  hosting("imgSources: ['data:', 'blob:', 'https://*.images.example-cdn.com']", accepted(),
    csp({ imgSources: ['data:', 'blob:', 'https://*.images.example-cdn.com'] })),
  hosting("scriptSources: [\"'sha256-...'\", \"'strict-dynamic'\"]", accepted(),
    csp({ scriptSources: ["'sha256-B2yPHKaXnvFWtRChIbabYmUBFZdVfKKXHbWtWidDVF8='", "'strict-dynamic'"] })),
  hosting("scriptSources: ['https://*.cloudfront.net'] (anyone's distribution)", warned('cdk-ecom-platform:SpaHosting.cspSharedScriptHost'),
    csp({ scriptSources: ['https://*.cloudfront.net'] })),
  hosting("scriptSources: ['https://unpkg.com'] (any npm package)", warned('cdk-ecom-platform:SpaHosting.cspSharedScriptHost'),
    csp({ scriptSources: ['https://unpkg.com'] })),
  hosting("scriptSources: ['https://d111111abcdef8.cloudfront.net'] (one distribution)", accepted(),
    csp({ scriptSources: ['https://d111111abcdef8.cloudfront.net'] })),
  hosting('contentSecurityPolicy with NUL', refused('contentSecurityPolicy', /visible ASCII/), () => ({ contentSecurityPolicy: "default-src 'self'\0" })),
  hosting('contentSecurityPolicy with a non-ASCII host', refused('contentSecurityPolicy', /punycode/),
    () => ({ contentSecurityPolicy: "default-src 'self'; img-src https://bücher.de" })),
  hosting('contentSecurityPolicy with a line break (header injection)', refused('contentSecurityPolicy', /line break/),
    () => ({ contentSecurityPolicy: "default-src 'self'\r\nSet-Cookie: x=1" })),
  hosting("contentSecurityPolicy: ''", refused('contentSecurityPolicy', /empty policy/), () => ({ contentSecurityPolicy: '' })),
  hosting('contentSecurityPolicy of 1784 characters', refused('contentSecurityPolicy', /at most 1783/),
    () => ({ contentSecurityPolicy: `default-src 'self'${' '.repeat(1766)}` })),
  hosting('contentSecurityPolicy with connectSources', refused('connectSources', /replaces/),
    () => ({ contentSecurityPolicy: "default-src 'self'", connectSources: ['https://api.example.com'] })),
  hosting("cspPresets: [CspPreset.custom('x', { connectSources: ['*'] })]", refused('cspPresets[0] (x).connectSources', /wildcard/),
    () => ({ cspPresets: [CspPreset.custom('x', { connectSources: ['*'] })] })),
  hosting("cspPresets: [CspPreset.sentry('http:')]", refused('cspPresets[0] (sentry).connectSources', /bare scheme/),
    () => ({ cspPresets: [CspPreset.sentry('http:')] })),
  hosting("cspPresets: [CspPreset.custom('x', { scriptSources: [\"'unsafe-eval'\"] })]", refused('cspPresets[0] (x).scriptSources', /allowUnsafeEval/),
    () => ({ cspPresets: [CspPreset.custom('x', { scriptSources: ["'unsafe-eval'"] })] })),

  // HSTS: whole seconds within CloudFront's integer; 0 or a short max-age warns (both may be meant: clearing a
  // policy sent by mistake, the first steps of a rollout), and the warning says how to acknowledge it.
  hosting('hstsMaxAge: Duration.seconds(0)', warned('cdk-ecom-platform:SpaHosting.hstsOff'), () => ({ hstsMaxAge: Duration.seconds(0) })),
  hosting('hstsMaxAge: Duration.minutes(5)', warned('cdk-ecom-platform:SpaHosting.hstsShort'), () => ({ hstsMaxAge: Duration.minutes(5) })),
  hosting('hstsMaxAge: Duration.days(180)', warned('cdk-ecom-platform:SpaHosting.hstsShort'), () => ({ hstsMaxAge: Duration.days(180) })),
  hosting('hstsMaxAge: Duration.days(183)', accepted(), () => ({ hstsMaxAge: Duration.days(183) })),
  hosting('hstsMaxAge: Duration.days(730)', accepted(), () => ({ hstsMaxAge: Duration.days(730) })),
  {
    subject: 'SpaHosting',
    input: 'hstsMaxAge: Duration.days(30), acknowledged',
    expect: accepted(),
    observe: synth((stack) => {
      const site = new SpaHosting(stack, 'Site', { hstsMaxAge: Duration.days(30) });
      Annotations.of(site).acknowledgeWarning('cdk-ecom-platform:SpaHosting.hstsShort', 'first week of an HSTS rollout');
    }),
  },
  hosting('hstsMaxAge: Duration.millis(1500)', refused('hstsMaxAge', /whole number of seconds/), () => ({ hstsMaxAge: Duration.millis(1500) })),
  hosting('hstsMaxAge: Duration.seconds(NaN)', refused('hstsMaxAge', /whole number of seconds/), () => ({ hstsMaxAge: Duration.seconds(NaN) })),
  hosting('hstsMaxAge: Duration.days(36500)', refused('hstsMaxAge', /32-bit integer/), () => ({ hstsMaxAge: Duration.days(36_500) })),
  hosting('hstsPreload with hstsMaxAge: Duration.days(180)', refused('hstsMaxAge', /at least one year/),
    () => ({ hstsPreload: true, hstsMaxAge: Duration.days(180) })),
  {
    // A negative Duration never reaches SpaHosting: aws-cdk-lib's Duration.days() throws in the caller's own line.
    subject: 'SpaHosting',
    input: 'hstsMaxAge: Duration.days(-1)',
    expect: refused('Duration amounts cannot be negative'),
    libraryError: false,
    observe: synth((stack) => new SpaHosting(stack, 'Site', { hstsMaxAge: Duration.days(-1) })),
  },

  // Other Durations.
  hosting('accessLogsRetention: Duration.millis(1500)', refused('accessLogsRetention', /whole number of days/),
    () => ({ accessLogsRetention: Duration.millis(1500) })),
  hosting('accessLogsRetention: Duration.days(0)', refused('accessLogsRetention', /from 1 to 3650/), () => ({ accessLogsRetention: Duration.days(0) })),
  hosting('accessLogsRetention: Duration.days(3651)', refused('accessLogsRetention', /from 1 to 3650/), () => ({ accessLogsRetention: Duration.days(3651) })),
  hosting('accessLogsRetention with accessLogs: false', refused('accessLogsRetention', /no effect/),
    () => ({ accessLogs: false, accessLogsRetention: Duration.days(30) })),
  hosting('noncurrentVersionExpiration: Duration.hours(36)', refused('noncurrentVersionExpiration', /whole number of days/),
    () => ({ noncurrentVersionExpiration: Duration.hours(36) })),
  hosting('noncurrentVersionExpiration: Duration.seconds(Infinity)', refused('noncurrentVersionExpiration'),
    () => ({ noncurrentVersionExpiration: Duration.seconds(Infinity) })),
  hosting('noncurrentVersionsToRetain: 0', refused('noncurrentVersionsToRetain', /1 to 100/), () => ({ noncurrentVersionsToRetain: 0 })),

  // Enum props from JavaScript: an unknown value would ship as is.
  fromJs("spaRouting: 'SPA'", refused('spaRouting', /not a value of SpaRouting/), () => ({ spaRouting: 'SPA' })),
  fromJs('spaRouting: 99', refused('spaRouting', /not a value of SpaRouting/), () => ({ spaRouting: 99 })),
  fromJs("spaRouting: 'rewrite_function' (lowercase)", refused('spaRouting'), () => ({ spaRouting: 'rewrite_function' })),
  hosting('spaRouting: SpaRouting.NONE', accepted(), () => ({ spaRouting: SpaRouting.NONE })),
  fromJs("priceClass: 'PriceClass_Cheap'", refused('priceClass', /not a value of cloudfront\.PriceClass/), () => ({ priceClass: 'PriceClass_Cheap' })),
  hosting('priceClass: PriceClass.PRICE_CLASS_ALL', accepted(), () => ({ priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL })),
  fromJs("minimumProtocolVersion: 'TLSv9' with a custom domain", refused('minimumProtocolVersion', /not a value of cloudfront\.SecurityPolicyProtocol/),
    (stack) => ({ minimumProtocolVersion: 'TLSv9', domainNames: ['shop.example.com'], certificate: cert(stack) })),
  hosting('minimumProtocolVersion: TLS_V1_2_2019', refused('minimumProtocolVersion', /below TLS 1\.2 \(2021\)/),
    (stack) => ({ minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2019, domainNames: ['shop.example.com'], certificate: cert(stack) })),
  hosting('minimumProtocolVersion: TLS_V1_3_2025 with a custom domain', accepted(),
    (stack) => ({ minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_3_2025, domainNames: ['shop.example.com'], certificate: cert(stack) })),
  fromJs("removalPolicy: 'keep'", refused('removalPolicy', /not a value of RemovalPolicy/), () => ({ removalPolicy: 'keep' })),
  hosting('removalPolicy: RemovalPolicy.SNAPSHOT', refused('removalPolicy', /no snapshots/), () => ({ removalPolicy: RemovalPolicy.SNAPSHOT })),
  hosting('removalPolicy with existingBucket, accessLogs: false and spaRouting: NONE', refused('removalPolicy', /creates no bucket and no release store/),
    (stack) => ({ existingBucket: s3.Bucket.fromBucketName(stack, 'Old', 'old-bucket'), accessLogs: false, spaRouting: SpaRouting.NONE, removalPolicy: RemovalPolicy.DESTROY })),
  // The release store is still created, and the policy applies to it.
  hosting('removalPolicy with existingBucket and accessLogs: false (the routing function\'s store remains)', accepted(),
    (stack) => ({ existingBucket: s3.Bucket.fromBucketName(stack, 'Old', 'old-bucket'), accessLogs: false, removalPolicy: RemovalPolicy.DESTROY })),
  hosting('removalPolicy: RemovalPolicy.DESTROY', accepted(), () => ({ removalPolicy: RemovalPolicy.DESTROY })),

  // Wrong types from JavaScript: the library's own error, never a TypeError.
  fromJs("domainNames: 'shop.example.com'", refused('domainNames', /it must be a list of strings, and is a string/),
    (stack) => ({ domainNames: 'shop.example.com', certificate: cert(stack) })),
  fromJs("connectSources: 'https://api.example.com'", refused('connectSources', /it must be a list of strings/), () => ({ connectSources: 'https://api.example.com' })),
  fromJs('connectSources: [443]', refused('connectSources', /entry 0 is a number/), () => ({ connectSources: [443] })),
  fromJs('cspPresets: CspPreset.stripe() (not in a list)', refused('cspPresets', /list of CspPreset/), () => ({ cspPresets: CspPreset.stripe() })),
  fromJs('cspPresets: [{ scriptSources: [...] }] (a plain object)', refused('cspPresets', /entry 0 is an object/),
    () => ({ cspPresets: [{ scriptSources: ['https://js.example.com'] }] })),
  fromJs("geoAllowList: 'DE'", refused('geoAllowList', /list of strings/), () => ({ geoAllowList: 'DE' })),
  fromJs('hstsMaxAge: 31536000 (a number)', refused('hstsMaxAge', /it must be a Duration, and is a number/), () => ({ hstsMaxAge: 31_536_000 })),
  fromJs('accessLogsRetention: 90 (a number)', refused('accessLogsRetention', /it must be a Duration/), () => ({ accessLogsRetention: 90 })),
  fromJs("accessLogs: 'false' (a string)", refused('accessLogs', /it must be true or false/), () => ({ accessLogs: 'false' })),
  fromJs("hstsPreload: 'yes'", refused('hstsPreload', /it must be true or false/), () => ({ hstsPreload: 'yes' })),
  fromJs('bucketName: 123', refused('bucketName', /it must be a string/), () => ({ bucketName: 123 })),
  fromJs('comment: 42', refused('comment', /it must be a string/), () => ({ comment: 42 })),
  fromJs("existingBucket: 'old-bucket' (a name)", refused('existingBucket', /it must be an s3\.IBucket/), () => ({ existingBucket: 'old-bucket' })),
  fromJs('certificate: an ARN string', refused('certificate', /it must be an acm\.ICertificate/),
    () => ({ domainNames: ['shop.example.com'], certificate: CERT_ARN })),
  fromJs("hostedZone: 'example.com'", refused('hostedZone', /it must be a route53\.IHostedZone/), () => ({ hostedZone: 'example.com' })),
  fromJs("encryptionKey: 'alias/site'", refused('encryptionKey', /it must be a kms\.IKey/), () => ({ encryptionKey: 'alias/site' })),
  {
    subject: 'SpaHosting',
    input: 'props: null (from JavaScript)',
    expect: accepted(),
    observe: synth((stack) => new SpaHosting(stack, 'Site', null as unknown as SpaHostingProps)),
  },

  // CloudFront's limits, which would otherwise fail only at deploy.
  hosting('comment of 200 characters', refused('comment', /at most 128 characters, this one has 200/), () => ({ comment: 'x'.repeat(200) })),
  hosting('comment of 128 characters', accepted(), () => ({ comment: 'x'.repeat(128) })),
  hosting('comment with a line break', refused('comment', /control character/), () => ({ comment: 'E-Com67\nadmin' })),
  hosting("domainNames: ['shop.example.com', 'shop.example.com']", refused('domainNames', /listed twice/),
    (stack) => ({ domainNames: ['shop.example.com', 'shop.example.com'], certificate: cert(stack) })),
  hosting("domainNames: ['shop.example.com', 'SHOP.example.com']", refused('domainNames', /case-insensitive/),
    (stack) => ({ domainNames: ['shop.example.com', 'SHOP.example.com'], certificate: cert(stack) })),
  hosting("domainNames: ['']", refused('domainNames', /it is empty/), (stack) => ({ domainNames: [''], certificate: cert(stack) })),
  hosting('domainNames: []', refused('domainNames', /empty list/), (stack) => ({ domainNames: [], certificate: cert(stack) })),
  hosting("domainNames: ['shop.example.com.'] (trailing dot)", refused('domainNames', /empty label/),
    (stack) => ({ domainNames: ['shop.example.com.'], certificate: cert(stack) })),
  hosting("domainNames: ['bücher.example.com']", refused('domainNames', /letters, digits and inner hyphens/),
    (stack) => ({ domainNames: ['bücher.example.com'], certificate: cert(stack) })),
  hosting("domainNames: ['https://shop.example.com']", refused('domainNames', /URL scheme/),
    (stack) => ({ domainNames: ['https://shop.example.com'], certificate: cert(stack) })),
  hosting("domainNames: ['*.example.com', 'example.com']", accepted(),
    (stack) => ({ domainNames: ['*.example.com', 'example.com'], certificate: cert(stack) })),

  // The resources passed in.
  hosting('certificate without domainNames', refused('domainNames', /only used for custom domain names/), (stack) => ({ certificate: cert(stack) })),
  hosting('domainNames without certificate', refused('certificate', /need a certificate/), () => ({ domainNames: ['shop.example.com'] })),
  hosting('certificate in eu-west-1', refused('certificate', /us-east-1, this one is in eu-west-1/),
    (stack) => ({ domainNames: ['shop.example.com'], certificate: cert(stack, CERT_ARN.replace('us-east-1', 'eu-west-1')) })),
  hosting('hostedZone not containing the domain', refused('hostedZone', /not in this zone/),
    (stack) => ({ domainNames: ['shop.example.org'], certificate: cert(stack), hostedZone: zone(stack, 'example.com') })),
  hosting('webAclArn of a REGIONAL web ACL', refused('webAclArn', /CLOUDFRONT scope/),
    () => ({ webAclArn: `arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shop/${WEB_ACL_ID}` })),
  hosting('webAclArn global but in eu-west-1', refused('webAclArn', /us-east-1/),
    () => ({ webAclArn: `arn:aws:wafv2:eu-west-1:111122223333:global/webacl/shop/${WEB_ACL_ID}` })),
  hosting('webAclArn: a WAF Classic ID', refused('webAclArn', /WAFv2/), () => ({ webAclArn: WEB_ACL_ID })),
  hosting('webAclArn of a CLOUDFRONT web ACL', accepted(), () => ({ webAclArn: `arn:aws:wafv2:us-east-1:111122223333:global/webacl/shop/${WEB_ACL_ID}` })),
  hosting('encryptionKey in us-east-1 for a bucket in eu-west-1', refused('encryptionKey', /of its own region \(eu-west-1\)/),
    (stack) => ({ encryptionKey: kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:us-east-1:111122223333:key/${WEB_ACL_ID}`) })),
  hosting('existingBucket with bucketName', refused('existingBucket', /`bucketName`/),
    (stack) => ({ existingBucket: s3.Bucket.fromBucketName(stack, 'Old', 'old-bucket'), bucketName: 'new-bucket' })),
  hosting("bucketName: 'E-Com67-Admin'", refused('bucketName', /lowercase/), () => ({ bucketName: 'E-Com67-Admin' })),
  hosting("geoAllowList: ['UK']", refused('geoAllowList', /ISO 3166-1/), () => ({ geoAllowList: ['UK'] })),
  hosting("geoDenyList: ['de']", refused('geoDenyList', /ISO 3166-1/), () => ({ geoDenyList: ['de'] })),
  hosting('geoAllowList and geoDenyList', refused('geoDenyList', /either an allow list or a deny list/), () => ({ geoAllowList: ['DE'], geoDenyList: ['FR'] })),
  hosting('geoAllowList: [a token]', refused('geoAllowList', /literal/), () => ({ geoAllowList: [Fn.importValue('Country')] })),

  // Methods: addBehavior and grantDeploy.
  method("addBehavior('*', api)", refused('pathPattern', /match every request/), (site) => site.addBehavior('*', api())),
  method("addBehavior('/*', api)", refused('pathPattern', /match every request/), (site) => site.addBehavior('/*', api())),
  method('addBehavior with a 256-character pattern', refused('pathPattern', /at most 255/), (site) => site.addBehavior(`/${'a'.repeat(255)}`, api())),
  method("addBehavior('/api v2/*', api)", refused('pathPattern', /no spaces/), (site) => site.addBehavior('/api v2/*', api())),
  method("addBehavior('/api/*', undefined) (from JavaScript)", refused('origin', /IOrigin/),
    (site) => site.addBehavior('/api/*', undefined as unknown as cloudfront.IOrigin)),
  method("addBehavior('/legacy/*', api, { viewerProtocolPolicy: ALLOW_ALL })", warned('cdk-ecom-platform:SpaHosting.behaviorAllowsHttp'),
    (site) => site.addBehavior('/legacy/*', api(), { viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.ALLOW_ALL })),
  method("addBehavior('/api/*', api)", accepted(), (site) => site.addBehavior('/api/*', api())),
  method('grantDeploy(undefined) (from JavaScript)', refused('grantee', /IGrantable/), (site) => site.grantDeploy(undefined as unknown as iam.IGrantable)),

  // CspPreset factories: the library's own error shape for their arguments.
  preset("CspPreset.custom('', {...})", refused('name', /1 to 64 visible ASCII/), () => CspPreset.custom('', { scriptSources: ['https://js.example.com'] })),
  preset("CspPreset.custom('x\\0', {...})", refused('name', /visible ASCII/), () => CspPreset.custom('x\0', {})),
  preset("CspPreset.custom('x', undefined) (from JavaScript)", refused('sources', /object of directive props/),
    () => CspPreset.custom('x', undefined as unknown as CspSources)),
  preset("CspPreset.custom('x', { connectSrc: [...] }) (misspelt directive)", refused('sources.connectSrc', /not a directive prop/),
    () => CspPreset.custom('x', { connectSrc: ['https://a.example.com'] } as CspSources)),
  preset("CspPreset.custom('x', { connectSources: 'https://a.example.com' })", refused('sources.connectSources', /list of strings/),
    () => CspPreset.custom('x', { connectSources: 'https://a.example.com' } as unknown as CspSources)),
  preset("CspPreset.custom('intercom', { scriptSources: ['https://widget.intercom.io'] })", accepted(),
    () => CspPreset.custom('intercom', { scriptSources: ['https://widget.intercom.io'] })),
  preset("CspPreset.cognito('Ireland')", refused('region', /not an AWS region name/), () => CspPreset.cognito('Ireland')),
  preset('CspPreset.cognito(5) (from JavaScript)', refused('region', /not an AWS region name/), () => CspPreset.cognito(5 as unknown as string)),
  preset("CspPreset.cognito('us-gov-west-1')", accepted(), () => CspPreset.cognito('us-gov-west-1')),
  preset('CspPreset.sentry(5) (from JavaScript)', refused('ingestOrigin', /it must be a string, and is a number/), () => CspPreset.sentry(5 as unknown as string)),
];
