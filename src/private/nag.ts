import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
