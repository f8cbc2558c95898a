import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LayerBuilder, LayerBuilderProps, LayerSource } from '../src';
import { FLAG_CONTEXTS } from './helpers/contexts';

// Directory layers are copied, never pip-installed, so their contents are checked with a real (fast) synth.
// Requirements layers appear only in stacks that fail before any layer is built, or that are not bundled.
const ENV = { account: '111122223333', region: 'eu-west-1' };
const FIXTURES = 'test/fixtures/layers';
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-builder-layout-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)))
    .sort();
}

/** A directory under the fixtures (inside the app's directory), removed after the test. */
function scratch(layout: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(FIXTURES, '.tmp-'));
  for (const [file, text] of Object.entries(layout)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}
const scratchDirs: string[] = [];
afterEach(() => scratchDirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = (layout: Record<string, string>) => {
  const dir = scratch(layout);
  scratchDirs.push(dir);
  return dir;
};

describe('LayerSource.fromDirectory layouts', () => {
  /** Synthesizes one directory layer into its own cdk.out and returns the staged layer's files and hash. */
  function build(source: LayerSource) {
    AssetStaging.clearAssetHashCache();
    const outdir = fs.mkdtempSync(path.join(work, 'out-'));
    const app = new App({ outdir });
    new LayerBuilder(new Stack(app, 'Backend', { env: ENV }), 'Layers', { layers: [{ name: 'utils', source }] });
    const template = app.synth().getStackByName('Backend').template;
    const layer = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::LayerVersion');
    const hash = String(layer.Properties.Content.S3Key).replace(/\.zip$/, '');
    return { hash, files: files(path.join(outdir, `asset.${hash}`)), description: layer.Properties.Description as string };
  }

  test('a directory holding python/ is the layer\'s root: packaged as is, not nested again', () => {
    const { files: contents, description } = build(LayerSource.fromDirectory(`${FIXTURES}/lambda-layout`));
    expect(contents).toEqual(['python/utils/__init__.py', 'python/utils/money.py']);
    expect(description).toBe('local layer lambda-layout for python3.12 x86_64 (cdk-ecom-platform LayerBuilder)');
  });

  test('a layer root keeps its other top-level folders (lib/, bin/) and loses its bytecode', () => {
    const dir = tmp({
      'python/shop/__init__.py': '',
      'python/shop/__pycache__/__init__.cpython-312.pyc': 'bytecode',
      'lib/libshop.so.1': 'ELF',
    });
    expect(build(LayerSource.fromDirectory(dir)).files).toEqual(['lib/libshop.so.1', 'python/shop/__init__.py']);
  });

  test('a flat package folder is still copied to python/<name>/, with the hash it had before', () => {
    const { files: contents, hash } = build(LayerSource.fromDirectory(`${FIXTURES}/utils`));
    expect(contents).toEqual(['python/utils/__init__.py', 'python/utils/money.py']);
    // The hash is the S3 key of layers already deployed: a new one would publish a new layer version for nothing.
    expect(hash).toBe('d178be094cab1b2e890956e0503332613bd0011475c51b8169f4f0865b6b99b2');
  });

  test('a package with a subpackage named python stays a package', () => {
    const dir = tmp({ 'shop/__init__.py': '', 'shop/python/__init__.py': '' });
    expect(build(LayerSource.fromDirectory(`${dir}/shop`)).files).toEqual(['python/shop/__init__.py', 'python/shop/python/__init__.py']);
  });

  test('the same modules as a layer root and as a package hash differently; a layer root hashes by its files', () => {
    const root = build(LayerSource.fromDirectory(`${FIXTURES}/lambda-layout`)).hash;
    expect(root).not.toBe(build(LayerSource.fromDirectory(`${FIXTURES}/lambda-layout/python/utils`)).hash);
    const copy = tmp({});
    fs.cpSync(`${FIXTURES}/lambda-layout`, copy, { recursive: true });
    expect(build(LayerSource.fromDirectory(copy)).hash).toBe(root);
    fs.appendFileSync(`${copy}/python/utils/money.py`, '\n# changed\n');
    expect(build(LayerSource.fromDirectory(copy)).hash).not.toBe(root);
  });
});

describe('LayerSource.fromDirectory refuses what it would package wrongly', () => {
  function attempt(source: LayerSource) {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Test', { env: ENV });
    try {
      new LayerBuilder(stack, 'Layers', { layers: [{ name: 'layer', source }] });
    } catch (error) {
      // Nothing half-created: the rejected builder is not left in the tree.
      expect(stack.node.tryFindChild('Layers')).toBeUndefined();
      return (error as Error).message;
    }
    throw new Error('accepted');
  }

  test('a requirements file next to other files, with the layout it expected', () => {
    expect(attempt(LayerSource.fromDirectory(`${FIXTURES}/with-requirements`))).toBe(
      `Test/Layers: invalid \`layers[0].source\` ("${FIXTURES}/with-requirements"): the directory holds requirements.txt, and fromDirectory copies `
      + 'files without installing anything, so the layer would lack the requirements. '
      + `Fix: build the requirements with LayerSource.fromRequirementsFile("${FIXTURES}/with-requirements/requirements.txt"), in a layer of their own; `
      + 'give fromDirectory a folder of Python modules (copied to python/<packageName>/) or a folder laid out for Lambda (holding python/, '
      + 'packaged as is), without a requirements file in it');
  });

  test.each([
    [{ 'pyproject.toml': '[project]\nname = "shop"\n', 'shop/__init__.py': '' }, 'pyproject.toml', /Fix: build the requirements with LayerSource\.fromRequirementsFile with a requirements file listing/],
    [{ 'setup.py': 'from setuptools import setup\n', 'requirements-dev.txt': 'pytest==8.0.0\n', 'shop.py': '' }, 'requirements-dev.txt, setup.py', /fromRequirementsFile\(".*\/requirements-dev\.txt"\)/],
    [{ 'requirements.txt': 'stripe==11.1.0\n' }, 'requirements.txt', /fromRequirementsFile\(".*\/requirements\.txt"\)/],
  ])('%j: names %s', (layout, named, fix) => {
    const message = attempt(LayerSource.fromDirectory(tmp(layout)));
    expect(message).toContain(`the directory holds ${named}, and fromDirectory copies files`);
    expect(message).toMatch(fix);
  });

  test('a packageName for a layer root, whose packages keep their names', () => {
    expect(attempt(LayerSource.fromDirectory(`${FIXTURES}/lambda-layout`, { packageName: 'shared' }))).toBe(
      'Test/Layers: invalid `layers[0].source packageName` ("shared"): the directory holds python/, so it is the layer\'s root, packaged as is: '
      + 'its packages keep their names under python/. Fix: remove `packageName`, or point fromDirectory at the package directory inside python/ '
      + 'to copy it under that name');
  });
});

const CONTEXTS = [
  ...FLAG_CONTEXTS,
  { name: 'aspect stabilization off', context: { '@aws-cdk/core:aspectStabilization': false } },
  { name: 'aspect stabilization on', context: { '@aws-cdk/core:aspectStabilization': true } },
];

describe.each(CONTEXTS)('functions that take a layer they can\'t use ($name)', ({ context }) => {
  const STRIPE = () => LayerSource.fromRequirements(['stripe==11.1.0']);

  function app(props: Partial<LayerBuilderProps> = {}, source = STRIPE) {
    const stack = new Stack(new App({ context: { ...context, ...NO_BUNDLING } }), 'Test', { env: ENV });
    const layers = new LayerBuilder(stack, 'Layers', { layers: [{ name: 'powertools', source: LayerSource.powertools() }, { name: 'stripe', source: source() }], ...props });
    return { stack, layers };
  }
  function fn(stack: Stack, props: Partial<lambda.FunctionProps>, id = 'Payments') {
    return new lambda.Function(stack, id, {
      runtime: lambda.Runtime.PYTHON_3_12,
      handler: 'index.handler',
      code: lambda.Code.fromInline('def handler(event, context): return 1'),
      ...props,
    });
  }
  const synthError = (stack: Stack) => {
    try {
      Template.fromStack(stack);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('synthesized');
  };

  test('another runtime: the function, both runtimes and the fix, instead of aws-cdk-lib\'s "is not in [python3.12]"', () => {
    const { stack, layers } = app();
    // aws-cdk-lib no longer refuses it on the spot, in its own words.
    fn(stack, { runtime: lambda.Runtime.PYTHON_3_13, layers: [layers.layer('stripe')] });
    expect(synthError(stack)).toBe('Test/Payments: invalid `layers` ("stripe"): the layer "stripe" of Test/Layers is for python3.12, and this function runs python3.13. '
      + 'Fix: give the function the layer\'s runtime (runtime: python3.12), or build the layer for the function\'s runtime '
      + '(a LayerBuilder with `runtime: lambda.Runtime.PYTHON_3_13`)');
  });

  test('another architecture', () => {
    const { stack, layers } = app();
    fn(stack, { architecture: lambda.Architecture.ARM_64, layers: [layers.layer('stripe')] });
    expect(synthError(stack)).toBe('Test/Payments: invalid `layers` ("stripe"): the layer "stripe" of Test/Layers is for x86_64, and this function runs on arm64. '
      + 'Fix: give the function the layer\'s architecture (architecture: x86_64), or build the layer for the function\'s architecture '
      + '(a LayerBuilder with `architecture: lambda.Architecture.ARM_64`)');
  });

  test('a layer added later with addLayers, to a subclass of lambda.Function, and a directory layer', () => {
    class PaymentFunction extends lambda.Function {}
    const { stack, layers } = app({ architecture: lambda.Architecture.ARM_64 }, () => LayerSource.fromDirectory(`${FIXTURES}/utils`));
    const payments = new PaymentFunction(stack, 'Payments', {
      runtime: lambda.Runtime.PYTHON_3_12, architecture: lambda.Architecture.ARM_64, handler: 'index.handler', code: lambda.Code.fromInline('x = 1'),
    });
    payments.addLayers(layers.layer('stripe'));
    expect(() => Template.fromStack(stack)).not.toThrow();

    const other = app({ architecture: lambda.Architecture.ARM_64 }, () => LayerSource.fromDirectory(`${FIXTURES}/utils`));
    new PaymentFunction(other.stack, 'Payments', { runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.handler', code: lambda.Code.fromInline('x = 1') })
      .addLayers(other.layers.layer('stripe'));
    expect(synthError(other.stack)).toMatch(/^Test\/Payments: invalid `layers` \("stripe"\): the layer "stripe" of Test\/Layers is for arm64, and this function runs on x86_64\./);
  });

  test('the managed Powertools layer of a builder, checked like the built ones', () => {
    const { stack, layers } = app();
    fn(stack, { runtime: lambda.Runtime.PYTHON_3_13, layers: [layers.layer('powertools')] });
    expect(synthError(stack)).toMatch(/^Test\/Payments: invalid `layers` \("powertools"\): the layer "powertools" of Test\/Layers is for python3\.12, and this function runs python3\.13\. Fix: /);
  });

  test.each([
    ['runtime', 'arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27', { runtime: lambda.Runtime.PYTHON_3_13 },
      'is for python3.12, and this function runs python3.13'],
    ['architecture', 'arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27', {},
      'is for arm64, and this function runs on x86_64'],
  ])('a Powertools layer imported by its ARN: another %s', (_what, arn, props, problem) => {
    const { stack } = app();
    fn(stack, { ...props, layers: [lambda.LayerVersion.fromLayerVersionArn(stack, 'Powertools', arn)] });
    expect(synthError(stack)).toBe(`Test/Payments: invalid \`layers\` ("${arn}"): the AWS-managed Powertools layer ${arn.split(':')[6]} ${problem}. `
      + 'Fix: give the function the layer\'s ' + (_what === 'runtime' ? 'runtime (runtime: python3.12)' : 'architecture (architecture: arm64)')
      + ', or use the Powertools layer named for the function\'s runtime and architecture (LayerSource.powertools() in a LayerBuilder for them picks it)');
  });

  test('a function of another language is told to drop the layer', () => {
    const { stack, layers } = app();
    fn(stack, { runtime: lambda.Runtime.NODEJS_22_X, layers: [layers.layer('stripe')] });
    expect(synthError(stack)).toMatch(/this function runs nodejs22\.x\. Fix: give the function the layer's runtime \(runtime: python3\.12\), or remove the layer: it is a Python layer$/);
  });

  test('functions that match, other layers and other ARNs synthesize; the layer version still declares its runtime', () => {
    const { stack, layers } = app();
    fn(stack, {
      layers: [layers.layer('powertools'), layers.layer('stripe'),
        lambda.LayerVersion.fromLayerVersionArn(stack, 'Insights', 'arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:53')],
    });
    fn(stack, { runtime: lambda.Runtime.PYTHON_3_13, architecture: lambda.Architecture.ARM_64 }, 'Unrelated');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { LayerName: 'stripe', CompatibleRuntimes: ['python3.12'], CompatibleArchitectures: ['x86_64'] });
    expect(layers.layer('stripe').compatibleRuntimes).toBeUndefined();
  });
});

describe('a mismatch fails the synth before any layer is built', () => {
  const bin = path.join(work, 'bin');
  const pipLog = path.join(work, 'pip.log');
  const savedPath = process.env.PATH;
  beforeAll(() => {
    // Any pip run would be logged, and fail.
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'python3'), `#!/bin/sh\necho "$*" >> '${pipLog}'\nexit 1\n`, { mode: 0o755 });
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
  });
  afterAll(() => {
    process.env.PATH = savedPath;
  });

  test('no pip run and no layer staged, whichever builder the function\'s layer comes from', () => {
    AssetStaging.clearAssetHashCache();
    const outdir = fs.mkdtempSync(path.join(work, 'out-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Backend', { env: ENV });
    // The first builder is fine, and would be built first: its layers must not be.
    new LayerBuilder(stack, 'Layers', {
      layers: [
        { name: 'utils', source: LayerSource.fromDirectory(`${FIXTURES}/utils`) },
        { name: 'stripe', source: LayerSource.fromRequirements(['stripe==11.1.0']) },
      ],
    });
    const search = new LayerBuilder(stack, 'SearchLayers', { runtime: lambda.Runtime.PYTHON_3_13, layers: [{ name: 'search', source: LayerSource.fromRequirements(['opensearch-py==3.2.0']) }] });
    new lambda.Function(stack, 'Search', {
      runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.handler', code: lambda.Code.fromInline('x = 1'), layers: [search.layer('search')],
    });
    expect(() => app.synth()).toThrow(/^Backend\/Search: invalid `layers` \("search"\): the layer "search" of Backend\/SearchLayers is for python3\.13, and this function runs python3\.12\./);
    expect(fs.existsSync(pipLog)).toBe(false);
    expect(fs.readdirSync(outdir).filter((f) => f.startsWith('asset.'))).toEqual([]);
  });
});
