import { Annotations, App, ArnFormat, AspectPriority, Aspects, Duration, Stack, Stage, Token } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CdkBackendPipeline } from './cdk-backend-pipeline';
import { CLOUDFRONT_METRICS_REGION, createEdgeAlarmTopic, skipCheckovOnCrossRegionExports } from './private/edge-alarms';
import { validateMonitoringProps } from './private/monitoring-rules';
import { acknowledge } from './private/nag';
import { isStackName } from './private/naming-rules';
import { pipelineMetric } from './private/pipeline-resources';
import { propError, validated } from './private/validation';
import { SpaHosting } from './spa-hosting';
import { SpaPipeline } from './spa-pipeline';


/** The build phases CodeBuild times, in the order a build runs them (`<Phase>Duration` metrics). */
const BUILD_PHASES = ['Queued', 'Provisioning', 'DownloadSource', 'Install', 'PreBuild', 'Build', 'PostBuild', 'UploadArtifacts', 'Finalizing'];

/** How a build's duration is judged "far above its usual": one of the static factories. */
export class BuildDurationAlarm {
  /**
   * Alarm when a build takes longer than CloudWatch anomaly detection expects from the project's history: above
   * the upper edge of a band `standardDeviations` wide. The model learns for up to two weeks before it alarms
   * reliably; it costs as three metrics ($0.30 a month per project in us-east-1).
   *
   * @param standardDeviations width of the band; 2 is CloudWatch's default, 3 alarms less often
   */
  public static anomalyDetection(standardDeviations: number = 3): BuildDurationAlarm {
    return new BuildDurationAlarm('anomaly', standardDeviations);
  }

  /** Alarm when a build takes longer than `threshold` ($0.10 a month per project). */
  public static above(threshold: Duration): BuildDurationAlarm {
    return new BuildDurationAlarm('static', undefined, threshold);
  }

  /** No alarm on build durations (the dashboard still shows them). */
  public static none(): BuildDurationAlarm {
    return new BuildDurationAlarm('none');
  }

  private constructor(
    /** @internal */ public readonly _kind: 'anomaly' | 'static' | 'none',
    /** @internal */ public readonly _standardDeviations?: number,
    /** @internal */ public readonly _threshold?: Duration) {
  }
}

/** The alarms of the platform's monitoring; each alarm notifies the alarm topic. */
export interface MonitoringAlarmOptions {
  /**
   * Alarm when an execution of a pipeline fails (`AWS/CodePipeline` `FailedPipelineExecutions`).
   *
   * @default true
   */
  readonly pipelineFailed?: boolean;

  /**
   * Alarm when a distribution's 5xx error rate (percent of its requests) stays above this for
   * `errorRateMinutes`. Set 0 for no 5xx alarm.
   *
   * @default 5
   */
  readonly errorRatePercent?: number;

  /**
   * Minutes, each of them over `errorRatePercent`, before the 5xx alarm fires (1 to 60).
   *
   * @default 5
   */
  readonly errorRateMinutes?: number;

  /**
   * Alarm when a build takes far longer than usual.
   *
   * @default BuildDurationAlarm.anomalyDetection(3)
   */
  readonly buildDuration?: BuildDurationAlarm;
}

/** A Slack channel, as AWS Chatbot (Amazon Q Developer in chat applications) names it. */
export interface SlackChannelOptions {
  /** ID of the Slack workspace authorized in the AWS Chatbot console (`T07EA123LEP`). */
  readonly workspaceId: string;

  /** ID of the channel (`C07EZ1ABC23`); invite the AWS app to a private channel first. */
  readonly channelId: string;

  /**
   * Name of the channel configuration in AWS Chatbot.
   *
   * @default - the monitoring's dashboard name and `-slack`
   */
  readonly configurationName?: string;
}

/** A Microsoft Teams channel, as AWS Chatbot (Amazon Q Developer in chat applications) names it. */
export interface MicrosoftTeamsChannelOptions {
  /** ID of the team authorized in the AWS Chatbot console (a UUID). */
  readonly teamId: string;

  /** ID of the channel, from its link (`19%3ab6ef35dc...%40thread.tacv2`, URL-encoded as Teams gives it). */
  readonly channelId: string;

  /** ID of the Microsoft Entra tenant of the team (a UUID). */
  readonly tenantId: string;

