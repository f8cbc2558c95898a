import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnLintFinding, cfnLint } from './cfn-lint';
import { NagFinding, nagFindings } from './nag';

export interface ComplianceResult {
  /** cdk-nag v3 + v2 on a fresh app before synthesis (v2 as an Aspect sees it then). */
  readonly nagBeforeSynth: NagFinding[];
  /** cdk-nag v3 + v2 after synthesis (a v3 policy-validation plugin sees cross-stack imports then). */
  readonly nagAfterSynth: NagFinding[];
  /** cfn-lint errors and unlisted warnings over every template. */
  readonly lint: CfnLintFinding[];
  readonly templates: Record<string, any>;
}

/**
 * Builds the same app twice with `build` (which returns its stacks by case name): once checked with cdk-nag
 * before synthesis, once synthesized, linted and checked again. cdk-nag v2 leaves error annotations behind,
 * so a checked app is never synthesized afterwards.
 */
export function checkCompliance(context: Record<string, unknown>, build: (app: App) => Record<string, Stack>): ComplianceResult {
  const before = new App({ context });
  build(before);
  const nagBeforeSynth = nagFindings(before);

  const app = new App({ context });
  const stacks = build(app);
  const templates = Object.fromEntries(Object.entries(stacks).map(([name, stack]) => [name, Template.fromStack(stack).toJSON()]));
  const lint = cfnLint(templates);
  const nagAfterSynth = nagFindings(app);
  return { nagBeforeSynth, nagAfterSynth, lint, templates };
}

/** The findings of one stack, by its construct path. */
export function findingsOf<T extends { path: string }>(findings: T[], stackName: string): T[] {
  return findings.filter((f) => f.path.startsWith(`${stackName}/`));
}
