import * as cxapi from 'aws-cdk-lib/cx-api';

/**
 * Every construct is tested under both: an app with no feature flags set (what an old app has) and one with
 * all the flags `cdk init` sets today. Output differs between them (log-bucket ACL vs bucket policy...).
 */
export const FLAG_CONTEXTS: ReadonlyArray<{ readonly name: string; readonly context: Record<string, unknown> }> = [
  { name: 'no feature flags', context: {} },
  { name: 'recommended feature flags', context: { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS } },
];