  /**
   * Name of the channel configuration in AWS Chatbot.
   *
   * @default - the monitoring's dashboard name and `-teams`
   */
  readonly configurationName?: string;
}

/** A chat channel that receives the platform's notifications and alarms through AWS Chatbot. */
export class ChatChannel {
  /** A Slack channel. */
  public static slack(options: SlackChannelOptions): ChatChannel {
    return new ChatChannel('slack', options.configurationName, options.workspaceId, options.channelId);
  }

  /** A Microsoft Teams channel. */
  public static microsoftTeams(options: MicrosoftTeamsChannelOptions): ChatChannel {
    return new ChatChannel('teams', options.configurationName, options.teamId, options.channelId, options.tenantId);
  }

  private constructor(
    /** @internal */ public readonly _kind: 'slack' | 'teams',
    /** @internal */ public readonly _configurationName: string | undefined,
    /** @internal */ public readonly _workspaceOrTeamId: string,
    /** @internal */ public readonly _channelId: string,
    /** @internal */ public readonly _tenantId?: string) {
  }
}

/** Options of `PlatformMonitoring.monitorHosting()`. */
export interface MonitorHostingOptions {
  /**
   * Name of the stack in us-east-1 of the hosting's account holding its alarms, when that account is not the
   * monitoring's (the first name given for an account names its stack; later hostings of the account join it).
   *
   * @default - `edgeStackName` and `-<account>`
   */
  readonly edgeStackName?: string;
}

/** Properties of `PlatformMonitoring`. */
export interface PlatformMonitoringProps {
  /** Name of the dashboard (`e-com67`): letters, digits, `-` and `_`, at most 255. */
  readonly dashboardName: string;

  /**
   * The topic every alarm notifies, in the monitoring's account and region; the chat channels subscribe to it.
   *
   * @default - alarms notify nobody (they still show on the dashboard)
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * The alarms and their thresholds.
   *
   * @default - the defaults of `MonitoringAlarmOptions`
   */
  readonly alarms?: MonitoringAlarmOptions;

  /**
   * Chat channels that receive what the alarm topic receives (pipeline notifications too, when the pipelines
   * notify the same topic).
   *
   * @default - none
   */
  readonly chatChannels?: ChatChannel[];

  /**
   * Name of the stack in us-east-1 holding the alarms on CloudFront metrics, created with the first monitored
   * hosting when this construct's stack is in another region.
   *
   * @default - this construct's stack name and `-EdgeAlarms`
   */
  readonly edgeStackName?: string;
}

/**
 * One CloudWatch dashboard and its alarms for pipelines, their CodeBuild projects and SPA distributions. Add
 * what to monitor with `monitorSpaPipeline()`, `monitorBackendPipeline()`, `monitorPipeline()` and
 * `monitorHosting()`. Alarms on CloudFront metrics live in us-east-1 (where CloudFront publishes them): in a
 * small stack there when this construct's stack is elsewhere, with a topic forwarding to `alarmTopic`.
 */
