import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import { EcomPlatform, PlatformSource, SpaHosting, SpaPipeline, SpaSource } from '../src';

/** A checkout like E-Com67's: cdk.json at the root, two apps under frontends/, a folder without package.json. */
const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'app-path-'));
for (const app of ['frontends/admin-dashboard', 'frontends/customer-app', 'frontends/shared']) {
  fs.mkdirSync(path.join(repo, app), { recursive: true });
  fs.writeFileSync(path.join(repo, app, 'package.json'), '{}');
}
fs.mkdirSync(path.join(repo, 'docs'));
fs.mkdirSync(path.join(repo, 'frontends/admin-dashboard/node_modules/x'), { recursive: true });
fs.writeFileSync(path.join(repo, 'frontends/admin-dashboard/node_modules/x/package.json'), '{}');
fs.writeFileSync(path.join(repo, 'cdk.json'), '{}');
// The customer app uses the shared package (which uses a design package in turn) and a package from npm.
fs.writeFileSync(path.join(repo, 'frontends/customer-app/package.json'),
  JSON.stringify({ dependencies: { '@x/shared': 'file:../shared', 'react': '19.3.1' }, devDependencies: { outside: 'file:../../../elsewhere' } }));
fs.mkdirSync(path.join(repo, 'frontends/design'));
fs.writeFileSync(path.join(repo, 'frontends/design/package.json'), '{}');
fs.writeFileSync(path.join(repo, 'frontends/shared/package.json'), JSON.stringify({ dependencies: { '@x/design': '../design' } }));
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

function pipeline(appPath: string | undefined, context: Record<string, string> = { 'ecom:repositoryRoot': repo }) {
  const app = new App({ context });
  const stack = new Stack(app, 'Pipeline', { env: { account: '111122223333', region: 'eu-west-1' } });
  new SpaPipeline(stack, 'Shop', {
    hosting: new SpaHosting(stack, 'Hosting'),
    source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(stack, 'Repo', 'e-com67'), 'master'),
    appPath,
  });
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('appPathNotFound'));
}

describe('appPath is checked against the repository on disk', () => {
  test('a missing folder: a warning naming the prop, the value and the apps that exist', () => {
    const warnings = pipeline('frontend/customer-app');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/Pipeline/Shop');
    const message = String(warnings[0].entry.data);
    expect(message).toContain('`appPath` "frontend/customer-app": there is no folder');
    expect(message).toContain('folders with a package.json in the repository: frontends/admin-dashboard, frontends/customer-app, frontends/design, frontends/shared');
    expect(message).not.toContain('node_modules');
    expect(message).toContain('ecom:repositoryRoot');
    expect(message).toContain('[ack: cdk-ecom-platform:SpaPipeline.appPathNotFound]');
  });

  test('a folder without package.json: a warning', () => {
    const warnings = pipeline('docs');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toMatch(/`appPath` "docs": .*docs has no package.json/);
  });

  test('the app\'s folder: no warning', () => {
    expect(pipeline('frontends/customer-app')).toHaveLength(0);
    expect(pipeline('frontends/customer-app/')).toHaveLength(0);
  });

  test('synthesized outside the repository (no cdk.json here, no context): nothing is checked', () => {
    expect(fs.existsSync('cdk.json')).toBe(false);
    expect(pipeline('frontend/nowhere', {})).toHaveLength(0);
  });

  test('`cdk synth` in the checkout (cdk.json in the working folder) is the repository root', () => {
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      expect(pipeline('frontends/customer-app', {})).toHaveLength(0);
      expect(pipeline('frontend/customer-app', {})).toHaveLength(1);
    } finally {
      process.chdir(cwd);
    }
  });

  test('with a connection source, an app\'s pipeline also starts on changes to its local packages', () => {
    const app = new App({ context: { 'ecom:repositoryRoot': repo } });
    const platform = new EcomPlatform(app, 'Platform', {
      env: { account: '111122223333', region: 'eu-west-1' },
      frontendPipelines: true,
      source: PlatformSource.connection({ connectionArn: 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b', repository: 'e-com67/shop' }),
      frontends: [{ name: 'admin-dashboard', appPath: 'frontends/admin-dashboard' }, { name: 'customer-app', appPath: 'frontends/customer-app' }],
    });
    const filePaths = (i: number) => Object.values(Template.fromStack(platform.appPipelineStacks[i]).findResources('AWS::CodePipeline::Pipeline'))[0]
      .Properties.Triggers[0].GitConfiguration.Push[0].FilePaths.Includes;
    expect(filePaths(0)).toEqual(['frontends/admin-dashboard/**']);
    expect(filePaths(1)).toEqual(['frontends/customer-app/**', 'frontends/design/**', 'frontends/shared/**']);
  });

  test('through EcomPlatform: one warning per app, naming `frontends[i].appPath`, in every mode', () => {
    for (const frontendPipelines of [false, true]) {
      const app = new App({ context: { 'ecom:repositoryRoot': repo } });
      new EcomPlatform(app, 'Platform', {
        env: { account: '111122223333', region: 'eu-west-1' },
        frontendPipelines,
        source: PlatformSource.codeCommit(),
        frontends: [{ name: 'admin-dashboard', appPath: 'frontends/admin-dashboard' }, { name: 'customer-app', appPath: 'frontend/customer-app' }],
      });
      const warnings = app.synth().stacks.flatMap((s) => s.messages)
        .filter((m) => String(m.entry.data).includes('appPathNotFound'));
      expect(warnings.map((w) => String(w.entry.data).split(':')[0])).toEqual(['`frontends[1].appPath` "frontend/customer-app"']);
      expect(String(warnings[0].entry.data)).toContain('cdk-ecom-platform:EcomPlatform.appPathNotFound');
    }
  });
});
