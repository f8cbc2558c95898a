// cdk-nag acknowledgements: one finding with its reason, and the IAM5 wildcards CDK generates for the resources of
// this library (artifact stores, CodeBuild projects, S3 sources, CDK Pipelines), each narrowed to where it is generated.
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { IConstruct } from 'constructs';
import { ArtifactStore } from './pipeline-resources';

/**
 * Acknowledges a cdk-nag finding that this library cannot fix, so that consumers running cdk-nag v3
 * (`Validations.of(...).acknowledge`, read from construct metadata) and cdk-nag v2 (`cdk_nag` metadata on the
 * CfnResource) both see it acknowledged, with the same reason.
 *
 * @param construct the L1 resource the finding is about, or an L2 whose default child is that resource.
 * @param ruleId a cdk-nag rule ID such as `AwsSolutions-S1`.
 * @param reason why it cannot be fixed here; shown in reports.
 * @param findings for rules that report findings (`AwsSolutions-IAM5[Resource::...]`), the exact findings to
 *   acknowledge; others of the same rule stay reported.
 */
export function acknowledge(construct: IConstruct, ruleId: string, reason: string, findings: string[] = []): void {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    throw new Error(`internal: ${construct.node.path} has no CloudFormation resource to acknowledge ${ruleId} on`);
  }
  // v3
  const ids = findings.length > 0 ? findings.map((f) => `${ruleId}[${f}]`) : [ruleId];
  for (const id of ids) {
    if (id.split('::').length > 2) {
      // Validations.acknowledge() rejects IDs with more than one "::" (findings on ARNs such as
      // `Resource::arn:<AWS::Partition>:...`); record them the way it does, in the metadata cdk-nag v3 reads.
      recordAcknowledgement(resource, id, reason);
    } else {
      Validations.of(resource).acknowledge({ id, reason });
    }
  }
  // v2
  const existing = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  const rule: Record<string, unknown> = { id: ruleId, reason };
  if (findings.length > 0) {
    rule.applies_to = findings;
  }
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...existing, rule] });
}

function recordAcknowledgement(construct: IConstruct, id: string, reason: string): void {
  const entries = construct.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  const acknowledged = { ...(entries[entries.length - 1]?.data ?? {}), [id]: reason };
  construct.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, acknowledged);
}

/**
 * Renders a CloudFormation value (an ARN token, say) the way cdk-nag names it in a finding:
 * `{"Fn::GetAtt": ["Bucket1234", "Arn"]}` becomes `<Bucket1234.Arn>`.
 */
export function nagResourceName(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(node: any): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\${/g, '<').replace(/}/g, '>');
  }
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return items.map(flatten).join(delimiter);
  }
  if (node['Fn::Sub']) {
    return flatten(node['Fn::Sub']);
  }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node['Fn::ImportValue']) {
    return flatten(node['Fn::ImportValue']);
  }
  if (node.Ref) {
    return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * A wildcard in a policy that CDK generates and this library cannot narrow: which AwsSolutions-IAM5 findings
 * (`Action::s3:GetObject*`, `Resource::<Bucket.Arn>/*`) it covers, and why it is acceptable.
 */
export interface GeneratedWildcard {
  /** Matches the finding, including the `Action::` or `Resource::` prefix. */
  readonly finding: RegExp;
  readonly reason: string;
  /**
   * For an action finding: it is covered only where every resource of every statement granting the action
   * matches this pattern (flattened, as cdk-nag names resources).
   */
  readonly onlyOn?: RegExp;
  /**
   * For a resource finding: it is covered only where every Allow statement naming the resource grants
   * nothing but actions matching this pattern.
   */
  readonly onlyFor?: RegExp;
  /** It is covered only on policies under this construct. */
  readonly within?: IConstruct;
}

/**
 * Acknowledges, on every IAM policy under `scope`, the IAM5 findings that match `wildcards`, and no others.
 * The findings are computed from the policy the way cdk-nag computes them.
 *
 * Runs now (what cdk-nag v2 and a v3 check before synthesis see) and again when the app is synthesized
 * (cross-stack references then render as imports, which is what a v3 plugin sees).
 */
export function acknowledgeGeneratedWildcards(scope: IConstruct, wildcards: () => GeneratedWildcard[]): void {
  const run = () => {
    const allowed = wildcards();
    for (const policy of scope.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy)) {
      const cfn = policy.node.defaultChild as iam.CfnPolicy;
      const done = new Set((cfn.getMetadata('cdk_nag')?.rules_to_suppress ?? []).flatMap((r: any) => r.applies_to ?? []));
      const document = Stack.of(policy).resolve(cfn.policyDocument);
      for (const finding of wildcardFindings(document)) {
        const candidates = allowed.filter((a) => a.finding.test(finding)
          && (!a.within || policy.node.path.startsWith(`${a.within.node.path}/`))
          && (!a.onlyFor || resourceOnlyFor(document, finding, a.onlyFor)));
        // An action wildcard may be granted on several allowed resources (artifact and source buckets).
        const onlyOn = candidates.map((a) => a.onlyOn);
        const covered = candidates.length > 0
          && (onlyOn.includes(undefined) || actionOnlyOn(document, finding, onlyOn as RegExp[]));
        if (covered && !done.has(finding)) {
          acknowledge(policy, 'AwsSolutions-IAM5', candidates.map((a) => a.reason).join(' '), [finding]);
          done.add(finding);
        }
      }
    }
  };
  run();
  scope.node.addValidation({ validate: () => { run(); return []; } });
}