export class PlatformMonitoring extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  /** Every alarm created so far (the ones in us-east-1 too). */
  public readonly alarms: cloudwatch.Alarm[] = [];

  /** Name of the dashboard, the first part of every alarm's name. */
  public readonly dashboardName: string;

  /** The topic every alarm notifies, when given. */
  public readonly alarmTopic?: sns.ITopic;

  /** The role of each chat channel's AWS Chatbot configuration, in the order of `chatChannels`. */
  public readonly chatRoles: iam.Role[] = [];

  private readonly options: Required<Omit<MonitoringAlarmOptions, 'buildDuration'>> & { buildDuration: BuildDurationAlarm };
  private readonly edgeStackName: string;
  private readonly statusAlarms: cloudwatch.IAlarm[] = [];
  /** The stacks in us-east-1 holding the alarms on CloudFront metrics: '' for this stack's account, else by account. */
  private readonly edges = new Map<string, Edge>();
  private warnedNoRegion = false;
  /** What is monitored already: a second call would add its widgets again and clash on its alarms' IDs. */
  private readonly monitored = new Set<unknown>();

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const alarms = props.alarms ?? {};
    this.options = {
      pipelineFailed: alarms.pipelineFailed ?? true,
      errorRatePercent: alarms.errorRatePercent ?? 5,
      errorRateMinutes: alarms.errorRateMinutes ?? 5,
      buildDuration: alarms.buildDuration ?? BuildDurationAlarm.anomalyDetection(3),
    };
    this.edgeStackName = props.edgeStackName ?? `${stack.stackName}-EdgeAlarms`;
    validated(this, () => validateMonitoringProps(this, props, '', { edgeStackName: this.edgeStackName, chatNeedsTopic: true }));
    this.alarmTopic = props.alarmTopic;
    this.dashboardName = props.dashboardName;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({
      title: 'Alarms',
      width: 24,
      height: 3,
      alarms: this.statusAlarms,
      sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
    }));
    (props.chatChannels ?? []).forEach((channel, i) => this.chatRoles.push(this.createChatConfiguration(channel, i, props.dashboardName)));
    // The dashboard's graphs of distributions in other regions read their IDs through CDK's cross-region exports.
    skipCheckovOnCrossRegionExports(stack);
  }

  /** Monitors an SPA pipeline: its executions and its build and deploy projects. */
  public monitorSpaPipeline(pipeline: SpaPipeline): void {
    this.monitorPipeline(pipeline.pipeline, [pipeline.buildProject, ...pipeline.deployProjects]);
  }

  /**
   * Monitors the backend pipeline: its executions and every CodeBuild project CDK Pipelines creates for it. CDK
   * Pipelines creates those when the pipeline is built, at the latest by its own aspect when the app
   * synthesizes, so they are added then, by an aspect that runs after it: stages may still be added after this
   * call, and the backend pipeline's widgets come last on the dashboard.
   */
  public monitorBackendPipeline(pipeline: CdkBackendPipeline): void {
    let done = false;
    Aspects.of(this).add({
      visit: (node) => {
        if (node === this && !done) {
          done = true;
          this.monitorPipeline(pipeline.codePipeline, pipeline.node.findAll().filter((c): c is codebuild.Project => c instanceof codebuild.Project));
        }
      },
    }, { priority: AspectPriority.DEFAULT });
  }

  /**
   * Monitors a pipeline: its executions (the `AWS/CodePipeline` metrics of V2 pipelines) and the given CodeBuild
   * projects (builds, failures, duration of each phase), with the pipeline-failed and build-duration alarms.
   */
  public monitorPipeline(pipeline: codepipeline.IPipeline, projects: codebuild.IProject[]): void {
    this.once(pipeline, 'monitorPipeline');
    const label = nameOf(pipeline, pipeline.pipelineName);
    const failed = pipelineMetric(pipeline, 'FailedPipelineExecutions', cloudwatch.Stats.SUM);
    const duration = pipelineMetric(pipeline, 'PipelineDuration', cloudwatch.Stats.AVERAGE);
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## Pipeline ${label}`, width: 24, height: 1 }));
    const pipelineAlarms: cloudwatch.HorizontalAnnotation[] = [];
    if (this.options.pipelineFailed) {
      const alarm = this.alarm(pipeline, 'Failed', {
        alarmName: alarmName(this, label, 'failed'),
        alarmDescription: `An execution of the pipeline ${label} failed.`,
        metric: failed.with({ period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
      pipelineAlarms.push({ value: 1, label: literalName(alarm), color: cloudwatch.Color.RED });
    }
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Executions',
        width: 12,
        left: [
          duration.with({ statistic: cloudwatch.Stats.SAMPLE_COUNT, label: 'Completed', color: cloudwatch.Color.GREEN }),
          failed.with({ label: 'Failed', color: cloudwatch.Color.RED }),
        ],
        leftAnnotations: pipelineAlarms,
        leftYAxis: { min: 0, label: 'Count', showUnits: false },
        period: Duration.hours(1),
      }),
      new cloudwatch.GraphWidget({
        title: 'Execution duration',
        width: 12,
        left: [duration.with({ label: 'Average' }), duration.with({ statistic: cloudwatch.Stats.MAXIMUM, label: 'Maximum' })],
        leftYAxis: { min: 0, label: 'Seconds', showUnits: false },
        period: Duration.hours(1),
      }),
    );
    projects.forEach((project) => this.monitorProject(project, projectLabel(project, pipeline, label)));
  }

  /**
   * Monitors a hosting's distribution: requests, 4xx and 5xx error rates, bytes, and (when the hosting publishes
   * additional metrics) cache hit rate and origin latency, with the 5xx alarm in us-east-1.
   */
  public monitorHosting(hosting: SpaHosting, options: MonitorHostingOptions = {}): void {
    this.once(hosting, 'monitorHosting');
    const label = hosting.node.path;
    const account = otherAccount(this, hosting);
    if (account) {
      // A dashboard can't name another account's distribution (its ID is only known in that account's
      // deployment): its alarm lives in that account, forwarded to this topic, and shows in the status widget.
      const alarm = this.options.errorRatePercent > 0 ? this.edgeAlarm(hosting, account, options.edgeStackName) : undefined;
      this.dashboard.addWidgets(new cloudwatch.TextWidget({
        markdown: `## Distribution ${label} (account ${account})\nIts metrics are in account ${account}, on that account's CloudWatch console. `
          + (alarm ? `Its 5xx alarm \`${literalName(alarm)}\` is in that account (us-east-1) and notifies this platform's topic.` : 'It has no alarm.'),
        width: 24,
        height: 2,
      }));
      return;
    }
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## Distribution ${label}`, width: 24, height: 1 }));
    const annotations: cloudwatch.HorizontalAnnotation[] = [];
    if (this.options.errorRatePercent > 0) {
      const alarm = this.edgeAlarm(hosting);
      if (alarm) {
        annotations.push({ value: this.options.errorRatePercent, label: literalName(alarm), color: cloudwatch.Color.RED });
      }
    }
    const widgets: cloudwatch.IWidget[] = [
      new cloudwatch.GraphWidget({
        title: 'Requests',
        width: 6,
        left: [hosting.metricRequests({ label: 'Requests' })],
        leftYAxis: { min: 0, showUnits: false },
      }),
      new cloudwatch.GraphWidget({
        title: 'Error rates (%)',
        width: 6,
        left: [hosting.metric4xxErrorRate({ label: '4xx', color: cloudwatch.Color.ORANGE }), hosting.metric5xxErrorRate({ label: '5xx', color: cloudwatch.Color.RED })],
        leftAnnotations: annotations,
        leftYAxis: { min: 0, max: 100, showUnits: false },
      }),
      new cloudwatch.GraphWidget({
        title: 'Bytes',
        width: 6,
        left: [hosting.metricBytesDownloaded({ label: 'Downloaded' }), hosting.metricBytesUploaded({ label: 'Uploaded' })],
        leftYAxis: { min: 0 },
      }),
    ];
    if (hosting.additionalMetrics) {
      widgets.push(new cloudwatch.GraphWidget({
        title: 'Cache hit rate and origin latency',
        width: 6,
        left: [hosting.metricCacheHitRate({ label: 'Cache hit rate (%)' })],
        right: [hosting.metricOriginLatency({ label: 'Origin latency (ms)' })],
        leftYAxis: { min: 0, max: 100, showUnits: false },
        rightYAxis: { min: 0, showUnits: false },
      }));
    }
    this.dashboard.addWidgets(...widgets);
  }

  /**
   * The stack in us-east-1 holding the alarms on the CloudFront metrics of this stack's account, once a hosting of
   * that account is monitored (this stack itself, when it is in us-east-1).
   */
  public get edgeStack(): Stack | undefined {
    return this.edges.get('')?.stack;
  }

  /** Every stack holding alarms on CloudFront metrics: `edgeStack`, and one per other account of a monitored hosting. */
  public get edgeStacks(): Stack[] {
    return [...this.edges.values()].map((edge) => edge.stack);
  }

  /** Refuses a second call for the same pipeline or hosting, in the library's words rather than a construct ID clash. */
  private once(target: Construct, method: 'monitorPipeline' | 'monitorHosting'): void {
    if (this.monitored.has(target)) {
      throw propError(this, method === 'monitorHosting' ? 'hosting' : 'pipeline', target.node.path,
        `it is monitored already (${method === 'monitorHosting' ? 'monitorHosting()' : 'monitorPipeline(), monitorSpaPipeline() or monitorBackendPipeline()'} `
        + 'was called for it before), and its widgets and alarms exist', `call ${method}() once for it`);
    }
    this.monitored.add(target);
  }

  private monitorProject(project: codebuild.IProject, label: string): void {
    const annotations: cloudwatch.HorizontalAnnotation[] = [];
    const duration = project.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5), label: 'Duration (maximum)' });
    const kind = this.options.buildDuration;
    if (kind._kind === 'anomaly') {
      const alarm = new cloudwatch.AnomalyDetectionAlarm(this, `${uniqueId(project)}SlowBuild`, {
        alarmName: alarmName(this, label, 'slow-build'),
        alarmDescription: `A build of ${label} took longer than its usual (anomaly detection band of ${kind._standardDeviations} standard deviations).`,
        metric: duration,
        stdDevs: kind._standardDeviations,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.track(alarm);
    } else if (kind._kind === 'static') {
      const alarm = this.alarm(project, 'SlowBuild', {
        alarmName: alarmName(this, label, 'slow-build'),
        alarmDescription: `A build of ${label} took longer than ${kind._threshold!.toHumanString()}.`,
        metric: duration,
        threshold: kind._threshold!.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      annotations.push({ value: kind._threshold!.toSeconds(), label: literalName(alarm), color: cloudwatch.Color.RED });
    }
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${label}: builds`,
        width: 8,
        left: [
          project.metricSucceededBuilds({ label: 'Succeeded', color: cloudwatch.Color.GREEN, period: Duration.hours(1) }),
          project.metricFailedBuilds({ label: 'Failed', color: cloudwatch.Color.RED, period: Duration.hours(1) }),
        ],
        leftYAxis: { min: 0, showUnits: false },
      }),
      new cloudwatch.GraphWidget({
        title: `${label}: duration of each phase (seconds)`,
        width: 16,
        stacked: true,
        left: BUILD_PHASES.map((phase) => project.metric(`${phase}Duration`, { statistic: cloudwatch.Stats.AVERAGE, period: Duration.hours(1), label: phase })),
        leftAnnotations: annotations,
        leftYAxis: { min: 0, showUnits: false },
      }),
    );
  }

  /**
   * The 5xx alarm of a hosting, in us-east-1 of its account (`account`, when not this stack's); none (with a
   * warning) when this stack's region is unknown.
   */
  private edgeAlarm(hosting: SpaHosting, account?: string, otherStackName?: string): cloudwatch.Alarm | undefined {
    const edge = this.edgeScope(account, otherStackName);
    if (!edge) {
      return undefined;
    }
    const name = alarmName(this, hosting.node.path, '5xx');
    const id = `${uniqueId(hosting)}ServerErrors`;
    const alarm = new cloudwatch.Alarm(edge.stack === Stack.of(this) ? this : edge.stack, id, {
      alarmName: name,
      alarmDescription: `More than ${this.options.errorRatePercent}% of the requests to the distribution of ${hosting.node.path} failed with a 5xx status, `
        + `${this.options.errorRateMinutes} minutes in a row.`,
      metric: hosting.metric5xxErrorRate({ period: Duration.minutes(1) }),
      threshold: this.options.errorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: this.options.errorRateMinutes,
      datapointsToAlarm: this.options.errorRateMinutes,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (edge.topic) {
      alarm.addAlarmAction(new actions.SnsAction(edge.topic));
    }
    this.alarms.push(alarm);
    // The status widget names it by ARN: a reference into the other region's stack would need an export there.
    this.statusAlarms.push(edge.stack === Stack.of(this) ? alarm : cloudwatch.Alarm.fromAlarmArn(this, `${id}Status`, Stack.of(this).formatArn({
      service: 'cloudwatch', region: CLOUDFRONT_METRICS_REGION, account: account, resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })));
    return alarm;
  }

  /**
   * Where the alarms on the CloudFront metrics of an account go (`account`: another than this stack's): this
   * stack, when it is in us-east-1 and the account its own; else a stack there, in the account.
   */
  private edgeScope(account?: string, otherStackName?: string): Edge | undefined {
    const key = account ?? '';
    const known = this.edges.get(key);
    if (known) {
      return known;
    }
    const home = Stack.of(this);
    if (Token.isUnresolved(home.region)) {
      if (!this.warnedNoRegion) {
        this.warnedNoRegion = true;
        Annotations.of(this).addWarningV2('cdk-ecom-platform:PlatformMonitoring.edgeAlarmsNeedRegion',
          `${home.stackName} has no region (environment-agnostic), so no alarm watches the distributions' 5xx rate: CloudFront publishes its metrics `
          + `in ${CLOUDFRONT_METRICS_REGION} only, and alarms must be created there. Give the stack an \`env\` with a region`);
      }
      return undefined;
    }
    if (!account && home.region === CLOUDFRONT_METRICS_REGION) {
      const edge = { stack: home, topic: this.alarmTopic };
      this.edges.set(key, edge);
      return edge;
    }
    const stackName = account ? otherStackName ?? `${this.edgeStackName}-${account}` : this.edgeStackName;
    const prop = account && otherStackName ? 'options.edgeStackName' : 'edgeStackName';
    if (!isStackName(stackName)) {
      throw propError(this, prop, stackName, `the stack of the alarms of account ${account} is named so, and stack names are letters, digits and hyphens, `
        + 'starting with a letter, at most 128', 'give monitorHosting() `edgeStackName` for the hostings of that account, or a shorter `edgeStackName`');
    }
    const id = stackName;
    const stage = Stage.of(this)!;
    const taken = stage.node.tryFindChild(id);
    if (taken) {
      throw propError(this, prop, stackName, `the edge stack's construct ID is its name, and ${taken.node.path} already has it `
        + '(another PlatformMonitoring\'s edge stack, or a stack of that ID)', 'give each PlatformMonitoring its own `edgeStackName`');
    }
    if (account && this.alarmTopic) {
      checkCrossAccountTopic(this, this.alarmTopic, account);
    }
    const stack = new Stack(stage, id, {
      stackName,
      env: { account: account ?? home.account, region: CLOUDFRONT_METRICS_REGION },
      description: `Alarms on the CloudFront metrics of ${account ? `account ${account}` : home.stackName} for the dashboard ${this.dashboardName}, `
        + `which exist in ${CLOUDFRONT_METRICS_REGION} only`,
      // The distributions' IDs (and the alarm topic's ARN) come from stacks in other regions.
      crossRegionReferences: true,
    });
    const edge = { stack, topic: this.alarmTopic ? createEdgeAlarmTopic(stack, this.alarmTopic) : undefined };
    skipCheckovOnCrossRegionExports(stack);
    this.edges.set(key, edge);
    return edge;
  }

  private alarm(target: Construct, kind: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `${uniqueId(target)}${kind}`, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
    this.track(alarm);
    return alarm;
  }

  private track(alarm: cloudwatch.Alarm): void {
    if (this.alarmTopic) {
      alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    }
    this.alarms.push(alarm);
    this.statusAlarms.push(alarm);
  }

  private createChatConfiguration(channel: ChatChannel, index: number, dashboardName: string): iam.Role {
    const id = `Chat${index + 1}`;
    const configurationName = channel._configurationName ?? `${dashboardName}-${channel._kind}`.slice(0, 128);
    // Notifications only: the channel can read what an alarm shows (its graph), nothing else, and no member of
    // the channel can do more (the guardrail is the same policy).
    const policy = new iam.ManagedPolicy(this, `${id}Policy`, {
      description: `Lets AWS Chatbot render the notifications of ${dashboardName} in ${configurationName}`,
      statements: [new iam.PolicyStatement({
        actions: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'],
        resources: ['*'],
      })],
    });
    acknowledge(policy, 'AwsSolutions-IAM5', 'AWS Chatbot\'s "Notification permissions" channel-role template (its NotificationsOnly policy): the read-only '
      + 'CloudWatch actions Chatbot calls with this role to render an alarm notification and its metric graph. CloudWatch\'s metric reads '
      + '(GetMetricData, GetMetricStatistics, GetMetricWidgetImage, ListMetrics) take no resource ARN (Resource "*"), and the same policy is the '
      + 'channel\'s guardrail, so no member of the channel can do more than read CloudWatch.',
    ['Action::cloudwatch:Describe*', 'Action::cloudwatch:Get*', 'Action::cloudwatch:List*', 'Resource::*']);
    const topics = this.alarmTopic ? [this.alarmTopic] : [];
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: `AWS Chatbot's role for ${configurationName}: reads what an alarm notification shows`,
      managedPolicies: [policy],
    });
    if (channel._kind === 'slack') {
      new chatbot.SlackChannelConfiguration(this, id, {
        slackChannelConfigurationName: configurationName,
        slackWorkspaceId: channel._workspaceOrTeamId,
        slackChannelId: channel._channelId,
        notificationTopics: topics,
        role,
        guardrailPolicies: [policy],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
    } else {
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, id, {
        configurationName,
        iamRoleArn: role.roleArn,
        teamId: channel._workspaceOrTeamId,
        teamsChannelId: channel._channelId,
        teamsTenantId: channel._tenantId!,
        snsTopicArns: topics.map((t) => t.topicArn),
        guardrailPolicies: [policy.managedPolicyArn],
        loggingLevel: 'ERROR',
      });
    }
    return role;
  }
}

