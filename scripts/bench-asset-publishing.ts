/**
 * Benchmark of the backend pipeline's asset publishing per push: plain `pipelines.CodePipeline` configured as
 * CdkBackendPipeline was before (publishAssetsInParallel: false, cdk-assets pinned: one cdk-assets process per asset,
 * `npm install -g` without cache) against CdkBackendPipeline now (one process per asset manifest, npm cache). Run by
 * hand, not a test:
 *
 *   npx ts-node --project test/tsconfig.json scripts/bench-asset-publishing.ts [--functions 1,10,30] [--no-time]
 *
 * For a backend stage of N Lambda functions (each its own file asset, inline code written to temp folders), in 1
 * environment (prod, account A) or 3 (dev and staging in account A, prod in account B, crossAccountKeys), it counts
 * per push, from the synthesized pipeline and the asset buildspecs CDK Pipelines writes into the cloud assembly:
 * CodeBuild builds of the Assets stage, cdk-assets installs (and whether npm's cache is kept), cdk-assets processes.
 *
 * With moto_server on the PATH, it also runs each asset buildspec's build commands, as written, against a local moto
 * S3/STS (AWS_ENDPOINT_URL), once to publish and then timed with every asset already published (a push that changed
 * no function): the wall time of the asset build's publishing commands, not of the CodeBuild build (no provisioning,
 * no install, no artifact download). cdk-assets is the pinned version, installed with npm into a temp folder, or
 * CDK_ASSETS_BIN (path to its bin/cdk-assets). Times are from this machine, loaded or not; compare rows, not clouds.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage, StageProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { CdkBackendPipeline } from '../src/cdk-backend-pipeline';

const CDK_ASSETS_VERSION = '4.7.3';
const ACCOUNT_A = '111122223333';
const ACCOUNT_B = '444455556666';
const REGION = 'eu-west-1';
const args = process.argv.slice(2);
const FUNCTIONS = (args.includes('--functions') ? args[args.indexOf('--functions') + 1] : '1,10,30').split(',').map(Number);
const ENVIRONMENTS: Record<number, Array<[string, string]>> = {
  1: [['Prod', ACCOUNT_A]],
  3: [['Dev', ACCOUNT_A], ['Staging', ACCOUNT_A], ['Prod', ACCOUNT_B]],
};
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-asset-publishing-'));

/** A backend stage of `functions` Lambda functions, each with its own code folder (its own file asset). */
class FunctionsStage extends Stage {
  constructor(scope: Construct, id: string, props: StageProps & { functions: number }) {
    super(scope, id, props);
    const stack = new Stack(this, 'Compute');
    for (let i = 0; i < props.functions; i++) {
      const dir = path.join(work, 'code', `fn${i}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'index.js'), `exports.handler = async () => ({ statusCode: 200, body: 'function ${i}' });\n`);
      new lambda.Function(stack, `Function${i}`, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(dir) });
    }
  }
}

interface Spec { readonly dir: string; readonly install: string[]; readonly build: string[] }
interface Row {
  readonly functions: number; readonly environments: number; readonly pipeline: string; readonly selectors: number;
  readonly builds: number; readonly installs: number; readonly cached: string; readonly processes: number; time?: string;
}

function synthesize(kind: 'before' | 'after', functions: number, environments: number): { row: Row; specs: Spec[] } {
  const outdir = path.join(work, `${kind}-${functions}-${environments}`);
  const app = new App({ outdir });
  const stack = new Stack(app, 'PipelineStack', { env: { account: ACCOUNT_A, region: REGION } });
  const crossAccount = environments > 1;
  const stages = ENVIRONMENTS[environments].map(([name, account]) => new FunctionsStage(app, name, { env: { account, region: REGION }, functions }));
  if (kind === 'after') {
    const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', crossAccountKeys: crossAccount || undefined });
    stages.forEach((stage) => pipeline.addStage(stage));
    pipeline.buildPipeline();
  } else {
    const pipeline = new pipelines.CodePipeline(stack, 'Pipeline', {
      crossAccountKeys: crossAccount,
      publishAssetsInParallel: false,
      cdkAssetsCliVersion: CDK_ASSETS_VERSION,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.codeCommit(codecommit.Repository.fromRepositoryName(stack, 'Repo', 'e-com67'), 'master'),
        commands: ['cdk synth'],
      }),
    });
    stages.forEach((stage) => pipeline.addStage(stage));
    pipeline.buildPipeline();
  }
  const template = Template.fromStack(stack).toJSON();
  const assembly = app.synth().directory;
  const resources: Record<string, any> = template.Resources;
  const pipelineResource = Object.values(resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  const assetActions = pipelineResource.Properties.Stages
    .filter((s: any) => s.Name === 'Assets' || s.Name.startsWith('Assets.'))
    .flatMap((s: any) => s.Actions).filter((a: any) => a.ActionTypeId.Provider === 'CodeBuild');
  const specs: Spec[] = [];
  let cached = 0;
  for (const action of assetActions) {
    const project = resources[action.Configuration.ProjectName.Ref];
    if (project.Properties.Cache?.Type && project.Properties.Cache.Type !== 'NO_CACHE') cached++;
    const spec = JSON.parse(fs.readFileSync(path.join(assembly, project.Properties.Source.BuildSpec), 'utf-8'));
    specs.push({ dir: assembly, install: spec.phases.install.commands, build: spec.phases.build.commands });
  }
  const selectors = new Set(specs.flatMap((s) => s.build.flatMap((c) => [...c.matchAll(/ "([^"]+:[^"]+)"/g)].map((m) => m[1]))));
  return {
    specs,
    row: {
      functions,
      environments,
      pipeline: kind === 'before' ? 'before: pipelines.CodePipeline' : 'after: CdkBackendPipeline',
      selectors: selectors.size,
      builds: assetActions.length,
      installs: specs.flatMap((s) => s.install).filter((c) => /cdk-assets@/.test(c)).length,
      cached: cached === assetActions.length ? 'yes' : cached === 0 ? 'no' : `${cached}/${assetActions.length}`,
      processes: specs.flatMap((s) => s.build).filter((c) => c.startsWith('cdk-assets ')).length,
    },
  };
}

/** cdk-assets at the pinned version: CDK_ASSETS_BIN, or installed with npm into a temp folder. */
function cdkAssetsBin(): string {
  if (process.env.CDK_ASSETS_BIN) return process.env.CDK_ASSETS_BIN;
  const prefix = path.join(work, 'cdk-assets');
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--prefer-offline', `cdk-assets@${CDK_ASSETS_VERSION}`], { stdio: 'ignore' });
  return path.join(prefix, 'node_modules', 'cdk-assets', 'bin', 'cdk-assets');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function startMoto(): Promise<{ child: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${endpoint}/moto-api/`);
      return { child, endpoint };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  child.kill();
  throw new Error('moto_server did not start');
}

/** Runs the buildspecs' build commands, as written, with cdk-assets from `bin`; seconds of wall time. */
function runBuilds(specs: Spec[], bin: string, env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  for (const spec of specs) {
    for (const command of spec.build) {
      // The commands quote every argument; --verbose logs to stderr, which is not kept.
      execFileSync('sh', ['-c', command.replace(/^cdk-assets /, `node "${bin}" `)], { cwd: spec.dir, env, stdio: 'ignore' });
    }
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const runs: Array<{ row: Row; specs: Spec[] }> = [];
  for (const environments of [1, 3]) {
    for (const functions of FUNCTIONS) {
      for (const kind of ['before', 'after'] as const) {
        const run = synthesize(kind, functions, environments);
        rows.push(run.row);
        runs.push(run);
      }
    }
  }
  let timed = 'not measured (--no-time)';
  if (!args.includes('--no-time')) {
    let moto: { child: ChildProcess; endpoint: string } | undefined;
    try {
      const bin = cdkAssetsBin();
      moto = await startMoto();
      const env = {
        ...process.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION, AWS_EC2_METADATA_DISABLED: 'true',
      };
      for (const account of [ACCOUNT_A, ACCOUNT_B]) {
        const response = await fetch(`${moto.endpoint}/cdk-hnb659fds-assets-${account}-${REGION}`, {
          method: 'PUT',
          body: `<CreateBucketConfiguration><LocationConstraint>${REGION}</LocationConstraint></CreateBucketConfiguration>`,
        });
        if (!response.ok) throw new Error(`moto: creating the staging bucket of ${account}: ${response.status}`);
      }
      for (const run of runs) {
        runBuilds(run.specs, bin, env); // publishes what is not there yet (the first push)
        const seconds = runBuilds(run.specs, bin, env); // every asset already published
        run.row.time = seconds.toFixed(1);
      }
      timed = `measured: the asset builds' build commands against moto_server (S3, STS), every asset already published, cdk-assets ${CDK_ASSETS_VERSION} on Node.js ${process.version}`;
    } catch (e) {
      timed = `not measured: ${(e as Error).message.split('\n')[0]}`;
    } finally {
      moto?.child.kill();
    }
  }

  const headers: Array<[keyof Row, string]> = [
    ['functions', 'functions'], ['environments', 'environments'], ['pipeline', 'asset publishing'], ['selectors', 'asset publications'],
    ['builds', 'CodeBuild builds (Assets)'], ['installs', 'cdk-assets installs'], ['cached', 'npm cache kept'],
    ['processes', 'cdk-assets processes'], ['time', 'unchanged publish, s'],
  ];
  const widths = headers.map(([key, title]) => Math.max(title.length, ...rows.map((r) => String(r[key] ?? '-').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(headers.map(([, title]) => title)));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(headers.map(([key]) => String(row[key] ?? '-'))));
  console.log(`\nPer push, counted from the synthesized pipeline and asset buildspecs. Wall time ${timed}.`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
