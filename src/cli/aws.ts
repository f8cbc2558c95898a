import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodeStarConnectionsClient } from '@aws-sdk/client-codestar-connections';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsClients } from './env';
import { SDK_RETRY } from '../release';

/** The SDK clients, for a region and profile given on the command line, else the SDK's defaults. */
export function awsClients(options: { region?: string; profile?: string }): AwsClients {
  const config = { region: options.region, profile: options.profile, maxAttempts: 5 };
  // Resolves the region the way every client does (AWS_REGION, the profile), without failing.
  const probe = new STSClient({ profile: options.profile });
  const region = async () => {
    if (options.region) {
      return options.region;
    }
    try {
      return await probe.config.region();
    } catch {
      return undefined;
    }
  };
  return {
    // STS answers in every region: without one, credentials can still be checked.
    sts: new STSClient({ ...config, region: async () => (await region()) ?? 'us-east-1' }),
    cloudFormation: new CloudFormationClient(config),
    codePipeline: new CodePipelineClient(config),
    codeCommit: new CodeCommitClient(config),
    connections: new CodeStarConnectionsClient(config),
    ssm: new SSMClient(config),
    codeBuild: new CodeBuildClient(config),
    // The release module's retry strategy (adaptive, for S3 and the store's throttling), as in the deploy action;
    // a bucket in another region than the CLI's is followed rather than refused.
    s3: new S3Client({ ...config, ...SDK_RETRY, followRegionRedirects: true }),
    // The store's endpoint is global (SigV4A for every region); the client still needs a region for its rules.
    kvs: new CloudFrontKeyValueStoreClient({ ...config, ...SDK_RETRY, region: async () => (await region()) ?? 'us-east-1' }),
    region,
  };
}
