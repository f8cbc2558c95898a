import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LayerBuilder, LayerBuilderProps, LayerBundling, LayerSource } from '../src';

// Real builds, from PyPI (pip's cache is fine): small packages, both architectures, no Docker.
const ENV = { account: '111122223333', region: 'eu-west-1' };
const FIXTURES = 'test/fixtures/layers';
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

/** A `python3` on PATH that logs every `python3 -m pip` run, then runs the real one. */
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-builder-build-'));
const pipLog = path.join(work, 'pip.log');
const dockerLog = path.join(work, 'docker.log');
const realPython = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf-8' }).stdout.trim();
const savedEnv = { PATH: process.env.PATH, CDK_DOCKER: process.env.CDK_DOCKER };

beforeAll(() => {
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'python3'),
    `#!/bin/sh\nif [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$*" >> '${pipLog}'; fi\nexec '${realPython}' "$@"\n`, { mode: 0o755 });
  // Local bundling must never touch Docker: any docker call is logged (and fails).
  fs.writeFileSync(path.join(bin, 'no-docker'), `#!/bin/sh\necho "$*" >> '${dockerLog}'\nexit 1\n`, { mode: 0o755 });
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
  process.env.CDK_DOCKER = path.join(bin, 'no-docker');
});

afterAll(() => {
  process.env.PATH = savedEnv.PATH;
  if (savedEnv.CDK_DOCKER === undefined) {
    delete process.env.CDK_DOCKER;
  } else {
    process.env.CDK_DOCKER = savedEnv.CDK_DOCKER;
  }
  fs.rmSync(work, { recursive: true, force: true });
});

const pipRuns = () => (fs.existsSync(pipLog) ? fs.readFileSync(pipLog, 'utf-8').trim().split('\n').length : 0);
const outdir = (name: string) => path.join(work, name);

/**
 * One `cdk synth`: a new app into `outdir`. CDK's in-process staging cache is cleared first, as a new synth
 * process starts without it: only what is in `outdir` can be reused.
 */
function synth(dir: string, props: LayerBuilderProps, context: Record<string, unknown> = {}) {
  AssetStaging.clearAssetHashCache();
  const app = new App({ outdir: dir, context });
  const stack = new Stack(app, 'Backend', { env: ENV });
  const builder = new LayerBuilder(stack, 'Layers', props);
  const assembly = app.synth();
  const artifact = assembly.getStackByName('Backend');
  const layers = Object.values(artifact.template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::LayerVersion');
  const hashes = Object.fromEntries(layers.map((l) => [l.Properties.LayerName, (l.Properties.Content.S3Key as string).replace(/\.zip$/, '')]));
  const staged = (name: string) => path.join(dir, `asset.${hashes[name]}`);
  const messages = artifact.messages.map((m) => `${m.level} ${m.id}: ${m.entry.data}`);
  return { builder, hashes, staged, messages };
}

/** One `cdk synth` that is expected to fail: layers are built at synth, after the constructor. */
function attempt(dir: string, props: LayerBuilderProps) {
  AssetStaging.clearAssetHashCache();
  const app = new App({ outdir: dir });
  try {
    new LayerBuilder(new Stack(app, 'Backend', { env: ENV }), 'Layers', props);
    app.synth();
  } catch (error) {
    return { error: error as Error };
  }
  return { error: undefined };
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)))
    .sort();
}

