// Credentials for the deploy target: the deploy project's own (the SDK's default chain), or, with SPA_ROLE_ARN,
// those of a role assumed with them (a hosting in another account trusts only the pipeline's deploy project).
// Every client the program makes for the target (S3, the KeyValueStore, SSM, CloudWatch) gets the same provider.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ReleaseError } from './contract';

/** Credentials as the SDK clients take them (the shape of @smithy/types' AwsCredentialIdentity). */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}
/** What a client's `credentials` option takes: called before each request, cached here. */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** Assumed credentials are renewed this long before they expire (a deploy with a rollback watch can outlast them). */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;
/** The session's requested duration: an hour, every role's default maximum. */
export const SESSION_SECONDS = 3600;

/** The session name CloudTrail shows for a deploy: `spa-deploy-<release id>`, within STS's 64 characters. */
export function sessionName(releaseId: string): string {
  return `spa-deploy-${releaseId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/**
 * A provider of `roleArn`'s credentials, assumed through `sts` (whose own credentials are the default chain) on
 * first use and again shortly before they expire; concurrent callers share one AssumeRole.
 */
export function assumeRoleCredentials(
  sts: STSClient, roleArn: string, session: string, now: () => number = () => Date.now(),
): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    let out;
    try {
      out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: session, DurationSeconds: SESSION_SECONDS }));
    } catch (error) {
      throw new ReleaseError(`could not assume SPA_ROLE_ARN ${roleArn}: ${(error as Error).name}: ${(error as Error).message} (the role must trust this deploy project's role, and that role be allowed sts:AssumeRole on it)`);
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new ReleaseError(`AssumeRole of ${roleArn} returned no credentials`);
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  return async () => {
    if (current && (!current.expiration || current.expiration.getTime() - now() > RENEW_BEFORE_MS)) {
      return current;
    }
    pending ??= assume().then((c) => {
      current = c;
      return c;
    }).finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