/** Where the alarms on CloudFront metrics of one account go, and the topic they notify there. */
interface Edge {
  readonly stack: Stack;
  readonly topic?: sns.ITopic;
}

/** A hosting's account when it is known and not the monitoring's. */
function otherAccount(monitoring: Construct, hosting: Construct): string | undefined {
  const home = Stack.of(monitoring).account;
  const account = Stack.of(hosting).account;
  return !Token.isUnresolved(home) && !Token.isUnresolved(account) && account !== home ? account : undefined;
}

/**
 * Refuses, before anything is created, an alarm topic that the forwarder of another account can't name: its ARN
 * must be known across accounts (a literal ARN, a given name, or PhysicalName.GENERATE_IF_NEEDED).
 */
function checkCrossAccountTopic(monitoring: PlatformMonitoring, topic: sns.ITopic, account: string): void {
  // CDK's own check (a cross-account reference resolves only to a physical name), in a throwaway App that never
  // synthesizes: under `cdk synth` an App would write its manifest over the real one at exit.
  const probe = new Stack(new App({ autoSynth: false }), 'Probe', { env: { account, region: CLOUDFRONT_METRICS_REGION } });
  try {
    probe.resolve(topic.topicArn);
  } catch {
    throw propError(monitoring, 'alarmTopic', topic.node.path, `the alarms on the distributions of account ${account} live in that account, and their `
      + 'forwarder must name this topic by ARN across accounts, but its name is generated by CloudFormation',
    'give the topic a `topicName` (or `PhysicalName.GENERATE_IF_NEEDED`), or import it with sns.Topic.fromTopicArn()');
  }
}

