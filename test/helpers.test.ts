import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cfnLint } from './helpers/cfn-lint';
import { nagV2Findings, nagV3Findings } from './helpers/nag';
import { acknowledge } from '../src/private/nag';

// The shared checkers must be able to fail: each is shown a known-bad input.

test('cfn-lint reports an error in a broken template', () => {
  const findings = cfnLint({
    broken: {
      Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Sometimes' } } } },
    },
  });
  expect(findings.map((f) => f.level)).toContain('Error');
});

test('cfn-lint passes a clean template', () => {
  expect(cfnLint({ clean: { Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } } })).toEqual([]);
});

describe('cdk-nag helpers', () => {
  function bareBucket() {
    const stack = new Stack(new App(), 'Nag');
    const bucket = new s3.Bucket(stack, 'Bare');
    return { stack, bucket };
  }

  test('v3 and v2 both report a bare bucket', () => {
    const { stack } = bareBucket();
    for (const findings of [nagV3Findings(stack), nagV2Findings(stack)]) {
      expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
    }
  });

  test('acknowledge() hides one rule from v3 and v2 and writes the reason into the template', () => {
    const { stack, bucket } = bareBucket();
    acknowledge(bucket, 'AwsSolutions-S1', 'A test bucket that needs no access logs at all.');
    for (const findings of [nagV3Findings(stack), nagV2Findings(stack)]) {
      const rules = findings.map((f) => f.rule);
      expect(rules).not.toContain('AwsSolutions-S1');
      expect(rules).toContain('AwsSolutions-S10');
    }
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', {
      Metadata: { cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-S1', reason: 'A test bucket that needs no access logs at all.' }] } },
    });
  });
});
