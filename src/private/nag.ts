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
  Validations.of(resource).acknowledge(...ids.map((id) => ({ id, reason })));
  // v2
  const existing = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  const rule: Record<string, unknown> = { id: ruleId, reason };
  if (findings.length > 0) {
    rule.applies_to = findings;
  }
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...existing, rule] });
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