/** IAM5's findings for a resolved policy document: wildcard actions and resources of Allow statements. */
function wildcardFindings(document: any): string[] {
  const findings = new Set<string>();
  for (const statement of document?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    [statement.Action].flat().filter((a: string) => a.includes('*')).forEach((a: string) => findings.add(`Action::${a}`));
    [statement.Resource].flat().map(flatten).filter((r) => r.includes('*')).forEach((r) => findings.add(`Resource::${r}`));
  }
  return [...findings];
}

function resourceOnlyFor(document: any, finding: string, onlyFor: RegExp): boolean {
  const resource = finding.replace(/^Resource::/, '');
  return (document?.Statement ?? [])
    .filter((s: any) => s.Effect === 'Allow' && [s.Resource].flat().map(flatten).includes(resource))
    .every((s: any) => [s.Action].flat().every((a: string) => onlyFor.test(a)));
}

function actionOnlyOn(document: any, finding: string, onlyOn: RegExp[]): boolean {
  const action = finding.replace(/^Action::/, '');
  return (document?.Statement ?? [])
    .filter((s: any) => s.Effect === 'Allow' && [s.Action].flat().includes(action))
    .every((s: any) => [s.Resource].flat().map(flatten).every((r: string) => onlyOn.some((p) => p.test(r))));
}

/**
 * A pattern for how cdk-nag names `resource`'s ARN attribute in a finding: `<Id.Arn>` in its own stack and
 * before synthesis, `<Stack>:ExportsOutputFnGetAtt<Id>Arn<hash>` as a cross-stack import after it.
 */
export function arnReferencePattern(resource: CfnResource): string {
  const id = escape(Stack.of(resource).resolve(resource.logicalId));
  return `(<${id}\\.Arn>|[^<>]*:ExportsOutputFnGetAtt${id}Arn[0-9A-F]{8})`;
}

export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The IAM5 findings CDK generates for a pipeline's own artifact bucket and key. */
export function artifactStoreWildcards(store: ArtifactStore): GeneratedWildcard[] {
  const bucket = arnReferencePattern(store.bucket.node.defaultChild as CfnResource);
  const key = arnReferencePattern(store.key.node.defaultChild as CfnResource);
  const onlyOn = new RegExp(`^(${bucket}|${bucket}/\\*|${key})$`);
  const reason = 'CDK grants the pipeline, its actions and its CodeBuild projects these actions on the pipeline\'s own artifact bucket and key only; they hold nothing but this pipeline\'s artifacts and build caches, which expire.';
  return [
    { finding: new RegExp(`^Resource::${bucket}/\\*$`), reason },
    { finding: /^Action::(s3:GetObject\*|s3:GetBucket\*|s3:List\*|s3:DeleteObject\*|s3:PutObject\*|s3:Abort\*|kms:GenerateDataKey\*|kms:ReEncrypt\*)$/, reason, onlyOn },
  ];
}

/** A partition in a flattened ARN: the pseudo parameter, or a literal when the stack's region is known. */
const PARTITION = '(<AWS::Partition>|aws[a-z-]*)';
/** A region or account in a flattened ARN: the pseudo parameter in an environment-agnostic stack, or a literal. */
const REGION = '(<AWS::Region>|[a-z0-9-]+)';
const ACCOUNT = '(<AWS::AccountId>|\\d{12})';

/**
 * A pattern for how cdk-nag names a bucket's ARN in a finding, for a bucket of this app (a reference, see
 * `arnReferencePattern`) or an imported one (a literal ARN).
 */
export function bucketArnPattern(scope: IConstruct, bucket: s3.IBucket): string {
  return bucket.node.defaultChild instanceof CfnResource
    ? arnReferencePattern(bucket.node.defaultChild)
    : escape(nagResourceName(scope, bucket.bucketArn));
}

/** The IAM5 findings CDK generates when a source action reads a bucket the user gave (an S3 source). */
export function sourceBucketWildcards(scope: IConstruct, bucket: s3.IBucket): GeneratedWildcard[] {
  const arn = bucketArnPattern(scope, bucket);
  return [
    {
      finding: new RegExp(`^Resource::${arn}/\\*$`),
      reason: 'CDK grants the S3 source action read access to the objects of the source bucket given to SpaSource.s3(); it reads only the configured key.',
    },
    {
      finding: /^Action::(s3:GetObject\*|s3:GetBucket\*|s3:List\*)$/,
      onlyOn: new RegExp(`^(${arn}|${arn}/.+)$`),
      reason: 'CDK grants the S3 source action these read-only actions on the source bucket given to SpaSource.s3() only.',
    },
  ];
}

