/**
 * The CloudWatch dashboard of a synthesized template, as CloudWatch will read it: `dashboardDefinition` renders an
 * `AWS::CloudWatch::Dashboard`'s `DashboardBody` (an `Fn::Join` of JSON text and CloudFormation references) into
 * the JSON document with readable placeholders for the references, `dashboardProblems` checks it against the
 * rules of the dashboard body (grid, widget types, metrics, alarms, size), `dashboardSvg` draws its layout.
 *
 *   npx ts-node --project test/tsconfig.json scripts/dashboard.ts [cdk.out]
 *
 * reads the cloud assembly (default: ./cdk.out from `examples/synth-example.ts`; synthesizes the example into a
 * temporary directory when there is none), prints a table per dashboard (widgets, metrics, alarms, problems) and
 * writes docs/images/dashboard.svg. docs/monitoring.md shows the picture.
 *
 * The rules, from "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * 0 to 500 widgets; a 24-column grid (x 0-23, width 1-24, height 1-1000); a metric row is
 * `[namespace, metricName, dim1Name, dim1Value, ..., {options}]` or `[{ expression }]`; a metric widget's
 * `properties.region` is required (a row's `region` option overrides it); an alarm widget's `alarms` are ARNs.
 * CloudWatch service quotas (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html):
 * up to 500 widgets and 500 metrics per widget. CloudFront publishes its metrics in us-east-1 only
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assemblyStacks } from './fixed-cost';

/** The widget types of the dashboard body. */
export const WIDGET_TYPES = ['metric', 'text', 'alarm', 'log', 'explorer', 'custom'];
/** Columns of the grid. */
export const GRID_COLUMNS = 24;
export const MAX_WIDGETS = 500;
export const MAX_METRICS_PER_WIDGET = 500;
export const MAX_HEIGHT = 1000;
/**
 * Largest accepted body, in bytes of its JSON: 1 MB, the figure the issue gives. CloudWatch's body-structure and
 * quota pages (checked 2026-11-30) state no body size. The body also sits in a CloudFormation template, whose
 * size from S3 the CloudFormation quotas page limits (460,800 bytes in the archived awsdocs copy,
 * https://github.com/awsdocs/aws-cloudformation-user-guide/blob/main/doc_source/cloudformation-limits.md): a
 * deployable dashboard is well under this ceiling, and the example's is about 23 KB.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
const CLOUDFRONT_REGION = 'us-east-1';

/** A placeholder for a CloudFormation reference: `${Stack:LogicalId}`, `${Stack:LogicalId.Attr}`, `${AWS::Region}`. */
function placeholder(value: any, stackName: string, resources: Record<string, any>): string {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') {
      const alarm = alarmNameOf(resources[value.Ref]);
      // A Ref to an alarm is its name.
      return alarm ?? (value.Ref.startsWith('AWS::') ? `\${${value.Ref}}` : `\${${stackName}:${value.Ref}}`);
    }
    const getAtt = value['Fn::GetAtt'];
    if (getAtt) {
      const [resource, attribute] = Array.isArray(getAtt) ? getAtt : String(getAtt).split('.');
      const alarm = alarmNameOf(resources[resource]);
      if (alarm && attribute === 'Arn') {
        // What CloudFormation returns for an alarm of this stack.
        return `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${alarm}`;
      }
      return `\${${stackName}:${resource}.${attribute}}`;
    }
    const imported = value['Fn::ImportValue'] ?? value.ImportValue;
    if (imported !== undefined) {
      // CDK's export names: `<Stack>:ExportsOutputRef<LogicalId><hash>` or `...FnGetAtt<LogicalId><Attr><hash>`.
      const name = typeof imported === 'string' ? imported : placeholder(imported, stackName, resources);
      return `\${${name.replace(/:ExportsOutput(Ref|FnGetAtt)/, ':').replace(/[0-9A-F]{8}$/, '')}}`;
    }
    const join = value['Fn::Join'];
    if (Array.isArray(join)) {
      return renderJoin(join, stackName, resources);
    }
  }
  return `\${${JSON.stringify(value).replace(/["\\{}$]/g, '')}}`;
}

function renderJoin(join: any[], stackName: string, resources: Record<string, any>): string {
  const [separator, parts] = join;
  return (parts as any[]).map((part) => (typeof part === 'string' ? part : placeholder(part, stackName, resources))).join(separator);
}

