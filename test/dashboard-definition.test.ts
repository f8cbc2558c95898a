/**
 * The dashboard the platform deploys, as CloudWatch will read it: the example app (examples/typescript, both
 * pipelines, monitoring on by default) is synthesized once, its DashboardBody rendered to JSON
 * (scripts/dashboard.ts) and checked: every widget on the 24-column grid without overlap, every metric with a
 * namespace, a name, complete dimensions and a region (CloudFront's in us-east-1), every alarm widget listing alarm
 * ARNs. Then each rule is shown to catch its mistake on a copy of that body.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dashboardDefinition, dashboardProblems, dashboardSummary, dashboardSvg, dashboardsOf, widgetMetrics } from '../scripts/dashboard';
import { assemblyStacks } from '../scripts/fixed-cost';
import { CLI_CONTEXT, EXAMPLE_ENV, runExample } from './helpers/example-app';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-definition-'));
let body: any;
let templates: Record<string, any>;

beforeAll(() => {
  runExample({ ...CLI_CONTEXT, ...EXAMPLE_ENV, 'ecom:backendPipeline': 'true', 'ecom:frontendPipelines': 'true' }, outdir, true);
  templates = Object.fromEntries(assemblyStacks(outdir).map((s) => [s.name, s.template]));
  body = dashboardDefinition(templates['E-Com67-MonitoringStack'], 'E-Com67-MonitoringStack');
}, 120_000);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** A deep copy of the example's body to break. */
const copy = () => JSON.parse(JSON.stringify(body));
const metricWidgets = (b: any) => b.widgets.filter((w: any) => w.type === 'metric');

describe('the example platform\'s dashboard', () => {
  test('is the only dashboard, in the monitoring stack, named after the project', () => {
    const dashboards = Object.entries(templates).flatMap(([stack, t]) => dashboardsOf(t).map((d) => ({ stack, ...d })));
    expect(dashboards).toEqual([expect.objectContaining({ stack: 'E-Com67-MonitoringStack', name: 'e-com67' })]);
  });

  test('renders to JSON with readable references and has no problem CloudWatch would refuse or render wrong', () => {
    expect(dashboardProblems(body)).toEqual([]);
    const text = JSON.stringify(body);
    // Pipeline names come from the pipeline stacks' exports; the distributions' IDs from the frontend stack's.
    expect(text).toContain('${E-Com67-AdminPipelineStack:Pipeline');
    expect(text).toMatch(/\$\{E-Com67-FrontendStack:AdminDashboardDistribution[0-9A-F]{8}\}/);
    expect(text).not.toContain('Fn::');
  });

  test('shows the alarm status first, then each pipeline and distribution, with 11 alarms and every metric readable', () => {
    const summary = dashboardSummary(body);
    expect(body.widgets[0]).toMatchObject({ type: 'alarm', x: 0, y: 0, width: 24 });
    expect(summary.byType).toEqual({ alarm: 1, text: 5, metric: 24 });
    expect(summary.alarms).toHaveLength(11);
    // Alarms of the monitoring stack by their ARN as CloudFormation resolves it, the us-east-1 5xx alarms by theirs.
    expect(summary.alarms).toContain('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:e-com67-admin-dashboard-pipeline-failed');
    expect(summary.alarms).toContain('arn:${AWS::Partition}:cloudwatch:us-east-1:111122223333:alarm:e-com67-E-Com67-FrontendStack-AdminDashboard-5xx');
    expect(body.widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown)).toEqual([
      '## Pipeline e-com67-admin-dashboard-pipeline',
      '## Pipeline e-com67-customer-app-pipeline',
      '## Distribution E-Com67-FrontendStack/AdminDashboard',
      '## Distribution E-Com67-FrontendStack/CustomerApp',
      '## Pipeline e-com67-backend-pipeline',
    ]);
  });

  test('CloudFront metrics are read in us-east-1 with the Global region dimension; the rest in the stack\'s region', () => {
    const metrics = metricWidgets(body).flatMap((w: any) => widgetMetrics(w));
    const cloudFront = metrics.filter((m: any) => m.namespace === 'AWS/CloudFront');
    expect(cloudFront.length).toBe(10); // 5 per distribution: requests, 4xx, 5xx, bytes down and up
    for (const m of cloudFront) {
      expect(m.region).toBe('us-east-1');
      expect(m.dimensions).toEqual([{ name: 'DistributionId', value: expect.stringMatching(/^\$\{E-Com67-FrontendStack:/) }, { name: 'Region', value: 'Global' }]);
    }
    expect(metrics.filter((m: any) => m.namespace !== 'AWS/CloudFront').every((m: any) => m.region === '${AWS::Region}')).toBe(true);
  });

  test('draws every widget in the SVG, with its title and metric names', () => {
    const svg = dashboardSvg(body, 'e-com67');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect /g)).toHaveLength(1 + body.widgets.length); // the background and one box per widget
    expect(svg).toContain('e-com67-admin-dashboard-pipeline-failed');
    expect(svg).toContain('Error rates (%)');
    expect(svg).toContain('5xx (5xxErrorRate) · us-east-1');
    expect(svg).toContain('┄ e-com67-admin-dashboard-pipeline-failed: 1'); // the alarm's threshold on the Executions graph
    // Titles and labels are escaped (a markdown title may hold "<" and "&").
    const odd = dashboardSvg({ widgets: [{ type: 'text', x: 0, y: 0, width: 24, height: 1, properties: { markdown: '# Orders & <Payments>' } }] });
    expect(odd).toContain('>Orders &amp; &lt;Payments&gt;</text>');
  });
});