/** The IAM5 findings CDK generates for a CodeBuild project's default log group and report groups. */
export function codeBuildWildcards(project: codebuild.Project): GeneratedWildcard[] {
  const id = escape(Stack.of(project).resolve((project.node.defaultChild as CfnResource).logicalId));
  return [
    {
      finding: new RegExp(`^Resource::arn:${PARTITION}:codebuild:${REGION}:${ACCOUNT}:report-group/<${id}>-\\*$`),
      reason: 'CDK lets every CodeBuild project create test reports in report groups named after the project; no other report group matches.',
    },
    {
      finding: new RegExp(`^Resource::arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/<${id}>:\\*$`),
      reason: 'CDK lets every CodeBuild project write the streams (named at run time) of its default log group; no other log group matches.',
    },
  ];
}

/**
 * The IAM5 findings CDK Pipelines generates under `pipeline` (built): the asset publishing role shared by the
 * asset projects, the self-mutation project, and the permissions-broadening check. Each is narrowed to the
 * construct that owns it and, for `*` resources, to the exact actions CDK grants there.
 */
export function cdkPipelineWildcards(pipeline: pipelines.CodePipeline): GeneratedWildcard[] {
  const account = escape(Stack.of(pipeline).account);
  const env = `[^:]+:${account}`;
  const assets = pipeline.node.tryFindChild('Assets');
  const selfMutation = pipeline.node.tryFindChild('UpdatePipeline');
  const securityCheck = pipeline.node.tryFindChild('PipelinesSecurityCheck');
  const autoApprove = securityCheck?.node.tryFindChild('CDKPipelinesAutoApprove')?.node.defaultChild as CfnResource | undefined;
  const wildcards: GeneratedWildcard[] = [];
  if (assets) {
    wildcards.push(
      {
        within: assets,
        finding: new RegExp(`^Resource::arn:${PARTITION}:logs:${env}:log-group:/aws/codebuild/\\*$`),
        onlyFor: /^logs:(CreateLogGroup|CreateLogStream|PutLogEvents)$/,
        reason: 'CDK Pipelines (AssetSingletonRole) creates one role per asset type for the asset publishing projects, whose names are generated, and grants it log writes on every /aws/codebuild/ log group of the pipeline\'s account and region: create and write only, no read or delete; the projects log to the pipeline\'s BuildLogs group.',
      },
      {
        within: assets,
        finding: new RegExp(`^Resource::arn:${PARTITION}:codebuild:${env}:report-group/\\*$`),
        onlyFor: /^codebuild:(CreateReportGroup|CreateReport|UpdateReport|BatchPutTestCases|BatchPutCodeCoverages)$/,
        reason: 'CDK Pipelines (AssetSingletonRole) lets the asset publishing role create and write test reports in every report group of the pipeline\'s account and region; the projects only run cdk-assets and write no reports, and the grant allows no read or delete.',
      },
    );
  }
  if (selfMutation) {
    wildcards.push(
      {
        within: selfMutation,
        finding: new RegExp(`^Resource::arn:\\*:iam::${account}:role/\\*$`),
        onlyFor: /^sts:AssumeRole$/,
        reason: 'Self-mutation assumes the CDK bootstrap roles (cdk-hnb659fds-deploy/file-publishing/image-publishing) of the pipeline account: the grant is conditioned on their aws-cdk:bootstrap-role tag.',
      },
      {
        within: selfMutation,
        finding: /^Resource::\*$/,
        onlyFor: /^(cloudformation:DescribeStacks|s3:ListBucket)$/,
        reason: 'Self-mutation runs `cdk deploy` of the pipeline stack, which reads stack states and finds the bootstrap bucket; read-only.',
      },
    );
  }
  if (securityCheck) {
    wildcards.push(
      {
        within: securityCheck,
        finding: /^Resource::\*$/,
        onlyFor: /^sts:AssumeRole$/,
        reason: 'The permissions-broadening check runs `cdk diff` with the CDK bootstrap deploy roles: the grant is conditioned on their aws-cdk:bootstrap-role tag being "deploy".',
      },
      {
        within: securityCheck,
        finding: /^Resource::\*$/,
        onlyFor: /^codepipeline:(GetPipelineState|PutApprovalResult)$/,
        reason: 'The auto-approve function approves the check\'s own approval action: the grant is conditioned on the pipeline\'s SECURITY_CHECK=ALLOW_APPROVE tag.',
      },
    );
    if (autoApprove) {
      const fn = escape(Stack.of(autoApprove).resolve(autoApprove.logicalId));
      wildcards.push({
        within: securityCheck,
        finding: new RegExp(`^Resource::<${fn}\\.Arn>:\\*$`),
        onlyFor: /^lambda:InvokeFunction$/,
        reason: 'CDK lets the permissions-broadening check invoke every version of its own auto-approve function.',
      });
    }
  }
  return wildcards;
}