const sizeOf = (dir: string) => files(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
const elfMachine = (file: string) => fs.readFileSync(file).readUInt16LE(18);

const ARM_REQUIREMENTS = ['six==1.17.0', 'markupsafe==3.0.2'];
const x86Layers = () => [
  { name: 'libs-x86', source: LayerSource.fromRequirementsFile(`${FIXTURES}/requirements.txt`) },
  { name: 'utils', source: LayerSource.fromDirectory(`${FIXTURES}/utils`) },
];

describe('LayerBuilder builds real layers without Docker', () => {
  const cold = outdir('cdk.out');
  const bytecode = path.join(FIXTURES, 'utils', '__pycache__');
  let x86: ReturnType<typeof synth>;
  let arm: ReturnType<typeof synth>;
  let coldPipRuns: number;

  beforeAll(() => {
    // Bytecode next to the local package must not reach the layer.
    fs.mkdirSync(bytecode, { recursive: true });
    fs.writeFileSync(path.join(bytecode, 'money.cpython-312.pyc'), 'stale bytecode');
    try {
      const before = pipRuns();
      x86 = synth(cold, { layers: x86Layers() });
      arm = synth(cold, {
        architecture: lambda.Architecture.ARM_64,
        layers: [{ name: 'libs-arm', source: LayerSource.fromRequirements(ARM_REQUIREMENTS), importCheck: ['six'] }],
      });
      coldPipRuns = pipRuns() - before;
    } finally {
      fs.rmSync(bytecode, { recursive: true, force: true });
    }
  });

  test('a cold synth runs pip once per requirements layer and never Docker', () => {
    expect(coldPipRuns).toBe(2);
    expect(fs.existsSync(dockerLog)).toBe(false);
  });

  test('pip is called for the target platform, wheels only, into python/', () => {
    const [x86Run, armRun] = fs.readFileSync(pipLog, 'utf-8').trim().split('\n').slice(-2);
    for (const run of [x86Run, armRun]) {
      expect(run).toMatch(/^-m pip install .*--only-binary=:all: --implementation cp --python-version 3\.12 /);
      expect(run).toMatch(/--target \S+\/python -r \S+requirements\.txt$/);
    }
    expect(x86Run).toContain('--platform manylinux_2_34_x86_64');
    expect(x86Run).toContain('--platform manylinux2014_x86_64');
    expect(x86Run).not.toContain('aarch64');
    expect(armRun).toContain('--platform manylinux_2_17_aarch64');
    expect(armRun).not.toContain('x86_64');
  });

  test('x86_64: the pure-Python and the C-extension package under python/, the .so built for x86_64', () => {
    const contents = files(x86.staged('libs-x86'));
    expect(contents).toEqual(expect.arrayContaining([
      'python/six.py',
      'python/markupsafe/__init__.py',
      'python/markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so',
      expect.stringMatching(/^python\/six-1\.17\.0\.dist-info\/METADATA$/),
      expect.stringMatching(/^python\/markupsafe-3\.0\.2\.dist-info\/METADATA$/i),
    ]));
    expect(elfMachine(path.join(x86.staged('libs-x86'), 'python/markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so'))).toBe(EM_X86_64);
  });

  test('arm64: the .so is an aarch64 ELF', () => {
    const contents = files(arm.staged('libs-arm'));
    expect(contents).toEqual(expect.arrayContaining(['python/six.py', 'python/markupsafe/_speedups.cpython-312-aarch64-linux-gnu.so']));
    expect(contents.filter((f) => /x86_64/.test(f))).toEqual([]);
    expect(elfMachine(path.join(arm.staged('libs-arm'), 'python/markupsafe/_speedups.cpython-312-aarch64-linux-gnu.so'))).toBe(EM_AARCH64);
  });

  test('the local package is copied to python/utils/, without its bytecode', () => {
    expect(files(x86.staged('utils'))).toEqual(['python/utils/__init__.py', 'python/utils/money.py']);
  });

  test('no bytecode and no console scripts in any layer', () => {
    for (const dir of [x86.staged('libs-x86'), x86.staged('utils'), arm.staged('libs-arm')]) {
      const all = fs.readdirSync(dir, { recursive: true }).map(String);
      expect(all.filter((f) => /__pycache__|\.py[co]$/.test(f))).toEqual([]);
      expect(fs.existsSync(path.join(dir, 'python', 'bin'))).toBe(false);
    }
  });

  test('each layer\'s unzipped size is reported, and matches its files', () => {
    const size = sizeOf(x86.staged('libs-x86'));
    expect(size).toBeGreaterThan(10_000);
    expect(x86.builder.unzippedSize('libs-x86')).toBe(size);
    expect(x86.builder.unzippedSize('utils')).toBe(sizeOf(x86.staged('utils')));
    expect(arm.builder.unzippedSize('libs-arm')).toBe(sizeOf(arm.staged('libs-arm')));
    expect(x86.messages).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^info .*: Layer "libs-x86": ${(size / 1_048_576).toFixed(1)} MB unzipped, ${files(x86.staged('libs-x86')).length} files \\(python3\\.12, x86_64\\)$`)),
      expect.stringMatching(/^info .*: Layer "utils": 0\.0 MB unzipped, 2 files/),
    ]));
  });

  test('the import check is skipped with a note where this machine can\'t import arm64 wheels', () => {
    expect(arm.messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/^info .*: import check of six skipped: it needs CPython 3\.12 on Linux aarch64/),
    ]));
  });

  test('a warm synth into the same cdk.out runs pip zero times and gives identical hashes and sizes', () => {
    const before = pipRuns();
    const warmX86 = synth(cold, { layers: x86Layers() });
    const warmArm = synth(cold, { architecture: lambda.Architecture.ARM_64, layers: [{ name: 'libs-arm', source: LayerSource.fromRequirements(ARM_REQUIREMENTS) }] });
    expect(pipRuns() - before).toBe(0);
    expect(warmX86.hashes).toEqual(x86.hashes);
    expect(warmArm.hashes).toEqual(arm.hashes);
    expect(warmX86.builder.unzippedSize('libs-x86')).toBe(x86.builder.unzippedSize('libs-x86'));
    // Measured once, beside the staged layer: a warm synth reads that instead of walking the tree.
    const record = JSON.parse(fs.readFileSync(`${x86.staged('libs-x86')}.layer.json`, 'utf-8'));
    expect(record).toEqual({ recipe: 1, bytes: sizeOf(x86.staged('libs-x86')), files: files(x86.staged('libs-x86')).length });
  });

  test('a stack that is not being bundled builds nothing and keeps the same hashes', () => {
    const before = pipRuns();
    const skipped = synth(outdir('not-bundled'), { layers: x86Layers() }, { 'aws:cdk:bundling-stacks': ['Other'] });
    expect(pipRuns() - before).toBe(0);
    expect(skipped.hashes).toEqual(x86.hashes);
    expect(skipped.builder.unzippedSize('libs-x86')).toBeUndefined();
  });

  test('a changed requirement gives a new hash and one pip run; the unchanged layers keep theirs', () => {
    const before = pipRuns();
    const changed = synth(cold, {
      architecture: lambda.Architecture.ARM_64,
      layers: [{ name: 'libs-arm', source: LayerSource.fromRequirements(['six==1.16.0', 'markupsafe==3.0.2']) }],
    });
    const same = synth(cold, { layers: x86Layers() });
    expect(pipRuns() - before).toBe(1);
    expect(changed.hashes['libs-arm']).not.toBe(arm.hashes['libs-arm']);
    expect(fs.readdirSync(path.join(changed.staged('libs-arm'), 'python'))).toContain('six-1.16.0.dist-info');
    expect(same.hashes).toEqual(x86.hashes);
  });
});

describe('LayerBuilder build errors', () => {
  test('a requirement without a wheel for the target names the package and how to proceed', () => {
    const before = pipRuns();
    const { error } = attempt(outdir('sdist-only'), { layers: [{ name: 'cli', source: LayerSource.fromRequirements(['six==1.17.0', 'docopt==0.6.2']) }] });
    expect(pipRuns() - before).toBe(1);
    expect(error?.message).toMatch(/^Backend\/Layers: invalid `layers\[0\]\.source` \("docopt==0\.6\.2"\): pip found no wheel of docopt for CPython 3\.12 on manylinux x86_64 \(glibc <= 2\.34\): docopt publishes no such wheel \(only a source distribution\), or the name doesn't exist/);
    expect(error?.message).toContain('. Fix: pin a version of docopt that publishes a x86_64 manylinux wheel for cp312 or py3 (see https://pypi.org/project/docopt/#files), '
      + 'or set `bundling: LayerBundling.DOCKER` to build it from source in public.ecr.aws/sam/build-python3.12');
  });

  test('a pinned version that has no wheel lists the versions that do', () => {
    const { error } = attempt(outdir('no-such-version'), { layers: [{ name: 'six', source: LayerSource.fromRequirements(['six==99.0']) }] });
    expect(error?.message).toMatch(/invalid `layers\[0\]\.source` \("six==99\.0"\): pip found no wheel of six .*: versions of six with such a wheel: .*1\.17\.0/);
  });

  describe('size limits', () => {
    /** A local package whose one (sparse) file makes it `megabytes` big. */
    function bigPackage(megabytes: number): string {
      const dir = fs.mkdtempSync(path.join(FIXTURES, '.tmp-'));
      fs.mkdirSync(path.join(dir, 'big'));
      fs.writeFileSync(path.join(dir, 'big', '__init__.py'), '');
      const fd = fs.openSync(path.join(dir, 'big', 'data.bin'), 'w');
      fs.ftruncateSync(fd, megabytes * 1_048_576);
      fs.closeSync(fd);
      return dir;
    }

    test('a layer above 250 MB unzipped fails the synth', () => {
      const dir = bigPackage(251);
      const out = outdir('too-big');
      try {
        const { error } = attempt(out, { layers: [{ name: 'big', source: LayerSource.fromDirectory(`${dir}/big`) }] });
        expect(error?.message).toBe('Backend/Layers: invalid `layers[0]` ("big"): the layer is 251.0 MB unzipped, and Lambda allows 250 MB for a function and all its layers. '
          + 'Fix: split it into several layers, drop packages the runtime already has (boto3, botocore), or package the functions as container images');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(out, { recursive: true, force: true });
      }
    });

    test('a layer near the limit gets a warning, and layers that add up beyond it another', () => {
      const dir = bigPackage(201);
      const out = outdir('near-limit');
      try {
        const { messages } = synth(out, {
          layers: [
            { name: 'big', source: LayerSource.fromDirectory(`${dir}/big`) },
            { name: 'same', source: LayerSource.fromDirectory(`${dir}/big`) },
          ],
        });
        expect(messages.filter((m) => m.startsWith('warning'))).toEqual([
          expect.stringMatching(/^warning .*: Layer "big" is 201\.0 MB unzipped, near Lambda's 250 MB limit .* \[ack: cdk-ecom-platform:LayerBuilder\.nearSizeLimit\]$/),
          expect.stringMatching(/^warning .*: Layer "same" is 201\.0 MB unzipped, near .*\[ack: cdk-ecom-platform:LayerBuilder\.nearSizeLimit\]$/),
          expect.stringMatching(/^warning .*: The built layers add up to 402\.0 MB unzipped: a function can't use all of them.*\[ack: cdk-ecom-platform:LayerBuilder\.totalSizeOverLimit\]$/),
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  });
});

describe('LayerBuilder import check', () => {
  // A runtime this machine can import wheels for: its own python3's version, on its own architecture.
  const host = JSON.parse(spawnSync(realPython, ['-c', 'import json, platform, sys; print(json.dumps([sys.version_info[1], platform.machine()]))'], { encoding: 'utf-8' }).stdout);
  const [minor, machine] = host as [number, string];
  const usable = minor >= 10 && ['x86_64', 'aarch64'].includes(machine);
  const runtime = new lambda.Runtime(`python3.${minor}`, lambda.RuntimeFamily.PYTHON);
  const architecture = machine === 'aarch64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
  const maybe = usable ? test : test.skip;

  maybe('imports the modules from the built layer on a matching Python, and passes', () => {
    const { messages, builder } = synth(outdir('import-ok'), {
      runtime,
      architecture,
      layers: [{ name: 'checked', source: LayerSource.fromRequirementsFile(`${FIXTURES}/requirements.txt`), importCheck: ['six', 'markupsafe._speedups'] }],
    });
    expect(messages.filter((m) => /import check/.test(m))).toEqual([]);
    expect(builder.unzippedSize('checked')).toBeGreaterThan(0);
  });

  maybe('fails when a module is not in the layer, even if this machine has it', () => {
    // `json` is in every Python: found, but outside the layer.
    const { error } = attempt(outdir('import-outside'), {
      runtime, architecture, layers: [{ name: 'checked', source: LayerSource.fromRequirements(['six==1.17.0']), importCheck: ['six', 'json'] }],
    });
    expect(error?.message).toMatch(/^Backend\/Layers: invalid `layers\[0\]\.source` \("json"\): `import json` found it outside the layer \(\/\S+\): the layer doesn't contain it\. Fix: /);
  });

  maybe('fails when a module can\'t be imported', () => {
    const { error } = attempt(outdir('import-missing'), {
      runtime, architecture, layers: [{ name: 'checked', source: LayerSource.fromRequirements(['six==1.17.0']), importCheck: ['stripe'] }],
    });
    expect(error?.message).toMatch(/invalid `layers\[0\]\.source` \("stripe"\): `import stripe` failed with the built layer on python3\S*: ModuleNotFoundError: No module named 'stripe'\. Fix: add the missing requirement/);
  });
});

describe('LayerBuilder with Docker bundling', () => {
  const dockerArgs = path.join(work, 'docker-args.log');

  /** A stand-in for the docker CLI (CDK_DOCKER): logs its arguments and writes what a pip run would. */
  function fakeDocker(exitCode: number): string {
    const script = path.join(work, `fake-docker-${exitCode}`);
    fs.writeFileSync(script, `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(dockerArgs)}, JSON.stringify(args) + '\\n');
const output = args.find((a) => a.includes(':/asset-output')).split(':')[0];
fs.mkdirSync(output + '/python/fakepkg/__pycache__', { recursive: true });
fs.mkdirSync(output + '/python/bin', { recursive: true });
fs.writeFileSync(output + '/python/fakepkg/__init__.py', 'VERSION = 1\\n');
fs.writeFileSync(output + '/python/fakepkg/__pycache__/__init__.cpython-312.pyc', 'x');
fs.writeFileSync(output + '/python/bin/fake', '#!/usr/bin/python3');
process.exit(${exitCode});
`, { mode: 0o755 });
    return script;
  }

  afterEach(() => {
    process.env.CDK_DOCKER = path.join(work, 'bin', 'no-docker');
  });

  test('runs pip in the runtime\'s SAM build image for the architecture, with the index, and no pip on the host', () => {
    process.env.CDK_DOCKER = fakeDocker(0);
    fs.rmSync(dockerArgs, { force: true });
    const before = pipRuns();
    const { staged, builder } = synth(outdir('docker'), {
      bundling: LayerBundling.DOCKER,
      architecture: lambda.Architecture.ARM_64,
      pipIndexUrl: 'https://aws:token@shop-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/py/simple/',
      layers: [{ name: 'cli', source: LayerSource.fromRequirements(['docopt==0.6.2']), importCheck: ['docopt'] }],
    });
    expect(pipRuns() - before).toBe(0);
    const runs = fs.readFileSync(dockerArgs, 'utf-8').trim().split('\n').map((l) => JSON.parse(l) as string[]).filter((a) => a[0] === 'run');
    expect(runs).toHaveLength(1);
    const args = runs[0];
    expect(args.slice(args.indexOf('--platform'), args.indexOf('--platform') + 2)).toEqual(['--platform', 'linux/arm64']);
    expect(args).toContain('PIP_INDEX_URL=https://aws:token@shop-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/py/simple/');
    const image = args.indexOf('public.ecr.aws/sam/build-python3.12');
    expect(image).toBeGreaterThan(0);
    expect(args.slice(image + 1, image + 3)).toEqual(['bash', '-c']);
    const command = args[image + 3];
    expect(command).toMatch(/^python3 -m pip install --no-compile --progress-bar off -r \/asset-input\/requirements\.txt --target \/asset-output\/python && /);
    expect(command).not.toContain('--only-binary');
    expect(command).toMatch(/PYTHONPATH=\/asset-output\/python python3 -B -c 'import docopt'$/);
    // Tidied on the host too, whatever the image left behind.
    expect(files(staged('cli'))).toEqual(['python/fakepkg/__init__.py']);
    expect(builder.unzippedSize('cli')).toBe(12);
  });

  test('a failed Docker build is reported with the layer and how to proceed', () => {
    process.env.CDK_DOCKER = fakeDocker(1);
    const { error } = attempt(outdir('docker-fails'), {
      bundling: LayerBundling.DOCKER, layers: [{ name: 'cli', source: LayerSource.fromRequirements(['docopt==0.6.2']) }],
    });
    expect(error?.message).toMatch(/^Backend\/Layers: invalid `layers\[0\]\.source` \("docopt==0\.6\.2"\): the layer "cli" could not be built: .*docker.* Fix: read the Docker build output above/s);
  });

  test('a local package is copied on the host even in Docker mode', () => {
    process.env.CDK_DOCKER = fakeDocker(1);
    const { staged } = synth(outdir('docker-dir'), { bundling: LayerBundling.DOCKER, layers: [{ name: 'utils', source: LayerSource.fromDirectory(`${FIXTURES}/utils`) }] });
    expect(files(staged('utils'))).toEqual(['python/utils/__init__.py', 'python/utils/money.py']);
  });
});
