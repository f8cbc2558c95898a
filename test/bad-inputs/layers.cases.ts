// LayerBuilder and LayerSource: layer names, runtimes, architectures, sources and pip options as a hostile-but-fair
// reviewer (or a JavaScript caller) would pass them. No stack is bundled, so no case runs pip or copies files.
import * as os from 'os';
import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BadInput, Expected, Observed, accepted, refused, synth, warned } from './case';
import { LayerBuilder, LayerBuilderProps, LayerSource } from '../../src';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const FIXTURES = 'test/fixtures/layers';
const STRIPE = () => LayerSource.fromRequirements(['stripe==11.1.0']);

/** A builder of `props` (a function, so that sources and runtimes are made inside the case). */
function builder(props: (stack: Stack) => unknown, region?: string) {
  return synth((stack, app) => {
    const target = region ? new Stack(app, 'Regional', { env: { account: '111122223333', region } }) : stack;
    new LayerBuilder(target, 'Layers', props(target) as LayerBuilderProps);
  }, NO_BUNDLING);
}

/** One layer `layer` of `source` with `extra` fields. */
const one = (source: () => unknown, extra: object = {}) => builder(() => ({ layers: [{ name: 'layer', source: source(), ...extra }] }));
/** The Stripe layer with these builder props. */
const stripe = (props: object) => builder(() => ({ ...props, layers: [{ name: 'stripe', source: STRIPE() }] }));

const l = (input: string, expect: Expected, observe: () => Observed): BadInput => ({ subject: 'LayerBuilder', input, expect, observe });