/** A resource's name when it is given (the `name` of its CloudFormation resource), else its construct path. */
function nameOf(resource: Construct, name: string): string {
  const given = (resource.node.defaultChild as { name?: unknown } | undefined)?.name;
  if (typeof given === 'string' && !Token.isUnresolved(given)) {
    return given;
  }
  const resolved = Stack.of(resource).resolve(name);
  return typeof resolved === 'string' ? resolved : resource.node.path;
}

/**
 * A project's name when given; else (CDK Pipelines' projects) the pipeline's name and the project's path below
 * their common scope, without CDK Pipelines' generic IDs: `e-com67-backend-pipeline-Build-Synth`.
 */
function projectLabel(project: codebuild.IProject, pipeline: codepipeline.IPipeline, pipelineLabel: string): string {
  const named = nameOf(project, project.projectName);
  if (named !== project.node.path) {
    return named;
  }
  const base = pipeline.node.scope?.node.scope?.node.path ?? '';
  const relative = base && project.node.path.startsWith(`${base}/`) ? project.node.path.slice(base.length + 1) : project.node.path;
  const parts = relative.split('/').filter((part) => !['Pipeline', 'CodePipeline', 'CdkBuildProject', 'Resource', 'Default'].includes(part));
  return [pipelineLabel, ...parts].join('-');
}

/**
 * The name this library gave an alarm, as a string: `alarm.alarmName` is a reference, which from the dashboard's
 * stack into a us-east-1 stack would be a cross-region export.
 */
function literalName(alarm: cloudwatch.Alarm): string {
  return (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmName!;
}

/** A construct ID from a construct's path, unique within the monitoring. */
function uniqueId(construct: Construct): string {
  return construct.node.path.split('/').map((part) => part.replace(/[^A-Za-z0-9]/g, '')).join('');
}

/** `<dashboard>-<what>-<kind>`, within CloudWatch's 255 characters. */
function alarmName(monitoring: PlatformMonitoring, what: string, kind: string): string {
  const prefix = `${monitoring.dashboardName}-`;
  const subject = what.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${subject.startsWith(prefix) ? '' : prefix}${subject}-${kind}`.slice(-255);
}
