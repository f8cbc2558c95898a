import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LayerBuilder, LayerBundling, LayerSource } from '../src';
import { cfnLint } from './helpers/cfn-lint';
import { FLAG_CONTEXTS } from './helpers/contexts';
import { nagFindings } from './helpers/nag';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const FIXTURES = 'test/fixtures/layers';

/** The seed's five layers and the variations, one stack each. Templates don't depend on bundling: none runs. */
const MATRIX: Record<string, (stack: Stack) => void> = {
  'E-Com67 layers': (stack) => new LayerBuilder(stack, 'Layers', {
    layers: [
      { name: 'powertools', source: LayerSource.powertools() },
      { name: 'utils', source: LayerSource.fromDirectory(`${FIXTURES}/utils`) },
      { name: 'stripe', source: LayerSource.fromRequirements(['stripe==11.1.0']) },
      { name: 'opensearch', source: LayerSource.fromRequirements(['opensearch-py==3.2.0']) },
      { name: 'strands', source: LayerSource.fromRequirements(['strands-agents==1.62.0']) },
    ],
  }),
  'arm64 python3.13 from a file, destroyed on removal': (stack) => new LayerBuilder(stack, 'Layers', {
    runtime: lambda.Runtime.PYTHON_3_13,
    architecture: lambda.Architecture.ARM_64,
    removalPolicy: RemovalPolicy.DESTROY,
    layers: [{ name: 'libs', source: LayerSource.fromRequirementsFile(`${FIXTURES}/requirements.txt`), description: 'six and markupsafe' }],
  }),
  'Docker bundling': (stack) => new LayerBuilder(stack, 'Layers', {
    bundling: LayerBundling.DOCKER,
    layers: [{ name: 'powertools', source: LayerSource.powertools() }, { name: 'libs', source: LayerSource.fromRequirements(['six==1.17.0']) }],
  }),
};

describe.each(FLAG_CONTEXTS)('LayerBuilder compliance ($name)', ({ context }) => {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stacks: Record<string, Stack> = {};
  Object.entries(MATRIX).forEach(([name, build], i) => {
    stacks[name] = new Stack(app, `Case${i}`, { env: ENV });
    build(stacks[name]);
  });
  // Synth first: cdk-nag v2's Aspect leaves annotations that a later synth would report.
  const templates = Object.fromEntries(Object.entries(stacks).map(([name, stack]) => [name, Template.fromStack(stack).toJSON()]));
  const lint = cfnLint(templates);
  const nag = nagFindings(app);

  test.each(Object.keys(MATRIX))('%s: the layers pass cdk-nag v3 and v2 without acknowledgements', (name) => {
    const layers = `${stacks[name].node.path}/Layers/`;
    expect(nag.filter((f) => f.path.startsWith(layers))).toEqual([]);
    const acknowledged = Object.values(templates[name].Resources as Record<string, any>).filter((r) => r.Metadata?.cdk_nag);
    expect(acknowledged).toEqual([]);
  });

  test.each(Object.keys(MATRIX))('%s: no cfn-lint errors or unlisted warnings', (name) => {
    expect(lint.filter((f) => f.template.startsWith(name.replace(/[^\w.-]/g, '_')))).toEqual([]);
  });

  test('the matrix publishes the layers it names (managed ones are not resources)', () => {
    expect(Object.keys(templates['E-Com67 layers'].Resources).filter((id) => id.startsWith('Layers'))).toHaveLength(4);
  });
});
