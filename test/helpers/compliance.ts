import { App, Duration, Environment, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnLintFinding, cfnLint, cfnLintFileName } from './cfn-lint';
import { FLAG_CONTEXTS } from './contexts';
import { NagFinding, nagFindings } from './nag';
import { BuildDurationAlarm, ChatChannel, EcomPlatform, PlatformNaming, PlatformSource } from '../../src';

/** One case of a compliance suite (a stack, a props combination, a deployment mode) and its findings. */
export interface ComplianceCase {
  /** Name of the case in test titles. */
  readonly name: string;
  /**
   * Unacknowledged cdk-nag v3 + v2 findings on an app that is never synthesized (cdk-nag v2, an Aspect, sees
   * the app so).
   *
   * @default - not checked before synthesis
   */
  readonly nagBeforeSynth?: NagFinding[];
  /** Unacknowledged cdk-nag v3 + v2 findings after synthesis (`Node.addValidation` hooks have run). */
  readonly nagAfterSynth: NagFinding[];
  /**
   * cfn-lint errors and unlisted warnings of the case's templates.
   *
   * @default - not linted
   */
  readonly lint?: CfnLintFinding[];
}

/**
 * Registers, for each flag context of FLAG_CONTEXTS, the three checks every construct passes: no unacknowledged
 * cdk-nag v3 or v2 finding before synthesis (for the cases checked then) and after it, and no cfn-lint error or
 * unlisted warning. `run` builds and checks everything once per flag context, when the suite is collected (the
 * test names list its cases); `more` registers the suite's own tests on the same result.
 *
 * @param name the suite's name: "<name> compliance (<flag context>)"
 */
export function describeCompliance<R extends { readonly cases: ComplianceCase[] }>(
  name: string,
  run: (context: Record<string, unknown>, flagContextName: string) => R,
  more?: (result: R, context: Record<string, unknown>) => void,
): void {
  describe.each(FLAG_CONTEXTS)(`${name} compliance ($name)`, ({ name: flagContextName, context }) => {
    const result = run(context, flagContextName);
    const checkedBefore = result.cases.filter((c) => c.nagBeforeSynth !== undefined);
    const linted = result.cases.filter((c) => c.lint !== undefined);

    if (checkedBefore.length > 0) {
      test.each(checkedBefore)('$name: no unacknowledged cdk-nag v3 or v2 findings before synthesis', ({ nagBeforeSynth }) => {
        expect(nagBeforeSynth).toEqual([]);
      });
    }

    test.each(result.cases)('$name: no unacknowledged cdk-nag v3 or v2 findings after synthesis', ({ nagAfterSynth }) => {
      expect(nagAfterSynth).toEqual([]);
    });

    if (linted.length > 0) {
      test.each(linted)('$name: no cfn-lint errors or unlisted warnings', ({ lint }) => {
        expect(lint).toEqual([]);
      });
    }

    more?.(result, context);
  });
}

export interface ComplianceResult {
  /** cdk-nag v3 + v2 on a fresh app before synthesis (v2 as an Aspect sees it then); undefined when not checked. */
  readonly nagBeforeSynth?: NagFinding[];
  /** cdk-nag v3 + v2 after synthesis (a v3 policy-validation plugin sees cross-stack imports then). */
  readonly nagAfterSynth: NagFinding[];
  /** cfn-lint errors and unlisted warnings over every template. */
  readonly lint: CfnLintFinding[];
  /** The stacks `build` returned, by case name. */
  readonly stacks: Record<string, Stack>;
  /** Their templates, by case name. */
  readonly templates: Record<string, any>;
}

export interface CheckComplianceOptions {
  /**
   * Also build the app a second time and check it with cdk-nag without synthesizing it.
   *
   * @default true
   */
  readonly beforeSynth?: boolean;
}

