import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { BackendLanguage, CdkBackendPipeline } from '../src';

/*
 * A package committed to the app's repository (a wheel, an `npm pack` tarball) installs with the synth's default
 * install commands, as the README's "A package committed to the repository" says. The commands are taken from a
 * synthesized template (the synth project's buildspec) and run for real, from $CODEBUILD_SRC_DIR as CodeBuild runs
 * them. Left out: `npm install -g aws-cdk@<version>`, a global install from the npm registry that the test can't
 * and needn't do. Nothing touches AWS or a package index: the stand-in packages have no dependencies.
 */

const ENV = { account: '111122223333', region: 'eu-west-1' };
const WHEEL = 'cdk_ecom_platform-0.1.0-py3-none-any.whl';
const TARBALL = 'cdk-ecom-platform-0.1.0.tgz';

/** The synth's install commands for an app in `backend/`, from the synthesized template. */
function installCommands(language: BackendLanguage): string[] {
  const app = new App();
  const stack = new Stack(app, 'PipelineStack', { env: ENV });
  const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', language, appPath: 'backend' });
  const stage = new Stage(app, 'Prod', { env: ENV });
  new sns.Topic(new Stack(stage, 'Data'), 'Topic');
  pipeline.addStage(stage);
  pipeline.buildPipeline();
  const project = Object.values(Template.fromStack(stack).findResources('AWS::CodeBuild::Project'))
    .find((p: any) => String(p.Properties.Description).includes('/Build/Synth')) as any;
  return JSON.parse(project.Properties.Source.BuildSpec).phases.install.commands;
}

/** Runs `commands` in bash as one CodeBuild phase: from the source root, stopping at the first failure. */
function runPhase(commands: string[], sourceRoot: string, env: Record<string, string>) {
  return spawnSync('bash', ['-e', '-c', commands.join('\n')], {
    cwd: sourceRoot, env: { ...process.env, ...env, CODEBUILD_SRC_DIR: sourceRoot }, encoding: 'utf-8', timeout: 60_000,
  });
}

/**
 * A wheel of a stand-in `cdk_ecom_platform` 0.1.0 without dependencies, written with zipfile: `pip wheel` would
 * need setuptools and wheel from an index.
 */
function writeWheel(file: string): void {
  const script = `
import base64, hashlib, sys, zipfile
files = {
    "cdk_ecom_platform/__init__.py": "__version__ = '0.1.0'\\nVENDORED = True\\n",
    "cdk_ecom_platform-0.1.0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: cdk-ecom-platform\\nVersion: 0.1.0\\n",
    "cdk_ecom_platform-0.1.0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = []
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
    for name, text in files.items():
        wheel.writestr(name, text)
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append("cdk_ecom_platform-0.1.0.dist-info/RECORD,,")
    wheel.writestr("cdk_ecom_platform-0.1.0.dist-info/RECORD", "\\n".join(record) + "\\n")
`;
  execFileSync('python3', ['-c', script, file]);
}

describe('CdkBackendPipeline: a package committed to the repository installs with the default synth', () => {
  let tmp: string;
  beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vendored-')); });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('Python: a requirements.txt line ./wheels/<wheel> resolves in appPath and installs into a fresh venv', () => {
    const commands = installCommands(BackendLanguage.PYTHON);
    const runnable = commands.filter((c) => !c.startsWith('npm install -g '));
    expect(commands.filter((c) => !runnable.includes(c))).toEqual(['npm install -g aws-cdk@2.1148.1']);
    expect(runnable).toEqual(['cd "$CODEBUILD_SRC_DIR/backend"', 'pip install -r requirements.txt']);

    const repo = path.join(tmp, 'python-repo');
    const appDir = path.join(repo, 'backend');
    fs.mkdirSync(path.join(appDir, 'wheels'), { recursive: true });
    writeWheel(path.join(appDir, 'wheels', WHEEL));
    fs.writeFileSync(path.join(appDir, 'requirements.txt'), `./wheels/${WHEEL}\n`);
    // A fresh venv without a pip of its own (installing one takes longer than the rest of the test): the `pip` on
    // PATH installs into it (PIP_PYTHON is pip's --python). No pip.conf of this machine's (an index of its own, say).
    const venv = path.join(tmp, 'venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const env = { PIP_PYTHON: path.join(venv, 'bin', 'python'), PIP_CONFIG_FILE: os.devNull, PIP_DISABLE_PIP_VERSION_CHECK: '1' };

    // The path is relative to the working directory, not to requirements.txt: from the repository root it is not found.
    const fromRoot = runPhase(['pip install -r backend/requirements.txt'], repo, env);
    expect(fromRoot.status).not.toBe(0);
    expect(fromRoot.stdout + fromRoot.stderr).toMatch(/wheels\/cdk_ecom_platform-0\.1\.0-py3-none-any\.whl/);

    const phase = runPhase(runnable, repo, env);
    expect(phase.stderr).not.toMatch(/ERROR/);
    expect(phase.status).toBe(0);
    const imported = execFileSync(path.join(venv, 'bin', 'python'), ['-c', 'import cdk_ecom_platform as p; print(p.__version__, p.VENDORED)'],
      { encoding: 'utf-8' });
    expect(imported.trim()).toBe('0.1.0 True');
  });

  test('TypeScript: a "file:./vendor/<tarball>" dependency in package.json and its lock installs with npm ci', () => {
    const commands = installCommands(BackendLanguage.TYPESCRIPT);
    expect(commands).toEqual(['cd "$CODEBUILD_SRC_DIR/backend"', 'npm ci']);

    // npm's cache and user config of its own: no ~/.npmrc registry, no audit or update check over the network.
    const userconfig = path.join(tmp, 'npmrc');
    fs.writeFileSync(userconfig, '');
    const env = {
      npm_config_cache: path.join(tmp, 'npm-cache'),
      npm_config_userconfig: userconfig,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, env: { ...process.env, ...env }, encoding: 'utf-8', stdio: 'pipe' });

    const pkg = path.join(tmp, 'stand-in');
    fs.mkdirSync(pkg);
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'cdk-ecom-platform', version: '0.1.0', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), 'exports.VENDORED = true;\n');
    const repo = path.join(tmp, 'typescript-repo');
    const appDir = path.join(repo, 'backend');
    fs.mkdirSync(path.join(appDir, 'vendor'), { recursive: true });
    npm(['pack', '--pack-destination', path.join(appDir, 'vendor')], pkg);
    expect(fs.existsSync(path.join(appDir, 'vendor', TARBALL))).toBe(true);
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({
      name: 'backend', version: '1.0.0', private: true, dependencies: { 'cdk-ecom-platform': `file:./vendor/${TARBALL}` },
    }));
    // The lock file the team commits with it.
    npm(['install', '--package-lock-only'], appDir);

    const phase = runPhase(commands, repo, env);
    expect(phase.stderr).not.toMatch(/ERR!/);
    expect(phase.status).toBe(0);
    const imported = execFileSync('node', ['-e', 'console.log(require("cdk-ecom-platform").VENDORED)'], { cwd: appDir, encoding: 'utf-8' });
    expect(imported.trim()).toBe('true');
  });
});