describe('the checker catches', () => {
  test('two widgets overlapping', () => {
    const broken = copy();
    const [first, second] = metricWidgets(broken);
    second.x = first.x + 2;
    second.y = first.y;
    expect(dashboardProblems(broken)).toEqual(expect.arrayContaining([expect.stringMatching(/^widget \d+ \(metric "Execution duration"\) overlaps widget \d+ /)]));
  });

  test('a widget beyond the 24 columns, or narrower than one', () => {
    const broken = copy();
    metricWidgets(broken)[1].width = 13; // x 12 + 13
    metricWidgets(broken)[2].width = 0;
    const problems = dashboardProblems(broken);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/"Execution duration"\): x 12 \+ width 13 goes beyond the 24 columns/),
      expect.stringMatching(/width 0 is not 1 to 24/),
    ]));
  });

  test('a metric without a region (neither the widget\'s nor its own), and a CloudFront metric outside us-east-1', () => {
    const broken = copy();
    delete metricWidgets(broken)[0].properties.region;
    const requests = metricWidgets(broken).find((w: any) => w.properties.title === 'Requests');
    requests.properties.metrics[0][requests.properties.metrics[0].length - 1].region = 'eu-west-1';
    expect(dashboardProblems(broken)).toEqual([
      expect.stringMatching(/"Executions"\) metric 0 \(AWS\/CodePipeline\/PipelineDuration\): no region/),
      expect.stringMatching(/"Executions"\) metric 1 \(AWS\/CodePipeline\/FailedPipelineExecutions\): no region/),
      expect.stringMatching(/"Requests"\) metric 0 \(AWS\/CloudFront\/Requests\): CloudFront publishes its metrics in us-east-1 only, not eu-west-1/),
    ]);
  });

  test('a metric without dimensions, and one whose dimension lost its value', () => {
    const broken = copy();
    const [executions] = metricWidgets(broken);
    executions.properties.metrics[0].splice(2, 2); // PipelineName and its value
    executions.properties.metrics[1].splice(3, 1); // the value only
    expect(dashboardProblems(broken)).toEqual([
      expect.stringMatching(/metric 0 \(AWS\/CodePipeline\/PipelineDuration\): no dimensions/),
      expect.stringMatching(/metric 1 \(AWS\/CodePipeline\/FailedPipelineExecutions\): incomplete dimensions .* and a name without value/),
    ]);
  });

  test('an unknown widget type, non-integer coordinates, an alarm widget without alarm ARNs, and a body without widgets', () => {
    const broken = copy();
    broken.widgets[1].type = 'markdown';
    broken.widgets[2].x = 0.5;
    broken.widgets[0].properties.alarms = ['e-com67-backend-pipeline-failed'];
    expect(dashboardProblems(broken)).toEqual([
      expect.stringMatching(/widget 0 \(alarm "Alarms"\): "e-com67-backend-pipeline-failed" is not an alarm ARN/),
      'widget 1 (markdown): unknown widget type "markdown" (metric, text, alarm, log, explorer, custom)',
      expect.stringMatching(/widget 2 \(metric "Executions"\): x, y, width and height must be integers/),
    ]);
    expect(dashboardProblems({ start: '-P7D' })).toEqual(['the body has no "widgets" array']);
  });

  test('a body of 1 MB or more', () => {
    const broken = copy();
    broken.widgets.push({ type: 'text', x: 0, y: 10_000, width: 24, height: 1, properties: { markdown: 'x'.repeat(1024 * 1024) } });
    expect(dashboardProblems(broken)).toEqual([expect.stringMatching(/^the body is \d+ bytes: at most 1048575$/)]);
  });
});
