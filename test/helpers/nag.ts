import { AwsSolutionsChecks } from 'cdk-nag';
import * as nagV2 from 'cdk-nag-v2';
import { IConstruct } from 'constructs';

/** One unacknowledged cdk-nag finding. */
export interface NagFinding {
  readonly version: 'v2' | 'v3';
  /** Rule and finding, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly rule: string;
  readonly level: string;
  readonly path: string;
  readonly info: string;
}

/**
 * Runs cdk-nag v3's AwsSolutions pack over `scope` and returns every unacknowledged error and warning.
 * Construct-tree only: call it before the app is synthesized by anything else that might fail.
 */
export function nagV3Findings(scope: IConstruct): NagFinding[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => ({
    version: 'v3' as const,
    rule: v.ruleName,
    level: String(v.severity ?? 'error'),
    path: r.constructPath ?? '?',
    info: v.description,
  })));
}

/**
 * Runs cdk-nag v2's AwsSolutions pack (an Aspect) over every construct of `scope` and returns every
 * unsuppressed error and warning, including rules that could not evaluate a resource.
 */
export function nagV2Findings(scope: IConstruct): NagFinding[] {
  const findings: NagFinding[] = [];
  const collector: nagV2.INagLogger = {
    onCompliance: () => undefined,
    onNonCompliance: (d) => findings.push({
      version: 'v2',
      rule: d.findingId ? `${d.ruleId}[${d.findingId}]` : d.ruleId,
      level: d.ruleLevel,
      path: d.resource.node.path,
      info: d.ruleInfo,
    }),
    onSuppressed: () => undefined,
    onError: (d) => findings.push({ version: 'v2', rule: d.ruleId, level: 'RuleError', path: d.resource.node.path, info: d.errorMessage }),
    onSuppressedError: () => undefined,
    onNotApplicable: () => undefined,
  };
  const checks = new nagV2.AwsSolutionsChecks({ reports: false, additionalLoggers: [collector] });
  for (const construct of scope.node.findAll()) {
    checks.visit(construct);
  }
  // findingId is empty for rules without findings; normalise "RULE[]".
  return findings.map((f) => ({ ...f, rule: f.rule.replace(/\[\]$/, '') }));
}

/** Both versions' findings, for one assertion. */
export function nagFindings(scope: IConstruct): NagFinding[] {
  return [...nagV3Findings(scope), ...nagV2Findings(scope)];
}