/** The literal AlarmName of an AWS::CloudWatch::Alarm resource. */
function alarmNameOf(resource: any): string | undefined {
  const name = resource?.Type === 'AWS::CloudWatch::Alarm' ? resource.Properties?.AlarmName : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** The dashboards of a template: their logical IDs and names. */
export function dashboardsOf(template: any): Array<{ readonly logicalId: string; readonly name?: string }> {
  return Object.entries<any>(template?.Resources ?? {})
    .filter(([, r]) => r?.Type === 'AWS::CloudWatch::Dashboard')
    .map(([logicalId, r]) => ({ logicalId, name: typeof r.Properties?.DashboardName === 'string' ? r.Properties.DashboardName : undefined }));
}

/**
 * The dashboard body of a template's `AWS::CloudWatch::Dashboard` (the only one, or `logicalId`), parsed, with each
 * CloudFormation reference in it replaced by a readable placeholder: `${<stackName>:<LogicalId>}` for a Ref,
 * `${<stackName>:<LogicalId>.<Attribute>}` for a GetAtt, `${<ExportingStack>:<LogicalId>}` for an import,
 * `${AWS::Region}` for a pseudo parameter; an alarm of the template with a literal AlarmName is rendered as
 * CloudFormation resolves it (Ref: its name, GetAtt Arn: `arn:${AWS::Partition}:cloudwatch:...:alarm:<name>`).
 */
export function dashboardDefinition(template: any, stackName: string, logicalId?: string): any {
  const dashboards = dashboardsOf(template);
  const chosen = logicalId ? dashboards.find((d) => d.logicalId === logicalId) : dashboards[0];
  if (!chosen || (!logicalId && dashboards.length > 1)) {
    throw new Error(`${stackName}: ${dashboards.length} dashboards (${dashboards.map((d) => d.logicalId).join(', ') || 'none'}); `
      + (logicalId ? `none is ${logicalId}` : 'give the logical ID of one'));
  }
  const body = template.Resources[chosen.logicalId].Properties?.DashboardBody;
  const text = typeof body === 'string' ? body : placeholder(body, stackName, template.Resources);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${stackName}/${chosen.logicalId}: the rendered DashboardBody is not JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
}

/** One metric of a metric widget, read from its row. */
export interface DashboardMetric {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: ReadonlyArray<{ readonly name: unknown; readonly value: unknown }>;
  readonly expression?: string;
  readonly label?: string;
  /** The row's `region` option, else the widget's `properties.region`. */
  readonly region?: string;
  /** Whether the dimension list has a name without its value. */
  readonly oddDimensions: boolean;
}

/** The metrics of a metric widget's `properties.metrics` (`"."` repeats the row above's value at that position). */
export function widgetMetrics(widget: any): DashboardMetric[] {
  const rows: unknown[] = Array.isArray(widget?.properties?.metrics) ? widget.properties.metrics : [];
  let previous: unknown[] = [];
  return rows.map((row) => {
    const cells = Array.isArray(row) ? [...row] : [];
    const last = cells[cells.length - 1];
    const options: any = last && typeof last === 'object' && !Array.isArray(last) ? cells.pop() : {};
    const values = cells.map((cell, i) => (cell === '.' ? previous[i] : cell));
    previous = values;
    const region = typeof options.region === 'string' ? options.region : widget?.properties?.region;
    if (typeof options.expression === 'string') {
      return { expression: options.expression, label: options.label, region, dimensions: [], oddDimensions: false };
    }
    const [namespace, metricName, ...rest] = values;
    const dimensions = [];
    for (let i = 0; i + 1 < rest.length; i += 2) {
      dimensions.push({ name: rest[i], value: rest[i + 1] });
    }
    return {
      namespace: namespace as string | undefined,
      metricName: metricName as string | undefined,
      dimensions,
      oddDimensions: rest.length % 2 === 1,
      label: options.label,
      region,
    };
  });
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const ALARM_ARN = /^arn:(aws[a-z-]*|\$\{AWS::Partition\}):cloudwatch:([a-z0-9-]+|\$\{AWS::Region\}):(\d{12}|\$\{AWS::AccountId\}):alarm:.+$/;
/** A GetAtt of an alarm's Arn, rendered by dashboardDefinition. */
const ALARM_ARN_REFERENCE = /^\$\{[^}]+\.Arn\}$/;

/** Everything wrong with a dashboard body (parsed JSON), one sentence each; [] when CloudWatch will render it as meant. */
export function dashboardProblems(body: any): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(body ?? null), 'utf-8');
  if (bytes >= MAX_BODY_BYTES) {
    problems.push(`the body is ${bytes} bytes: at most ${MAX_BODY_BYTES - 1}`);
  }
  const widgets: any[] = body?.widgets;
  if (!Array.isArray(widgets)) {
    return [...problems, 'the body has no "widgets" array'];
  }
  if (widgets.length > MAX_WIDGETS) {
    problems.push(`${widgets.length} widgets: a dashboard holds at most ${MAX_WIDGETS}`);
  }
  const placed: Array<{ readonly index: number; readonly x: number; readonly y: number; readonly width: number; readonly height: number }> = [];
  widgets.forEach((widget, index) => {
    const name = `widget ${index} (${widget?.type ?? 'no type'}${nonEmpty(widget?.properties?.title) ? ` "${widget.properties.title}"` : ''})`;
    const { x, y, width, height } = widget ?? {};
    if (![x, y, width, height].every(isInteger)) {
      problems.push(`${name}: x, y, width and height must be integers (got ${JSON.stringify({ x, y, width, height })})`);
    } else {
      if (width < 1 || width > GRID_COLUMNS) problems.push(`${name}: width ${width} is not 1 to ${GRID_COLUMNS}`);
      if (height < 1 || height > MAX_HEIGHT) problems.push(`${name}: height ${height} is not 1 to ${MAX_HEIGHT}`);
      if (x < 0 || y < 0) problems.push(`${name}: x ${x} and y ${y} must be 0 or more`);
      if (x + width > GRID_COLUMNS) problems.push(`${name}: x ${x} + width ${width} goes beyond the ${GRID_COLUMNS} columns`);
      for (const other of placed) {
        if (x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height) {
          problems.push(`${name} overlaps widget ${other.index} (${x},${y} ${width}x${height} and ${other.x},${other.y} ${other.width}x${other.height})`);
        }
      }
      placed.push({ index, x, y, width, height });
    }
    if (!WIDGET_TYPES.includes(widget?.type)) {
      problems.push(`${name}: unknown widget type ${JSON.stringify(widget?.type)} (${WIDGET_TYPES.join(', ')})`);
      return;
    }
    const properties = widget.properties ?? {};
    if (widget.type === 'metric') {
      const metrics = widgetMetrics(widget);
      if (metrics.length === 0) problems.push(`${name}: no metrics`);
      if (metrics.length > MAX_METRICS_PER_WIDGET) problems.push(`${name}: ${metrics.length} metrics, at most ${MAX_METRICS_PER_WIDGET}`);
      metrics.forEach((m, i) => {
        const metric = `${name} metric ${i} (${m.expression ?? `${m.namespace}/${m.metricName}`})`;
        if (!nonEmpty(m.region)) {
          problems.push(`${metric}: no region (neither the widget's properties.region nor the metric's region option)`);
        }
        if (m.expression !== undefined) {
          return;
        }
        if (!nonEmpty(m.namespace)) problems.push(`${metric}: no namespace`);
        if (!nonEmpty(m.metricName)) problems.push(`${metric}: no metric name`);
        if (m.dimensions.length === 0 && !m.oddDimensions) {
          problems.push(`${metric}: no dimensions (it would show the metric of no resource, or the sum of all)`);
        }
        if (m.oddDimensions || m.dimensions.some((d) => !nonEmpty(d.name) || !nonEmpty(d.value))) {
          problems.push(`${metric}: incomplete dimensions (each needs a name and a value): ${JSON.stringify(m.dimensions)}${m.oddDimensions ? ' and a name without value' : ''}`);
        }
        if (m.namespace === 'AWS/CloudFront' && nonEmpty(m.region) && m.region !== CLOUDFRONT_REGION) {
          problems.push(`${metric}: CloudFront publishes its metrics in ${CLOUDFRONT_REGION} only, not ${m.region}`);
        }
      });
    } else if (widget.type === 'alarm') {
      const alarms = properties.alarms;
      if (!Array.isArray(alarms) || alarms.length === 0) {
        problems.push(`${name}: an alarm widget lists alarm ARNs in properties.alarms, and there is none`);
      } else {
        alarms.filter((arn: unknown) => !(typeof arn === 'string' && (ALARM_ARN.test(arn) || ALARM_ARN_REFERENCE.test(arn))))
          .forEach((arn: unknown) => problems.push(`${name}: ${JSON.stringify(arn)} is not an alarm ARN`));
        if (alarms.length > 100) problems.push(`${name}: ${alarms.length} alarms, an alarm status widget shows at most 100`);
      }
    } else if (widget.type === 'text') {
      if (typeof properties.markdown !== 'string') problems.push(`${name}: a text widget needs properties.markdown`);
    } else if (widget.type === 'log') {
      if (!nonEmpty(properties.query)) problems.push(`${name}: a log widget needs properties.query`);
      if (!nonEmpty(properties.region)) problems.push(`${name}: a log widget needs properties.region`);
    }
  });
  return problems;
}