export const CASES: BadInput[] = [
  // Props and layers as JavaScript may pass them.
  l('no props (JavaScript)', refused('layers', /no layer/), builder(() => undefined)),
  l('layers: []', refused('layers', /no layer/), builder(() => ({ layers: [] }))),
  l('layers: one object, not a list', refused('layers', /list/), builder(() => ({ layers: { name: 'stripe', source: STRIPE() } }))),
  l('layers: [null]', refused('layers[0]'), builder(() => ({ layers: [null] }))),
  l('a layer without source', refused('layers[0].source'), builder(() => ({ layers: [{ name: 'stripe' }] }))),
  l("a layer whose source is 'stripe==11.1.0'", refused('layers[0].source'), builder(() => ({ layers: [{ name: 'stripe', source: 'stripe==11.1.0' }] }))),

  // Names.
  l("name: 'stripe.v11'", refused('layers[0].name'), one(STRIPE, { name: 'stripe.v11' })),
  l("name: ''", refused('layers[0].name'), one(STRIPE, { name: '' })),
  l("name: 'a'.repeat(141)", refused('layers[0].name', /140/), one(STRIPE, { name: 'a'.repeat(141) })),
  l("name: 'a'.repeat(140)", accepted(), one(STRIPE, { name: 'a'.repeat(140) })),
  l("name: 'str\\u00efpe' (non-ASCII)", refused('layers[0].name'), one(STRIPE, { name: 'strïpe' })),
  l('name: 42', refused('layers[0].name'), one(STRIPE, { name: 42 })),
  l('name: a token', refused('layers[0].name'), one(STRIPE, { name: Fn.importValue('LayerName') })),
  l('two layers named stripe', refused('layers[1].name', /same name/), builder(() => ({
    layers: [{ name: 'stripe', source: STRIPE() }, { name: 'stripe', source: LayerSource.powertools() }],
  }))),
  l("description: 'd'.repeat(257)", refused('layers[0].description', /256/), one(STRIPE, { description: 'd'.repeat(257) })),
  l('description: 7', refused('layers[0].description'), one(STRIPE, { description: 7 })),
  l("importCheck: 'stripe' (a string)", refused('layers[0].importCheck', /list/), one(STRIPE, { importCheck: 'stripe' })),
  l("importCheck: ['opensearch-py'] (a package name)", refused('layers[0].importCheck'), one(STRIPE, { importCheck: ['opensearch-py'] })),
  l('importCheck: []', refused('layers[0].importCheck'), one(STRIPE, { importCheck: [] })),

  // Runtimes, architectures, bundling and the index.
  l('runtime: NODEJS_22_X', refused('runtime', /Python/), stripe({ runtime: lambda.Runtime.NODEJS_22_X })),
  l('runtime: PYTHON_3_9', refused('runtime'), stripe({ runtime: lambda.Runtime.PYTHON_3_9 })),
  l("runtime: new Runtime('python3.5')", refused('runtime'), builder(() => ({
    runtime: new lambda.Runtime('python3.5', lambda.RuntimeFamily.PYTHON), layers: [{ name: 'stripe', source: STRIPE() }],
  }))),
  l("runtime: 'python3.12' (a string)", refused('runtime', /lambda.Runtime/), stripe({ runtime: 'python3.12' })),
  l('runtime: PYTHON_3_13, architecture: ARM_64', accepted(), stripe({ runtime: lambda.Runtime.PYTHON_3_13, architecture: lambda.Architecture.ARM_64 })),
  l("architecture: 'arm64' (a string)", refused('architecture', /lambda.Architecture/), stripe({ architecture: 'arm64' })),
  l("architecture: custom('riscv64')", refused('architecture'), stripe({ architecture: lambda.Architecture.custom('riscv64') })),
  l("bundling: 'PODMAN'", refused('bundling'), stripe({ bundling: 'PODMAN' })),
  l("removalPolicy: 'keep'", refused('removalPolicy'), stripe({ removalPolicy: 'keep' })),
  l('removalPolicy: DESTROY', accepted(), stripe({ removalPolicy: RemovalPolicy.DESTROY })),
  l("pipIndexUrl: 'ftp://mirror.example.com/simple'", refused('pipIndexUrl'), stripe({ pipIndexUrl: 'ftp://mirror.example.com/simple' })),
  l("pipIndexUrl: 'pypi.example.com/simple' (no scheme)", refused('pipIndexUrl'), stripe({ pipIndexUrl: 'pypi.example.com/simple' })),
  l('pipIndexUrl: with --trusted-host appended', refused('pipIndexUrl'), stripe({ pipIndexUrl: 'https://pypi.example.com/simple --trusted-host x' })),
  l('pipIndexUrl: a token', refused('pipIndexUrl'), stripe({ pipIndexUrl: Fn.importValue('IndexUrl') })),
  l("pipIndexUrl: 'http://pypi.example.com/simple'", warned('cdk-ecom-platform:LayerBuilder.insecureIndexUrl'), stripe({ pipIndexUrl: 'http://pypi.example.com/simple' })),
  l("pipIndexUrl: 'http://localhost:8080/simple'", accepted(), stripe({ pipIndexUrl: 'http://localhost:8080/simple' })),

  // Sources.
  l("fromRequirements('stripe==11.1.0') (a string)", refused('layers[0].source', /list/), one(() => LayerSource.fromRequirements('stripe==11.1.0' as any))),
  l('fromRequirements([])', refused('layers[0].source'), one(() => LayerSource.fromRequirements([]))),
  l("fromRequirements(['stripe'])", warned('cdk-ecom-platform:LayerBuilder.unpinnedRequirement'), one(() => LayerSource.fromRequirements(['stripe']))),
  l("fromRequirements(['--index-url=https://x'])", refused('layers[0].source', /pip options/), one(() => LayerSource.fromRequirements(['--index-url=https://x']))),
  l("fromRequirements(['stripe==11.1.0\\nsix'])", refused('layers[0].source'), one(() => LayerSource.fromRequirements(['stripe==11.1.0\nsix']))),
  l('fromRequirements([a token])', refused('layers[0].source'), one(() => LayerSource.fromRequirements([Fn.importValue('Req')]))),
  l('fromRequirementsFile of a missing file', refused('layers[0].source', /there is no requirements file/),
    one(() => LayerSource.fromRequirementsFile(`${FIXTURES}/missing.txt`))),
  l("fromRequirementsFile('../requirements.txt')", refused('layers[0].source', /outside/), one(() => LayerSource.fromRequirementsFile('../requirements.txt'))),
  l('fromRequirementsFile of a file in /tmp', refused('layers[0].source', /outside/), one(() => LayerSource.fromRequirementsFile(`${os.tmpdir()}/requirements.txt`))),
  l('fromRequirementsFile of a comments-only file', refused('layers[0].source', /names no package/),
    one(() => LayerSource.fromRequirementsFile(`${FIXTURES}/comments-only.txt`))),
  l("fromRequirementsFile('')", refused('layers[0].source'), one(() => LayerSource.fromRequirementsFile(''))),
  l('fromRequirementsFile with -r include', accepted(), one(() => LayerSource.fromRequirementsFile(`${FIXTURES}/requirements-with-include.txt`))),
  l('fromDirectory of a missing folder', refused('layers[0].source'), one(() => LayerSource.fromDirectory(`${FIXTURES}/missing`))),
  l('fromDirectory of a folder holding requirements.txt', refused('layers[0].source', /requirements/),
    one(() => LayerSource.fromDirectory(`${FIXTURES}/with-requirements`))),
  l('fromDirectory of a folder without .py files', refused('layers[0].source', /no \.py file/), one(() => LayerSource.fromDirectory(`${FIXTURES}/docs-only`))),
  l("fromDirectory of 'e-com67-utils' (not an identifier)", refused('layers[0].source', /identifier/), one(() => LayerSource.fromDirectory(`${FIXTURES}/e-com67-utils`))),
  l("fromDirectory packageName: 'my-utils'", refused('layers[0].source'), one(() => LayerSource.fromDirectory(`${FIXTURES}/utils`, { packageName: 'my-utils' }))),
  l('fromDirectory of a Lambda layout with packageName', refused('layers[0].source packageName'),
    one(() => LayerSource.fromDirectory(`${FIXTURES}/lambda-layout`, { packageName: 'utils' }))),
  l('powertools({ version: 0 })', refused('layers[0].source version'), one(() => LayerSource.powertools({ version: 0 }))),
  l('powertools({ version: 2.5 })', refused('layers[0].source version'), one(() => LayerSource.powertools({ version: 2.5 }))),
  l('powertools() with a description', refused('layers[0]', /managed layer/), one(() => LayerSource.powertools(), { description: 'mine' })),
  l('powertools() in cn-north-1', refused('layers[0].source', /aws partition/),
    builder(() => ({ layers: [{ name: 'powertools', source: LayerSource.powertools() }] }), 'cn-north-1')),
  l('powertools() on ARM_64 in ca-west-1', refused('layers[0].source', /x86_64 only/),
    builder(() => ({ architecture: lambda.Architecture.ARM_64, layers: [{ name: 'powertools', source: LayerSource.powertools() }] }), 'ca-west-1')),
  l('powertools() in a region the documentation does not list', warned('cdk-ecom-platform:LayerBuilder.powertoolsRegionUnverified'),
    builder(() => ({ layers: [{ name: 'powertools', source: LayerSource.powertools() }] }), 'us-west-9')),

  // Functions that take the layers, checked at synth before anything is built.
  l('a python3.13 function taking a python3.12 layer', refused('layers', /is for python3.12/), synth((stack) => {
    const layers = new LayerBuilder(stack, 'Layers', { layers: [{ name: 'stripe', source: STRIPE() }] });
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.PYTHON_3_13, handler: 'index.handler', code: lambda.Code.fromInline('def handler(e, c): pass'), layers: [layers.layer('stripe')],
    });
  }, NO_BUNDLING)),
  l('an arm64 function taking an x86_64 layer', refused('layers', /x86_64/), synth((stack) => {
    const layers = new LayerBuilder(stack, 'Layers', { layers: [{ name: 'stripe', source: STRIPE() }] });
    new lambda.Function(stack, 'Fn', {
      runtime: layers.runtime,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('def handler(e, c): pass'),
      layers: [layers.layer('stripe')],
    });
  }, NO_BUNDLING)),
  l("layer('stirpe') (unknown name)", refused('name', /no layer of this builder/), synth((stack) => {
    new LayerBuilder(stack, 'Layers', { layers: [{ name: 'stripe', source: STRIPE() }] }).layer('stirpe');
  }, NO_BUNDLING)),
];