/**
 * Builds an app with `build` (which returns its stacks by case name), synthesizes it, lints every template
 * and checks it with cdk-nag (one synthesis, one cfn-lint process, one cdk-nag pass for the whole matrix). With
 * `beforeSynth`, first builds the same app once more and checks it with cdk-nag before synthesis. Synthesis
 * comes before cdk-nag: cdk-nag v2 leaves error annotations behind, which a later synthesis would report.
 */
export function checkCompliance(context: Record<string, unknown>, build: (app: App) => Record<string, Stack>,
  options: CheckComplianceOptions = {}): ComplianceResult {
  let nagBeforeSynth: NagFinding[] | undefined;
  if (options.beforeSynth ?? true) {
    const before = new App({ context });
    build(before);
    nagBeforeSynth = nagFindings(before);
  }

  const app = new App({ context });
  const stacks = build(app);
  const templates = Object.fromEntries(Object.entries(stacks).map(([name, stack]) => [name, Template.fromStack(stack).toJSON()]));
  const lint = cfnLint(templates);
  const nagAfterSynth = nagFindings(app);
  return { nagBeforeSynth, nagAfterSynth, lint, stacks, templates };
}

/** A case of a `checkCompliance` result: a stack `build` returned, or a part of the app. */
export interface AppCase {
  /** Name in test titles. */
  readonly name: string;
  /**
   * Construct path whose cdk-nag findings (at it and below it) are the case's.
   *
   * @default - the path of the stack of that name
   */
  readonly path?: string;
  /**
   * Template (a case name of `build`) whose cfn-lint findings are the case's.
   *
   * @default - the template of that name, if `build` returned a stack of that name
   */
  readonly template?: string;
}

/**
 * The cases of a `checkCompliance` result: by default one per stack `build` returned; each gets the findings
 * under its construct path and the cfn-lint findings of its template.
 */
export function appCases(result: ComplianceResult, cases: Array<string | AppCase> = Object.keys(result.stacks)): ComplianceCase[] {
  return cases.map((c) => {
    const { name, path, template } = typeof c === 'string' ? { name: c, path: undefined, template: undefined } : c;
    const prefix = `${path ?? result.stacks[name].node.path}/`;
    const lintedTemplate = template ?? (name in result.templates ? name : undefined);
    return {
      name,
      nagBeforeSynth: result.nagBeforeSynth?.filter((f) => f.path.startsWith(prefix)),
      nagAfterSynth: result.nagAfterSynth.filter((f) => f.path.startsWith(prefix)),
      lint: lintedTemplate === undefined ? undefined : result.lint.filter((f) => f.template === cfnLintFileName(lintedTemplate)),
    };
  });
}

/**
 * A second platform for the compliance matrices (EcomPlatform's, checkov's), beside one with the defaults:
 * frontend pipelines only (`Chat-` stacks, project `chat-shop`), its monitoring with a Slack and a Microsoft Teams
 * channel (AWS Chatbot configurations, their roles and notifications-only policy) and static build-duration
 * alarms. Returns its monitoring stack, its us-east-1 edge stack (5xx alarms, forwarding topic, the cross-region
 * export reader) and its frontend stack (the export writer, the notification topic).
 */
export function chatMonitoringPlatform(app: App, env: Environment): Stack[] {
  const chat = new EcomPlatform(app, 'ChatPlatform', {
    naming: new PlatformNaming({ projectName: 'chat-shop', stackPrefix: 'Chat' }),
    env,
    frontendPipelines: true,
    source: PlatformSource.codeCommit(),
    monitoring: {
      alarms: { buildDuration: BuildDurationAlarm.above(Duration.minutes(20)) },
      chatChannels: [
        ChatChannel.slack({ workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' }),
        ChatChannel.microsoftTeams({
          teamId: '5d6a6f0e-8a2b-4c3d-9e1f-0a1b2c3d4e5f',
          channelId: '19%3ab6ef35dc1234567890abcdef%40thread.tacv2',
          tenantId: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
        }),
      ],
    },
  });
  return [chat.monitoringStack!, chat.monitoring!.edgeStack!, chat.frontendStacks[0]];
}