/** How many widgets of each type, metrics and alarm ARNs a body holds. */
export function dashboardSummary(body: any): { readonly widgets: number; readonly byType: Record<string, number>; readonly metrics: number; readonly alarms: string[] } {
  const widgets: any[] = Array.isArray(body?.widgets) ? body.widgets : [];
  const byType: Record<string, number> = {};
  widgets.forEach((w) => { byType[w.type] = (byType[w.type] ?? 0) + 1; });
  const metrics = widgets.filter((w) => w.type === 'metric').reduce((n, w) => n + widgetMetrics(w).length, 0);
  const alarms = widgets.filter((w) => w.type === 'alarm').flatMap((w) => (Array.isArray(w.properties?.alarms) ? w.properties.alarms : []));
  return { widgets: widgets.length, byType, metrics, alarms };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s);
/** An alarm's name from its ARN or reference. */
const alarmLabel = (arn: string) => (ALARM_ARN.test(arn) ? arn.replace(/^.*:alarm:/, '') : arn.replace(/^\$\{[^:]*:/, '').replace(/\.Arn\}$/, '').replace(/[0-9A-F]{8}$/, ''));

/**
 * An SVG of a dashboard's layout, like a screenshot without data: each widget a box on the 24-column grid (scaled),
 * with its title, the names of its metrics and its alarm thresholds (red); alarm status widgets red with their
 * alarms, text widgets as headings.
 */
