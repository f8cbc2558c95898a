import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LayerBuilder, LayerBuilderProps, LayerBundling, LayerSource } from '../src';
import { FLAG_CONTEXTS } from './helpers/contexts';

// Unit tests never run pip: the stacks are excluded from bundling, as `cdk deploy OtherStack` would do.
// The real builds are in layer-builder.build.test.ts.
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const ENV = { account: '111122223333', region: 'eu-west-1' };
const FIXTURES = 'test/fixtures/layers';
const STRIPE = () => LayerSource.fromRequirements(['stripe==11.1.0']);

describe.each(FLAG_CONTEXTS)('LayerBuilder ($name)', ({ context }) => {
  function synth(props: (stack: Stack) => LayerBuilderProps, env: { account?: string; region?: string } = ENV) {
    const stack = new Stack(new App({ context: { ...context, ...NO_BUNDLING } }), 'Test', { env });
    const builder = new LayerBuilder(stack, 'Layers', props(stack));
    let template: Template | undefined;
    // Synthesized on first use, so a test can still add to the stack first.
    return { stack, builder, get template() { return template ??= Template.fromStack(stack); } };
  }
  /** The S3 key of a layer's content is its asset hash. */
  const hashOf = (template: Template, layerName: string) => {
    const layers = template.findResources('AWS::Lambda::LayerVersion', { Properties: { LayerName: layerName } });
    expect(Object.keys(layers)).toHaveLength(1);
    return Object.values(layers)[0].Properties.Content.S3Key as string;
  };

  describe('defaults', () => {
    const { template, builder, stack } = synth(() => ({ layers: [{ name: 'stripe', source: STRIPE() }] }));

    test('one layer version for python3.12 on x86_64, named as given, with a description of its contents', () => {
      template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
      template.hasResourceProperties('AWS::Lambda::LayerVersion', {
        LayerName: 'stripe',
        CompatibleRuntimes: ['python3.12'],
        CompatibleArchitectures: ['x86_64'],
        Description: 'stripe==11.1.0 for python3.12 x86_64 (cdk-ecom-platform LayerBuilder)',
        Content: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$') },
      });
    });

    test('published versions are retained, so deployed functions keep theirs', () => {
      const layer = Object.values(template.findResources('AWS::Lambda::LayerVersion'))[0];
      expect(layer.DeletionPolicy).toBe('Retain');
      expect(layer.UpdateReplacePolicy).toBe('Retain');
    });

    test('hands the layer back by name, with the runtime and architecture to give functions', () => {
      expect(builder.layerNames).toEqual(['stripe']);
      expect(stack.resolve(builder.layer('stripe').layerVersionArn)).toEqual({ Ref: expect.stringMatching(/^Layersstripe[0-9A-F]{8}$/) });
      expect(builder.runtime).toBe(lambda.Runtime.PYTHON_3_12);
      expect(builder.architecture).toBe(lambda.Architecture.X86_64);
    });

    test('nothing is measured when the stack is not bundled', () => {
      expect(builder.unzippedSize('stripe')).toBeUndefined();
    });

    test('no warnings for pinned requirements', () => {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });

    test('an unknown name is refused with the names there are', () => {
      expect(() => builder.layer('strip')).toThrow('Test/Layers: invalid `name` ("strip"): no layer of this builder has that name. Fix: use one of "stripe"');
      expect(() => builder.unzippedSize('strip')).toThrow(/no layer of this builder/);
    });
  });

  describe('options', () => {
    test('arm64, python3.13, a description, DESTROY, and several layers in order', () => {
      const { template, builder } = synth(() => ({
        runtime: lambda.Runtime.PYTHON_3_13,
        architecture: lambda.Architecture.ARM_64,
        removalPolicy: RemovalPolicy.DESTROY,
        layers: [
          { name: 'utils', source: LayerSource.fromDirectory(`${FIXTURES}/utils`), description: 'E-Com67 shared helpers' },
          { name: 'e-com67_search', source: LayerSource.fromRequirementsFile(`${FIXTURES}/requirements.txt`) },
        ],
      }));
      expect(builder.layerNames).toEqual(['utils', 'e-com67_search']);
      template.resourceCountIs('AWS::Lambda::LayerVersion', 2);
      template.hasResourceProperties('AWS::Lambda::LayerVersion', {
        LayerName: 'utils', Description: 'E-Com67 shared helpers', CompatibleRuntimes: ['python3.13'], CompatibleArchitectures: ['arm64'],
      });
      template.hasResourceProperties('AWS::Lambda::LayerVersion', {
        LayerName: 'e-com67_search',
        Description: 'six==1.17.0, markupsafe==3.0.2 for python3.13 arm64 (cdk-ecom-platform LayerBuilder)',
      });
      for (const layer of Object.values(template.findResources('AWS::Lambda::LayerVersion'))) {
        expect(layer.DeletionPolicy).toBe('Delete');
      }
    });

    test('a long default description is cut to Lambda\'s 256 characters', () => {
      const requirements = Array.from({ length: 30 }, (_, i) => `package-number-${i}==1.0.${i}`);
      const { template } = synth(() => ({ layers: [{ name: 'many', source: LayerSource.fromRequirements(requirements) }] }));
      const description = Object.values(template.findResources('AWS::Lambda::LayerVersion'))[0].Properties.Description as string;
      expect(description).toHaveLength(256);
      expect(description).toMatch(/^package-number-0==1\.0\.0, .*\.\.\. for python3\.12 x86_64 \(cdk-ecom-platform LayerBuilder\)$/);
    });

    test('unpinned requirements get a warning naming them', () => {
      const { stack } = synth(() => ({ layers: [{ name: 'search', source: LayerSource.fromRequirements(['opensearch-py>=2', 'six==1.17.0', 'stripe']) }] }));
      const warnings = Annotations.fromStack(stack).findWarning('/Test/Layers', Match.stringLikeRegexp('unpinnedRequirement'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].entry.data).toMatch(/^Layer "search": opensearch-py>=2, stripe are not pinned to one version/);
    });

    test('a function can use the layers', () => {
      const { stack, builder } = synth(() => ({ layers: [{ name: 'powertools', source: LayerSource.powertools() }, { name: 'stripe', source: STRIPE() }] }));
      new lambda.Function(stack, 'Payments', {
        runtime: builder.runtime,
        architecture: builder.architecture,
        layers: [builder.layer('powertools'), builder.layer('stripe')],
        handler: 'index.handler',
        code: lambda.Code.fromInline('def handler(event, context): return 1'),
      });
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Layers: ['arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27', { Ref: Match.stringLikeRegexp('^Layersstripe') }],
        Runtime: 'python3.12',
      });
    });
  });

  describe('managed Powertools layer', () => {
    const arnFor = (props: Partial<LayerBuilderProps>, region: string, version?: number) => {
      const { stack, builder, template } = synth(() => ({ ...props, layers: [{ name: 'powertools', source: LayerSource.powertools({ version }) }] }),
        { account: '111122223333', region });
      template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
      return stack.resolve(builder.layer('powertools').layerVersionArn);
    };

    test.each([
      [{}, 'eu-west-1', undefined, 'arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27'],
      [{ architecture: lambda.Architecture.ARM_64 }, 'us-east-1', undefined, 'arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27'],
      [{ runtime: lambda.Runtime.PYTHON_3_13, architecture: lambda.Architecture.ARM_64 }, 'ap-southeast-7', 30,
        'arn:aws:lambda:ap-southeast-7:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:30'],
      [{ runtime: lambda.Runtime.PYTHON_3_10 }, 'ca-west-1', undefined, 'arn:aws:lambda:ca-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python310-x86_64:27'],
      [{ runtime: lambda.Runtime.PYTHON_3_14 }, 'sa-east-1', 3, 'arn:aws:lambda:sa-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-x86_64:3'],
    ])('%j in %s, version %s: %s', (props, region, version, arn) => {
      expect(arnFor(props, region, version)).toBe(arn);
    });

    test('in an environment-agnostic stack the ARN takes the deployment region', () => {
      const { stack, builder } = synth(() => ({ architecture: lambda.Architecture.ARM_64, layers: [{ name: 'powertools', source: LayerSource.powertools() }] }), {});
      expect(stack.resolve(builder.layer('powertools').layerVersionArn)).toEqual({
        'Fn::Sub': 'arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27',
      });
    });

    test('a region the documentation does not list gets a warning, not an error', () => {
      const { stack } = synth(() => ({ layers: [{ name: 'powertools', source: LayerSource.powertools() }] }), { region: 'ap-east-2' });
      const warnings = Annotations.fromStack(stack).findWarning('/Test/Layers', Match.stringLikeRegexp('powertoolsRegionUnverified'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].entry.data).toMatch(/^ap-east-2 is not among the regions/);
    });
  });

  describe('asset hashes follow the inputs only', () => {
    const hash = (props: Partial<LayerBuilderProps>, source = STRIPE) =>
      hashOf(synth(() => ({ ...props, layers: [{ name: 'stripe', source: source() }] })).template, 'stripe');
    const base = hash({});

    test('the same inputs give the same hash in another app', () => {
      expect(hash({})).toBe(base);
    });

    test('the description and removal policy are not inputs', () => {
      expect(hashOf(synth(() => ({ removalPolicy: RemovalPolicy.DESTROY, layers: [{ name: 'stripe', source: STRIPE(), description: 'x' }] })).template, 'stripe')).toBe(base);
    });

    test('comments and blank entries of requirements are not inputs', () => {
      expect(hash({}, () => LayerSource.fromRequirements(['  stripe==11.1.0   # payments']))).toBe(base);
    });

    test.each([
      ['a requirement', {}, () => LayerSource.fromRequirements(['stripe==11.2.0'])],
      ['the runtime', { runtime: lambda.Runtime.PYTHON_3_13 }, STRIPE],
      ['the architecture', { architecture: lambda.Architecture.ARM_64 }, STRIPE],
      ['the bundling mode', { bundling: LayerBundling.DOCKER }, STRIPE],
      ['the index', { pipIndexUrl: 'https://mirror.example.com/simple/' }, STRIPE],
    ])('%s changes the hash', (_what, props, source) => {
      expect(hash(props, source)).not.toBe(base);
    });

    test('the password of the index URL (a rotating token) is not an input', () => {
      const a = hash({ pipIndexUrl: 'https://aws:token-one@shop-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/py/simple/' });
      const b = hash({ pipIndexUrl: 'https://aws:token-two@shop-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/py/simple/' });
      expect(a).toBe(b);
      expect(a).not.toBe(base);
    });

    test('a requirements file hashes like the same list, and its -r includes count', () => {
      const file = hash({}, () => LayerSource.fromRequirementsFile(`${FIXTURES}/requirements.txt`));
      const including = hash({}, () => LayerSource.fromRequirementsFile(`${FIXTURES}/requirements-with-include.txt`));
      expect(file).not.toBe(including);
      const dir = fs.mkdtempSync(path.join(FIXTURES, '.tmp-'));
      try {
        fs.copyFileSync(`${FIXTURES}/requirements-with-include.txt`, `${dir}/main.txt`);
        fs.writeFileSync(`${dir}/requirements.txt`, 'six==1.17.0\nmarkupsafe==3.0.2\n');
        const same = hash({}, () => LayerSource.fromRequirementsFile(`${dir}/main.txt`));
        expect(same).toBe(including);
        fs.writeFileSync(`${dir}/requirements.txt`, 'six==1.16.0\nmarkupsafe==3.0.2\n');
        expect(hash({}, () => LayerSource.fromRequirementsFile(`${dir}/main.txt`))).not.toBe(including);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('a local package hashes by its files (not their location or bytecode) and its name', () => {
      const utils = () => LayerSource.fromDirectory(`${FIXTURES}/utils`);
      const original = hash({}, utils);
      expect(hash({}, () => LayerSource.fromDirectory(`${FIXTURES}/utils`, { packageName: 'shared' }))).not.toBe(original);
      const dir = fs.mkdtempSync(path.join(FIXTURES, '.tmp-'));
      try {
        fs.cpSync(`${FIXTURES}/utils`, `${dir}/utils`, { recursive: true });
        fs.mkdirSync(`${dir}/utils/__pycache__`);
        fs.writeFileSync(`${dir}/utils/__pycache__/money.cpython-312.pyc`, 'bytecode');
        fs.writeFileSync(`${dir}/utils/stale.pyc`, 'bytecode');
        expect(hash({}, () => LayerSource.fromDirectory(`${dir}/utils`))).toBe(original);
        fs.appendFileSync(`${dir}/utils/money.py`, '\n# changed\n');
        expect(hash({}, () => LayerSource.fromDirectory(`${dir}/utils`))).not.toBe(original);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('LayerBuilder rejects bad input at synth', () => {
  const PATH = 'Test/Layers';
  function attempt(props: (stack: Stack) => LayerBuilderProps, env: { account?: string; region?: string } = ENV) {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Test', { env });
    try {
      new LayerBuilder(stack, 'Layers', props(stack));
      return { stack, error: undefined };
    } catch (error) {
      return { stack, error: error as Error };
    }
  }
  const one = (source: LayerSource, extra: object = {}) => ({ layers: [{ name: 'layer', source, ...extra }] });
  const outside = path.join(os.tmpdir(), 'requirements.txt');

  const CASES: Array<[string, (stack: Stack) => LayerBuilderProps, string, RegExp]> = [
    ['a Node.js runtime', () => ({ runtime: lambda.Runtime.NODEJS_22_X, ...one(STRIPE()) }), 'runtime', /not a Python 3 runtime/],
    ['a deprecated Python runtime', () => ({ runtime: lambda.Runtime.PYTHON_3_9, ...one(STRIPE()) }), 'runtime', /deprecated/],
    ['Python 2.7', () => ({ runtime: lambda.Runtime.PYTHON_2_7, ...one(STRIPE()) }), 'runtime', /deprecated/],
    ['an unknown architecture', () => ({ architecture: lambda.Architecture.custom('riscv64'), ...one(STRIPE()) }), 'architecture', /x86_64 or arm64 only/],
    ['an index URL that is not http(s)', () => ({ pipIndexUrl: 'ftp://mirror.example.com/simple', ...one(STRIPE()) }), 'pipIndexUrl', /http\(s\) URL/],
    ['an index URL that is a token', () => ({ pipIndexUrl: Fn.importValue('IndexUrl'), ...one(STRIPE()) }), 'pipIndexUrl', /literal/],
    ['no layers', () => ({ layers: [] }), 'layers', /no layer to build/],
    ['a layer name with a dot', () => one(STRIPE(), { name: 'stripe.v11' }), 'layers[0].name', /letters, digits, hyphens and underscores/],
    ['a layer name with a space', () => one(STRIPE(), { name: 'stripe layer' }), 'layers[0].name', /letters, digits, hyphens and underscores/],
    ['an empty layer name', () => one(STRIPE(), { name: '' }), 'layers[0].name', /letters, digits/],
    ['a layer name over 140 characters', () => one(STRIPE(), { name: 'a'.repeat(141) }), 'layers[0].name', /at most 140 characters, this one has 141/],
    ['a duplicate layer name', () => ({ layers: [{ name: 'stripe', source: STRIPE() }, { name: 'stripe', source: LayerSource.powertools() }] }),
      'layers[1].name', /same name/],
    ['a description over 256 characters', () => one(STRIPE(), { description: 'd'.repeat(257) }), 'layers[0].description', /at most 256 characters, this one has 257/],
    ['an empty import check', () => one(STRIPE(), { importCheck: [] }), 'layers[0].importCheck', /empty list/],
    ['an import check of a package name', () => one(STRIPE(), { importCheck: ['opensearch-py'] }), 'layers[0].importCheck', /not Python module names/],
    ['an empty requirements list', () => one(LayerSource.fromRequirements([])), 'layers[0].source', /empty list of requirements/],
    ['a blank requirement', () => one(LayerSource.fromRequirements(['stripe==11.1.0', '  '])), 'layers[0].source', /not blank/],
    ['a requirement with a newline', () => one(LayerSource.fromRequirements(['stripe==11.1.0\nsix'])), 'layers[0].source', /one line/],
    ['a pip option as a requirement', () => one(LayerSource.fromRequirements(['--extra-index-url=https://x.example.com'])), 'layers[0].source', /pip options/],
    ['a token requirement', () => one(LayerSource.fromRequirements([Fn.importValue('Req')])), 'layers[0].source', /literal strings/],
    ['a missing requirements file', () => one(LayerSource.fromRequirementsFile(`${FIXTURES}/missing.txt`)), 'layers[0].source', /there is no requirements file at \/.*missing\.txt/],
    ['a requirements file outside the app', () => one(LayerSource.fromRequirementsFile(outside)), 'layers[0].source', /outside the app's directory/],
    ['a relative path leaving the app', () => one(LayerSource.fromRequirementsFile('../requirements.txt')), 'layers[0].source', /outside the app's directory/],
    ['a directory as requirements file', () => one(LayerSource.fromRequirementsFile(`${FIXTURES}/utils`)), 'layers[0].source', /is not a file/],
    ['a requirements file without requirements', () => one(LayerSource.fromRequirementsFile(`${FIXTURES}/comments-only.txt`)), 'layers[0].source', /names no package/],
    ['a missing directory', () => one(LayerSource.fromDirectory(`${FIXTURES}/missing`)), 'layers[0].source', /there is no package directory/],
    ['a directory outside the app', () => one(LayerSource.fromDirectory(os.tmpdir())), 'layers[0].source', /outside the app's directory/],
    ['a file as directory', () => one(LayerSource.fromDirectory(`${FIXTURES}/requirements.txt`)), 'layers[0].source', /is not a directory/],
    ['a directory without Python files', () => one(LayerSource.fromDirectory(`${FIXTURES}/docs-only`)), 'layers[0].source', /no \.py file/],
    ['a directory whose name is not an identifier', () => one(LayerSource.fromDirectory(`${FIXTURES}/e-com67-utils`)), 'layers[0].source', /not a Python identifier/],
    ['a package name that is not an identifier', () => one(LayerSource.fromDirectory(`${FIXTURES}/utils`, { packageName: 'my-utils' })), 'layers[0].source', /not a Python identifier/],
    ['Powertools for a runtime AWS does not publish it for', () => ({
      runtime: new lambda.Runtime('python3.15', lambda.RuntimeFamily.PYTHON), ...one(LayerSource.powertools()),
    }), 'layers[0].source', /python3\.9 to python3\.14, not python3\.15/],
    ['a Powertools version 0', () => one(LayerSource.powertools({ version: 0 })), 'layers[0].source version', /whole number from 1/],
    ['a fractional Powertools version', () => one(LayerSource.powertools({ version: 2.5 })), 'layers[0].source version', /whole number from 1/],
    ['a description on a managed layer', () => one(LayerSource.powertools(), { description: 'mine' }), 'layers[0]', /managed layer/],
    ['an import check on a managed layer', () => one(LayerSource.powertools(), { importCheck: ['aws_lambda_powertools'] }), 'layers[0]', /managed layer/],
    // As JavaScript or Python callers may pass them: the library's words, never a TypeError.
    ['no props', () => undefined as any, 'layers', /no layer to build/],
    ['layers as one object', () => ({ layers: { name: 'stripe', source: STRIPE() } as any }), 'layers', /it must be a list of layers/],
    ['a layer that is null', () => ({ layers: [null as any] }), 'layers[0]', /each layer is an object/],
    ['a runtime given as a string', () => ({ runtime: 'python3.12' as any, ...one(STRIPE()) }), 'runtime', /it must be a lambda.Runtime/],
    ['an architecture given as a string', () => ({ architecture: 'arm64' as any, ...one(STRIPE()) }), 'architecture', /it must be a lambda.Architecture/],
    ['Python 3.5, not in aws-cdk-lib\'s list', () => ({ runtime: new lambda.Runtime('python3.5', lambda.RuntimeFamily.PYTHON), ...one(STRIPE()) }), 'runtime', /deprecated/],
    ['an unknown removal policy', () => ({ removalPolicy: 'keep' as any, ...one(STRIPE()) }), 'removalPolicy', /not a value of RemovalPolicy/],
    ['a description that is a number', () => one(STRIPE(), { description: 7 }), 'layers[0].description', /it must be a string/],
    ['an import check given as a string', () => one(STRIPE(), { importCheck: 'stripe' }), 'layers[0].importCheck', /it must be a list/],
    ['requirements given as a string', () => one(LayerSource.fromRequirements('stripe==11.1.0' as any)), 'layers[0].source', /takes a list of requirements/],
    ['an index URL with a space', () => ({ pipIndexUrl: 'https://pypi.example.com/simple --trusted-host x', ...one(STRIPE()) }), 'pipIndexUrl', /http\(s\) URL/],
  ];

  const REGIONAL_CASES: Array<[string, string, (stack: Stack) => LayerBuilderProps, string, RegExp]> = [
    ['Powertools on arm64', 'ca-west-1', () => ({ architecture: lambda.Architecture.ARM_64, ...one(LayerSource.powertools()) }),
      'layers[0].source', /in ca-west-1 for x86_64 only/],
    ['Powertools', 'cn-north-1', () => one(LayerSource.powertools()), 'layers[0].source', /aws partition only; cn-north-1 is in aws-cn/],
    ['Powertools', 'us-gov-west-1', () => one(LayerSource.powertools()), 'layers[0].source', /us-gov-west-1 is in aws-us-gov/],
  ];

  // Every row has as many values as the callback has parameters: one more would make jest pass `done`.
  test.each([
    ...CASES.map(([name, props, prop, problem]) => [name, ENV.region, props, prop, problem] as const),
    ...REGIONAL_CASES.map(([name, region, props, prop, problem]) => [`${name} in ${region}`, region, props, prop, problem] as const),
  ])('%s', (_name, region, props, prop, problem) => {
    const { stack, error } = attempt(props, { region });
    expect(error).toBeDefined();
    const message = error!.message;
    expect(message.startsWith(`${PATH}: invalid \`${prop}\` (`)).toBe(true);
    expect(message).toMatch(problem);
    expect(message).toMatch(/\. Fix: \S/);
    // Nothing half-created: the rejected construct is not left in the tree.
    expect(stack.node.tryFindChild('Layers')).toBeUndefined();
  });

  test('a plain-HTTP index warns, with how to acknowledge it; localhost does not', () => {
    const warned = (pipIndexUrl: string) => {
      const stack = new Stack(new App({ context: NO_BUNDLING }), 'Test', { env: ENV });
      new LayerBuilder(stack, 'Layers', { pipIndexUrl, ...one(STRIPE()) });
      return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('insecureIndexUrl')).map((w) => String(w.entry.data));
    };
    const [warning] = warned('http://aws:secret@pypi.example.com/simple');
    expect(warning).toMatch(/plain HTTP.*acknowledgeWarning\('cdk-ecom-platform:LayerBuilder.insecureIndexUrl'/);
    expect(warning).not.toContain('secret');
    expect(warned('http://localhost:8080/simple')).toEqual([]);
  });

  test('the message shows the value received and how to fix it', () => {
    expect(attempt(() => ({ runtime: lambda.Runtime.NODEJS_22_X, ...one(STRIPE()) })).error?.message)
      .toBe('Test/Layers: invalid `runtime` ("nodejs22.x"): LayerBuilder builds Python layers, and this is not a Python 3 runtime. '
        + 'Fix: use a Python runtime such as lambda.Runtime.PYTHON_3_12 (the default)');
    expect(attempt(() => one(LayerSource.fromRequirementsFile('../requirements.txt'))).error?.message)
      .toContain('("../requirements.txt")');
    expect(attempt(() => ({ pipIndexUrl: 'ftp://aws:secret@mirror.example.com/simple', ...one(STRIPE()) })).error?.message)
      .not.toContain('secret');
  });

  test('relative paths resolve against the app\'s working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir(path.join(cwd, FIXTURES));
      expect(attempt(() => one(LayerSource.fromRequirementsFile('requirements.txt'))).error).toBeUndefined();
      expect(attempt(() => one(LayerSource.fromRequirementsFile(`${FIXTURES}/requirements.txt`))).error?.message).toMatch(/there is no requirements file/);
    } finally {
      process.chdir(cwd);
    }
  });

  test('an absolute path inside the app is accepted', () => {
    expect(attempt(() => one(LayerSource.fromDirectory(path.resolve(FIXTURES, 'utils')))).error).toBeUndefined();
  });
});
