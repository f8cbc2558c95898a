// checkov (https://www.checkov.io) reads skips from a resource's own CloudFormation metadata:
// `Metadata: { checkov: { skip: [{ id, comment }] } }`. Each skip here carries a true, specific reason, so a
// checkov user sees why a check does not apply instead of a bare failure.
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Records that a checkov check does not apply to a resource, and why.
 *
 * @param construct the L1 resource, or an L2 whose default child is that resource.
 * @param checkId a checkov check ID such as `CKV_AWS_18`.
 * @param comment why the check does not apply or can't be met here; shown by checkov as the skip reason.
 */
export function skipCheckov(construct: IConstruct, checkId: string, comment: string): void {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    throw new Error(`internal: ${construct.node.path} has no CloudFormation resource to record checkov skip ${checkId} on`);
  }
  const existing: Array<{ id: string; comment: string }> = resource.getMetadata('checkov')?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing.filter((s) => s.id !== checkId), { id: checkId, comment }] });
}