export function dashboardSvg(body: any, title = 'CloudWatch dashboard'): string {
  const widgets: any[] = Array.isArray(body?.widgets) ? body.widgets : [];
  const column = 40;
  const row = 26;
  const margin = 12;
  const header = 34;
  const rows = Math.max(1, ...widgets.map((w) => (Number(w.y) || 0) + (Number(w.height) || 1)));
  const width = GRID_COLUMNS * column + 2 * margin;
  const height = header + rows * row + 2 * margin;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#f2f3f3"/>`,
    `<text x="${margin}" y="${margin + 16}" font-size="16" font-weight="bold" fill="#16191f">${escapeXml(title)}</text>`,
  ];
  for (const w of widgets) {
    const x = margin + (Number(w.x) || 0) * column;
    const y = margin + header + (Number(w.y) || 0) * row;
    const boxWidth = (Number(w.width) || 1) * column - 4;
    const boxHeight = (Number(w.height) || 1) * row - 4;
    const chars = Math.floor(boxWidth / 6.2);
    const properties = w.properties ?? {};
    if (w.type === 'text') {
      const text = String(properties.markdown ?? '').split('\n')[0].replace(/^#+\s*/, '');
      out.push(`<rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" fill="#e9ebed" stroke="#d1d5db"/>`,
        `<text x="${x + 8}" y="${y + Math.min(boxHeight - 6, 16)}" font-size="13" font-weight="bold" fill="#16191f">${escapeXml(clip(text, chars))}</text>`);
      continue;
    }
    const alarm = w.type === 'alarm';
    out.push(`<rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" fill="${alarm ? '#fdf3f1' : '#ffffff'}" stroke="${alarm ? '#d13212' : '#aab7b8'}"/>`,
      `<text x="${x + 8}" y="${y + 17}" font-size="12" font-weight="bold" fill="${alarm ? '#d13212' : '#16191f'}">${escapeXml(clip(String(properties.title ?? w.type), chars))}</text>`);
    if (w.type === 'metric' && boxHeight > 60) {
      // The graph's axes, below the metric names, so the box reads as a graph.
      const listed = widgetMetrics(w).length + (Array.isArray(properties.annotations?.horizontal) ? properties.annotations.horizontal.length : 0);
      const top = y + 33 + Math.min(listed, Math.floor((boxHeight - 26) / 13)) * 13;
      if (y + boxHeight - 10 - top > 12) {
        out.push(`<path d="M${x + 10} ${top} V${y + boxHeight - 10} H${x + boxWidth - 10}" fill="none" stroke="#d5dbdb"/>`);
      }
    }
    const lines: string[] = alarm
      ? (properties.alarms ?? []).map((a: string) => `● ${alarmLabel(String(a))}`)
      : w.type === 'metric'
        ? widgetMetrics(w).map((m) => `— ${m.label ?? m.expression ?? m.metricName}${m.label && m.metricName && m.label !== m.metricName ? ` (${m.metricName})` : ''}`
          + `${m.region && !String(m.region).startsWith('${') ? ` · ${m.region}` : ''}`)
        : [`(${w.type} widget)`];
    // Alarm thresholds drawn on a graph (horizontal annotations), first: they are what the graph is watched for.
    const thresholds: any[] = w.type === 'metric' && Array.isArray(properties.annotations?.horizontal) ? properties.annotations.horizontal : [];
    lines.unshift(...thresholds.map((a) => `┄ ${a.label ?? 'threshold'}: ${a.value}`));
    const fit = Math.max(0, Math.floor((boxHeight - 26) / 13));
    const columns = alarm ? Math.max(1, Math.min(4, Math.ceil(lines.length / Math.max(1, fit)))) : 1;
    const perColumn = Math.max(1, fit);
    const columnWidth = (boxWidth - 16) / columns;
    lines.slice(0, perColumn * columns).forEach((line, i) => {
      const c = Math.floor(i / perColumn);
      const r = i % perColumn;
      const shown = i === perColumn * columns - 1 && lines.length > perColumn * columns ? `… ${lines.length - i} more` : line;
      out.push(`<text x="${x + 8 + c * columnWidth}" y="${y + 33 + r * 13}" font-size="10.5" fill="${alarm || shown.startsWith('┄') ? '#d13212' : '#414d5c'}">`
        + `${escapeXml(clip(shown, Math.floor(columnWidth / 5.6)))}</text>`);
    });
  }
  out.push('</svg>', '');
  return out.join('\n');
}

