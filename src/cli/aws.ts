import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodeStarConnectionsClient } from '@aws-sdk/client-codestar-connections';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsClients } from './env';

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
    region,
  };
}
