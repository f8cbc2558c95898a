import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LayerBuilder, LayerBundling, LayerSource } from '../src';
import { appCases, checkCompliance, describeCompliance } from './helpers/compliance';

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

function buildMatrix(app: App): Record<string, Stack> {
  return Object.fromEntries(Object.entries(MATRIX).map(([name, build], i) => {
    const stack = new Stack(app, `Case${i}`, { env: ENV });
    build(stack);
    return [name, stack];
  }));
}

describeCompliance('LayerBuilder', (context) => {
  const result = checkCompliance({ ...context, 'aws:cdk:bundling-stacks': [] }, buildMatrix, { beforeSynth: false });
  // The layers' findings: the stacks hold nothing else.
  return { ...result, cases: appCases(result, Object.keys(MATRIX).map((name) => ({ name, path: `${result.stacks[name].node.path}/Layers` }))) };
}, ({ templates }) => {
  test.each(Object.keys(MATRIX))('%s: the layers carry no cdk-nag acknowledgement (they pass without any)', (name) => {
    const acknowledged = Object.values(templates[name].Resources as Record<string, any>).filter((r) => r.Metadata?.cdk_nag);
    expect(acknowledged).toEqual([]);
  });

  test('the matrix publishes the layers it names (managed ones are not resources)', () => {
    expect(Object.keys(templates['E-Com67 layers'].Resources).filter((id) => id.startsWith('Layers'))).toHaveLength(4);
  });
});