function main(): void {
  const root = path.resolve(__dirname, '..');
  let dir = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'cdk.out');
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    // No assembly: synthesize the example as examples/synth-example.ts does, into a directory of our own.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-'));
    console.log(`No cloud assembly given: synthesizing examples/typescript (both pipelines) into ${dir}`);
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk'), [
      'synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', dir,
      '--context', 'account=111122223333', '--context', 'region=eu-west-1',
      '--context', 'ecom:backendPipeline=true', '--context', 'ecom:frontendPipelines=true',
    ], { cwd: path.join(root, 'examples', 'typescript'), stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
  }
  const stacks = assemblyStacks(dir);
  const alarmResources = stacks.flatMap((s) => Object.entries<any>(s.template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .map(([id, r]) => ({ stack: s.name, id, anomaly: typeof r.Properties?.ThresholdMetricId === 'string', name: r.Properties?.AlarmName })));
  let failed = false;
  let svgWritten = false;
  for (const stack of stacks) {
    for (const { logicalId, name } of dashboardsOf(stack.template)) {
      const body = dashboardDefinition(stack.template, stack.name, logicalId);
      const summary = dashboardSummary(body);
      const problems = dashboardProblems(body);
      const bytes = Buffer.byteLength(JSON.stringify(body), 'utf-8');
      console.log(`\nDashboard ${name ?? logicalId} (${stack.name})`);
      const rows: Array<[string, string]> = [
        ['Widgets', `${summary.widgets} (${Object.entries(summary.byType).map(([t, n]) => `${n} ${t}`).join(', ')})`],
        ['Metrics', String(summary.metrics)],
        ['Alarms on the status widget', String(summary.alarms.length)],
        ['Body size', `${bytes} bytes (limit ${MAX_BODY_BYTES})`],
        ['Problems', problems.length === 0 ? 'none' : String(problems.length)],
      ];
      rows.forEach(([k, v]) => console.log(`  ${k.padEnd(28)} ${v}`));
      summary.alarms.forEach((a: string) => console.log(`    ● ${alarmLabel(a)}`));
      problems.forEach((p) => console.log(`  ✗ ${p}`));
      failed ||= problems.length > 0;
      if (!svgWritten) {
        const file = path.join(root, 'docs', 'images', 'dashboard.svg');
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, dashboardSvg(body, `CloudWatch dashboard "${name ?? logicalId}" (${stack.name}), ${summary.widgets} widgets, ${summary.metrics} metrics`));
        console.log(`  wrote ${path.relative(process.cwd(), file)}`);
        svgWritten = true;
      }
    }
  }
  console.log(`\nAlarms in the templates: ${alarmResources.length} (${alarmResources.filter((a) => a.anomaly).length} anomaly detection)`);
  const byStack = new Map<string, number>();
  alarmResources.forEach((a) => byStack.set(a.stack, (byStack.get(a.stack) ?? 0) + 1));
  byStack.forEach((n, s) => console.log(`  ${s}: ${n}`));
  if (failed) {
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main();
}
