import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { CodeArtifactRepository } from '../code-artifact-repository';
import { acknowledge } from './nag';
import { isToken, propError } from './validation';

// The CodeArtifact API's own rules (CreateDomain, CreateRepository, AccountId).
const DOMAIN = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;
const ACCOUNT = /^\d{12}$/;

/** Checks a CodeArtifact repository given as `prop`; tokens are skipped. */
export function validateCodeArtifact(scope: IConstruct, prop: string, repository: CodeArtifactRepository | undefined): void {
  if (repository === undefined) {
    return;
  }
  const check = (field: keyof CodeArtifactRepository, pattern: RegExp, problem: string, fix: string) => {
    const value = repository[field];
    if (value !== undefined && !isToken(value) && !pattern.test(value)) {
      throw propError(scope, `${prop}.${field}`, value, problem, fix);
    }
  };
  check('domain', DOMAIN, 'CodeArtifact domain names are 2-50 lowercase letters, digits and -, starting with a letter and not ending with -',
    'give the domain\'s name as `aws codeartifact list-domains` shows it, such as "e-com67"');
  check('repository', REPOSITORY, 'CodeArtifact repository names are 2-100 letters, digits, and . _ -, starting with a letter or digit',
    'give the repository\'s name as `aws codeartifact list-repositories` shows it, such as "shop"');
  check('domainOwner', ACCOUNT, 'it is not a 12-digit AWS account ID',
    'give the account that owns the domain, such as "111122223333", or remove `domainOwner` for the pipeline\'s account');
}

/**
 * The command that points `tool` (pip or npm) at the repository, for the user running the build (12 hours).
 * The owner is always given, so the command reads the same whoever owns the domain.
 */
export function codeArtifactLogin(scope: IConstruct, tool: 'pip' | 'npm', repository: CodeArtifactRepository): string {
  return `aws codeartifact login --tool ${tool} --domain ${repository.domain} --domain-owner ${ownerOf(scope, repository)} --repository ${repository.repository}`;
}

/**
 * A policy with what `aws codeartifact login` and the package manager's downloads need, and nothing more; not
 * attached yet. Its one wildcard is acknowledged, on this policy only.
 */
export function codeArtifactPolicy(scope: Construct, id: string, repository: CodeArtifactRepository): iam.Policy {
  const stack = Stack.of(scope);
  const account = ownerOf(scope, repository);
  const policy = new iam.Policy(scope, id, {
    statements: [
      new iam.PolicyStatement({
        actions: ['codeartifact:GetAuthorizationToken'],
        resources: [stack.formatArn({ service: 'codeartifact', account, resource: 'domain', resourceName: repository.domain })],
      }),
      new iam.PolicyStatement({
        actions: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'],
        resources: [stack.formatArn({ service: 'codeartifact', account, resource: 'repository', resourceName: `${repository.domain}/${repository.repository}` })],
      }),
      // GetAuthorizationToken gets its token from STS. The action has no resource type: the condition scopes it.
      new iam.PolicyStatement({
        actions: ['sts:GetServiceBearerToken'],
        resources: ['*'],
        conditions: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
      }),
    ],
  });
  acknowledge(policy, 'AwsSolutions-IAM5',
    'sts:GetServiceBearerToken has no resource type, so "*" is its only resource; the grant is conditioned on sts:AWSServiceName codeartifact.amazonaws.com, as CodeArtifact documents, and lets the synth log in to its CodeArtifact repository.',
    ['Resource::*']);
  return policy;
}

function ownerOf(scope: IConstruct, repository: CodeArtifactRepository): string {
  return repository.domainOwner ?? Stack.of(scope).account;
}
