import * as path from 'path';
import {
  Annotations, AspectPriority, Aspects, AssetHashType, BundlingOptions, CfnResource, FileSystem, Lazy, RemovalPolicy, Stack, Stage,
  SymlinkFollowMode, Token,
} from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { LayerSource, LayerSpec } from './layer-source';
import { BoundLayerSource } from './private/layer-binding';
import {
  BUILD_RECIPE, dockerCommand, EXCLUDE, inputDirectory, isPinned, LAMBDA_UNZIPPED_LIMIT, LayerContents, LocalLayerBundling, megabytes,
  NEAR_LIMIT_SHARE, PipTarget, pipTarget, pipTargetArgs, sha256, stagedContents, withoutPassword,
} from './private/pip-bundling';
import { parsePowertoolsArn } from './private/powertools';
import { checkEnum } from './private/prop-types';
import { propError, validated } from './private/validation';

/**
 * Where a layer's packages are built.
 */
export enum LayerBundling {
  /**
   * On the machine that runs the synth, without Docker: `python3 -m pip install` with `--platform
   * manylinux..._<x86_64|aarch64> --only-binary=:all: --implementation cp --python-version 3.X --target
   * python/`. Works in a CDK pipeline synth step on a standard CodeBuild image without privileged mode.
   * Every requirement (and dependency) must publish a manylinux wheel for the runtime and architecture, or a
   * pure-Python (`py3-none-any`) wheel; local bundling names the package that has none.
   */
  LOCAL = 'LOCAL',

  /**
   * In the runtime's SAM build image (`public.ecr.aws/sam/build-python3.X`) for the architecture's Docker
   * platform, with plain `pip install`: packages that only publish source distributions are built there.
   * Needs a Docker engine (privileged CodeBuild in a pipeline), and QEMU for the other architecture.
   */
  DOCKER = 'DOCKER',
}

/**
 * Properties of a LayerBuilder.
 */
export interface LayerBuilderProps {
  /**
   * The layers to build (or use, for a managed layer), each with a unique name.
   */
  readonly layers: LayerSpec[];

  /**
   * The Python runtime every layer is built for and declared compatible with. A runtime AWS Lambda still
   * supports (python3.10 or newer). A function that takes one of the layers must run it: another runtime fails
   * the synth, naming the function, before any layer is built.
   *
   * @default lambda.Runtime.PYTHON_3_12
   */
  readonly runtime?: lambda.Runtime;

  /**
   * The instruction set every layer is built for and declared compatible with: x86_64 or arm64. A function that
   * takes one of the layers must run on it: another architecture fails the synth, naming the function.
   *
   * @default lambda.Architecture.X86_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Where requirements are built. Local packages (`fromDirectory`) are always copied locally.
   *
   * @default LayerBundling.LOCAL
   */
  readonly bundling?: LayerBundling;

  /**
   * Index that pip installs from, such as a CodeArtifact repository URL. A password in it (a CodeArtifact
   * token) is left out of the layers' hashes, so a new token doesn't rebuild them.
   *
   * @default - pip's own configuration (`PIP_INDEX_URL`, pip.conf), normally PyPI
   */
  readonly pipIndexUrl?: string;

  /**
   * What happens to a published layer version when it leaves the stack (a new version replaces it, or the
   * layer is removed). With RETAIN, functions deployed with an older version keep working.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Lambda's LayerName: letters, digits, `-` and `_`, 1 to 140 characters. */
const LAYER_NAME = /^[a-zA-Z0-9_-]{1,140}$/;
const MAX_DESCRIPTION = 256;
const DEPRECATED_PYTHON = ['python2.7', 'python3.6', 'python3.7', 'python3.8', 'python3.9'];
/** The oldest Python 3 minor version AWS Lambda still supports. */
const MIN_PYTHON_MINOR = 10;
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

interface Plan {
  readonly spec: LayerSpec;
  readonly index: number;
  readonly bound: BoundLayerSource;
}

/** A layer declared in the constructor, built at synth. */
interface PendingLayer extends Plan {
  readonly layerVersion: lambda.LayerVersion;
  readonly code: DeferredAssetCode;
  readonly bundler: LocalLayerBundling;
}

/**
 * Builds and publishes a set of named Python Lambda layers for one runtime and architecture, without Docker
 * by default, and hands each back as a `lambda.ILayerVersion` by name.
 *
 * A layer's asset hash is derived from its inputs (requirements text or package files, runtime, architecture,
 * pip options), never from build output: an unchanged layer keeps its hash, so it is not uploaded again and no
 * new layer version is published, and a synth into a `cdk.out` that already holds `asset.<hash>` runs no
 * pip at all. Stacks excluded from bundling (`cdk deploy OtherStack`) build nothing. Each built layer's
 * unzipped size is reported (an info annotation and `unzippedSize()`); a layer above Lambda's 250 MB limit
 * fails the synth, one above 80% of it gets a warning.
 *
 * Props are checked in the constructor; the layers are built at synth, once the app's functions have taken
 * them. Before any layer of the app is built, every function (`lambda.Function` and its subclasses) that takes a
 * layer of a LayerBuilder, or an AWS-managed Powertools v3 layer imported by ARN, is checked: a runtime or
 * architecture other than the layer's fails the synth with the function's path and the fix.
 *
 * @example
 * const layers = new LayerBuilder(this, 'Layers', {
 *   layers: [
 *     { name: 'powertools', source: LayerSource.powertools() },
 *     { name: 'utils', source: LayerSource.fromDirectory('backend/utils') },
 *     { name: 'stripe', source: LayerSource.fromRequirements(['stripe==11.1.0']), importCheck: ['stripe'] },
 *   ],
 * });
 * new lambda.Function(this, 'Payments', {
 *   runtime: layers.runtime,
 *   architecture: layers.architecture,
 *   layers: [layers.layer('powertools'), layers.layer('utils'), layers.layer('stripe')],
 *   handler: 'payments.handler',
 *   code: lambda.Code.fromAsset('backend/functions/payments'),
 * });
 */
export class LayerBuilder extends Construct {
  /** Names of the layers, in the order given. */
  public readonly layerNames: string[];

  /** The runtime the layers are built for: give it to the functions that use them. */
  public readonly runtime: lambda.Runtime;

  /** The architecture the layers are built for: give it to the functions that use them. */
  public readonly architecture: lambda.Architecture;

  private readonly layersByName = new Map<string, lambda.ILayerVersion>();
  private readonly sizes = new Map<string, LayerContents>();
  private readonly pending: PendingLayer[] = [];
  private readonly bundling: LayerBundling;
  private built = false;

  constructor(scope: Construct, id: string, props: LayerBuilderProps) {
    super(scope, id);
    // From JavaScript the props may be missing, and anything may be of another type: validate() says so.
    const given: LayerBuilderProps = props ?? ({} as LayerBuilderProps);
    this.runtime = given.runtime ?? lambda.Runtime.PYTHON_3_12;
    this.architecture = given.architecture ?? lambda.Architecture.X86_64;
    this.bundling = given.bundling ?? LayerBundling.LOCAL;
    this.layerNames = Array.isArray(given.layers) ? given.layers.map((l) => l?.name) : [];
    validated(this, () => this.declare(validate(this, given, this.runtime, this.architecture), given));
    // Not built here: functions take the layers after this constructor, and one that can't use them must fail
    // the synth before pip runs for any layer. Aspects run at synth, once the app's constructs exist.
    Aspects.of(this).add({
      visit: (node) => {
        if (node === this) {
          this.buildLayers();
        }
      },
    }, { priority: AspectPriority.MUTATING });
  }

  /**
   * The layer of this name.
   *
   * Its `compatibleRuntimes` is not set (the published layer version declares the runtime): LayerBuilder checks
   * the functions that take it at synth, in its own words, instead of aws-cdk-lib's check in `addLayers`.
   *
   * @param name a name from `layers`
   */
  public layer(name: string): lambda.ILayerVersion {
    const layer = this.layersByName.get(name);
    if (!layer) {
      throw propError(this, 'name', name, 'no layer of this builder has that name', `use one of ${this.layerNames.map((n) => `"${n}"`).join(', ')}`);
    }
    return layer;
  }

  /**
   * Unzipped size in bytes of a layer built in this synth (or reused from `cdk.out`); undefined for a managed
   * layer, before the app is synthesized, or when the stack is not bundled in this synth.
   *
   * @param name a name from `layers`
   */
  public unzippedSize(name: string): number | undefined {
    this.layer(name);
    return this.sizes.get(name)?.bytes;
  }

  /** Creates the layer versions, with their content still to build. */
  private declare(plans: Plan[], props: LayerBuilderProps): void {
    const target = pipTarget(pythonMinor(this.runtime)!, this.architecture.name, this.runtime.bundlingImage.image);
    for (const { spec, index, bound } of plans) {
      if (bound.managedLayerArn) {
        this.layersByName.set(spec.name, lambda.LayerVersion.fromLayerVersionArn(this, spec.name, bound.managedLayerArn));
        continue;
      }
      const { sourceDir, fingerprint, bundling, bundler } = this.bundlingFor(bound, {
        target, mode: this.bundling, indexUrl: props.pipIndexUrl, importModules: spec.importCheck ?? [],
      });
      const code = new DeferredAssetCode(sourceDir, { assetHash: fingerprint, assetHashType: AssetHashType.CUSTOM, bundling });
      const layerVersion = new lambda.LayerVersion(this, spec.name, {
        layerVersionName: spec.name,
        code,
        compatibleArchitectures: [this.architecture],
        description: spec.description ?? defaultDescription(bound.summary, this.runtime, this.architecture),
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      // Declared on the resource only: with `compatibleRuntimes` on the L2, aws-cdk-lib would refuse a function
      // of another runtime in its own words ("python3.9 is not in [python3.12]") before checkLayerUsers can.
      (layerVersion.node.defaultChild as lambda.CfnLayerVersion).compatibleRuntimes = [this.runtime.name];
      this.layersByName.set(spec.name, layerVersion);
      this.pending.push({ spec, index, bound, layerVersion, code, bundler });

      const unpinned = (bound.requirements ?? []).filter((r) => !isPinned(r));
      if (unpinned.length > 0) {
        Annotations.of(this).addWarningV2('cdk-ecom-platform:LayerBuilder.unpinnedRequirement',
          `Layer "${spec.name}": ${unpinned.join(', ')} ${unpinned.length === 1 ? 'is' : 'are'} not pinned to one version (name==version). `
          + 'The layer\'s hash covers the requirement text, so a new release is picked up only when the text changes, and two fresh builds may differ.');
      }
    }
  }

  /** At synth, once: checks the app's functions against every builder's layers, then builds this builder's. */
  private buildLayers(): void {
    if (this.built) {
      return;
    }
    checkLayerUsers(this.node.root);
    this.built = true;
    const bundled = Stack.of(this).bundlingRequired;
    let total = 0;
    for (const { spec, index, bound, layerVersion, code, bundler } of this.pending) {
      try {
        // CDK bundles when the asset is created: this runs pip (or copies the directory) unless cdk.out has it.
        code.build(layerVersion);
      } catch (error) {
        const failure = bundler.failure;
        if (failure) {
          throw propError(this, `layers[${index}].source`, failure.value, failure.problem, failure.fix);
        }
        throw propError(this, `layers[${index}].source`, bound.summary, `the layer "${spec.name}" could not be built: ${(error as Error).message}`,
          this.bundling === LayerBundling.DOCKER ? 'read the Docker build output above; check that Docker runs, and that the requirements build in the image'
            : 'read the output above');
      }
      for (const note of bundler.notes) {
        Annotations.of(layerVersion).addInfo(note);
      }
      if (bundled) {
        total += this.measure(layerVersion, spec, index).bytes;
      }
    }

    if (total > LAMBDA_UNZIPPED_LIMIT) {
      Annotations.of(this).addWarningV2('cdk-ecom-platform:LayerBuilder.totalSizeOverLimit',
        `The built layers add up to ${megabytes(total)} unzipped: a function can't use all of them, as Lambda allows 250 MB for a function and its layers together.`);
    }
  }

  private bundlingFor(bound: BoundLayerSource, how: { target: PipTarget; mode: LayerBundling; indexUrl?: string; importModules: string[] }) {
    const { target, mode, indexUrl, importModules } = how;
    const image = this.runtime.bundlingImage;
    if (bound.directory) {
      const fingerprint = sha256(JSON.stringify({
        recipe: BUILD_RECIPE,
        // The same files land elsewhere in a layer root than in a package: its own kind, so a folder that was
        // copied nested (python/<name>/python/...) before layer roots were recognized gets a new hash and a new
        // layer version. A package's inputs are unchanged, and so is its hash.
        kind: bound.packageName === undefined ? 'layer-root' : 'directory',
        packageName: bound.packageName,
        files: FileSystem.fingerprint(bound.directory, { exclude: EXCLUDE, follow: SymlinkFollowMode.ALWAYS }),
      }));
      const bundler = new LocalLayerBundling({
        directory: bound.directory, packageName: bound.packageName, target, importCheck: importModules, fingerprint,
      });
      const bundling: BundlingOptions = { image, local: bundler };
      return { sourceDir: bound.directory, fingerprint, bundling, bundler };
    }

    const fingerprint = sha256(JSON.stringify({
      recipe: BUILD_RECIPE,
      kind: 'pip',
      bundling: mode,
      runtime: this.runtime.name,
      architecture: this.architecture.name,
      requirements: bound.requirementsText,
      pip: mode === LayerBundling.LOCAL ? pipTargetArgs(target) : [],
      indexUrl: indexUrl === undefined ? undefined : withoutPassword(indexUrl),
    }));
    const listDir = bound.requirementsFile ? undefined : inputDirectory(fingerprint, bound.requirementsText!);
    const requirementsFile = bound.requirementsFile ?? path.join(listDir!, 'requirements.txt');
    const sourceDir = path.dirname(requirementsFile);
    const bundler = new LocalLayerBundling({ requirementsFile, target, indexUrl, importCheck: importModules, fingerprint });
    if (mode === LayerBundling.DOCKER) {
      const environment: Record<string, string> = { HOME: '/tmp', PIP_CACHE_DIR: '/tmp/pip-cache', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
      if (indexUrl !== undefined) {
        // CDK leaves the password of PIP_INDEX_URL out of the bundling hash.
        environment.PIP_INDEX_URL = indexUrl;
      }
      const bundling: BundlingOptions = {
        image,
        platform: this.architecture.dockerPlatform,
        command: dockerCommand(`/asset-input/${path.basename(requirementsFile)}`, importModules),
        environment,
      };
      return { sourceDir, fingerprint, bundling, bundler };
    }
    return { sourceDir, fingerprint, bundling: { image, local: bundler } as BundlingOptions, bundler };
  }

  /** Size of the staged layer (tidied of bytecode the first time), reported and checked against the limit. */
  private measure(layerVersion: lambda.LayerVersion, spec: LayerSpec, index: number): LayerContents {
    const asset = layerVersion.node.findChild('Code') as s3assets.Asset;
    const stage = Stage.of(Stack.of(this))!;
    const contents = stagedContents(path.resolve(stage.outdir, asset.assetPath));
    this.sizes.set(spec.name, contents);
    Annotations.of(layerVersion).addInfo(`Layer "${spec.name}": ${megabytes(contents.bytes)} unzipped, ${contents.files} files (${this.runtime.name}, ${this.architecture.name})`);
    if (contents.bytes > LAMBDA_UNZIPPED_LIMIT) {
      throw propError(this, `layers[${index}]`, spec.name,
        `the layer is ${megabytes(contents.bytes)} unzipped, and Lambda allows 250 MB for a function and all its layers`,
        'split it into several layers, drop packages the runtime already has (boto3, botocore), or package the functions as container images');
    }
    if (contents.bytes > NEAR_LIMIT_SHARE * LAMBDA_UNZIPPED_LIMIT) {
      Annotations.of(this).addWarningV2('cdk-ecom-platform:LayerBuilder.nearSizeLimit',
        `Layer "${spec.name}" is ${megabytes(contents.bytes)} unzipped, near Lambda's 250 MB limit for a function and all its layers together.`);
    }
    return contents;
  }
}

/**
 * A layer's content, built at synth: the asset is created (and CDK bundles it) only when LayerBuilder builds its
 * layers, after the functions are checked. Until then the layer's S3 location is a token.
 */
class DeferredAssetCode extends lambda.Code {
  public readonly isInline = false;
  private asset?: s3assets.Asset;
  private resource?: CfnResource;

  constructor(private readonly assetPath: string, private readonly options: s3assets.AssetOptions) {
    super();
  }

  public bind(_scope: Construct): lambda.CodeConfig {
    return {
      s3Location: {
        bucketName: Lazy.string({ produce: () => this.builtAsset().s3BucketName }),
        objectKey: Lazy.string({ produce: () => this.builtAsset().s3ObjectKey }),
      },
    };
  }

  public bindToResource(resource: CfnResource): void {
    this.resource = resource;
  }

  /** Creates the asset under `scope` with the ID `Code.fromAsset` would give it, which builds the layer. */
  public build(scope: Construct): void {
    this.asset = new s3assets.Asset(scope, 'Code', { path: this.assetPath, deployTime: true, ...this.options });
    if (this.resource) {
      this.asset.addResourceMetadata(this.resource, 'Content');
    }
  }

  private builtAsset(): s3assets.Asset {
    if (!this.asset) {
      throw new Error('LayerBuilder builds its layers at synth: a layer\'s S3 location is known once the app is synthesized');
    }
    return this.asset;
  }
}

/** What a function that takes a layer must run, and how to name the layer in a message. */
interface LayerTarget {
  /** `layer "stripe" of Backend/Layers` */
  readonly label: string;
  /** The value shown in the message: the layer's name, or its ARN. */
  readonly value: string;
  readonly runtime: string;
  readonly architecture: string;
  /** Imported by its ARN, not from a LayerBuilder. */
  readonly imported: boolean;
}

/** The layers a function has taken (props and `addLayers`); aws-cdk-lib keeps them in an internal box. */
function layersOf(fn: lambda.Function): lambda.ILayerVersion[] {
  // If a later aws-cdk-lib renames the field, nothing is checked rather than something wrongly refused.
  return Array.from((fn as { _layers?: Iterable<lambda.ILayerVersion> })._layers ?? []);
}

/**
 * Checks every function of the app that takes a layer of a LayerBuilder, or an AWS-managed Powertools v3 layer
 * imported by its ARN (which names its Python version and architecture): it must run the layer's runtime and
 * architecture, whose native code (pydantic-core, markupsafe...) loads nowhere else. Runs before any layer of
 * the app is built, so a mismatch costs no pip run.
 */
function checkLayerUsers(root: IConstruct): void {
  const constructs = root.node.findAll();
  const ours = new Map<lambda.ILayerVersion, LayerTarget>();
  for (const builder of constructs) {
    if (builder instanceof LayerBuilder) {
      for (const name of builder.layerNames) {
        ours.set(builder.layer(name), {
          label: `layer "${name}" of ${builder.node.path}`,
          value: name,
          runtime: builder.runtime.name,
          architecture: builder.architecture.name,
          imported: false,
        });
      }
    }
  }
  for (const fn of constructs) {
    if (!(fn instanceof lambda.Function)) {
      continue;
    }
    for (const layer of layersOf(fn)) {
      const target = ours.get(layer) ?? managedPowertoolsTarget(layer);
      if (!target) {
        continue;
      }
      const runtime = fn.runtime.name;
      if (!Token.isUnresolved(runtime) && runtime !== target.runtime) {
        const python = pythonMinor(fn.runtime) !== undefined;
        throw propError(fn, 'layers', target.value, `the ${target.label} is for ${target.runtime}, and this function runs ${runtime}`,
          `give the function the layer's runtime (runtime: ${target.runtime}), or `
          + (python ? layerFor(target, 'runtime', `runtime: lambda.Runtime.${runtimeConstant(runtime)}`) : 'remove the layer: it is a Python layer'));
      }
      const architecture = fn.architecture.name;
      if (architecture !== target.architecture) {
        throw propError(fn, 'layers', target.value, `the ${target.label} is for ${target.architecture}, and this function runs on ${architecture}`,
          `give the function the layer's architecture (architecture: ${target.architecture}), or `
          + layerFor(target, 'architecture', `architecture: lambda.Architecture.${architecture === 'arm64' ? 'ARM_64' : 'X86_64'}`));
      }
    }
  }
}

/** A Powertools layer imported by a literal ARN, as the runtime and architecture it names. */
function managedPowertoolsTarget(layer: lambda.ILayerVersion): LayerTarget | undefined {
  const arn = layer.layerVersionArn;
  const parsed = Token.isUnresolved(arn) ? undefined : parsePowertoolsArn(arn);
  if (!parsed) {
    return undefined;
  }
  return {
    label: `AWS-managed Powertools layer ${parsed.layerName}`,
    value: arn,
    runtime: `python3.${parsed.minor}`,
    architecture: parsed.architecture,
    imported: true,
  };
}

/** The other half of a mismatch's fix: the layer for the function's runtime or architecture (`what`). */
function layerFor(target: LayerTarget, what: string, setting: string): string {
  return target.imported
    ? 'use the Powertools layer named for the function\'s runtime and architecture (LayerSource.powertools() in a LayerBuilder for them picks it)'
    : `build the layer for the function's ${what} (a LayerBuilder with \`${setting}\`)`;
}

/** `PYTHON_3_13` for python3.13, as aws-cdk-lib names the constant. */
function runtimeConstant(runtime: string): string {
  return runtime.replace(/^python3\./, 'PYTHON_3_');
}

/** Python minor version of a `python3.X` runtime, or undefined for any other runtime. */
function pythonMinor(runtime: lambda.Runtime): number | undefined {
  const match = /^python3\.(\d+)$/.exec(runtime.name);
  return runtime.family === lambda.RuntimeFamily.PYTHON && match ? Number(match[1]) : undefined;
}

function defaultDescription(summary: string, runtime: lambda.Runtime, architecture: lambda.Architecture): string {
  const suffix = ` for ${runtime.name} ${architecture.name} (cdk-ecom-platform LayerBuilder)`;
  const room = MAX_DESCRIPTION - suffix.length;
  return `${summary.length > room ? `${summary.slice(0, room - 3)}...` : summary}${suffix}`;
}

/** Every check runs before a single child is created, so a bad prop leaves nothing half-built. */
function validate(scope: Construct, props: LayerBuilderProps, runtime: lambda.Runtime, architecture: lambda.Architecture): Plan[] {
  if (!(runtime instanceof lambda.Runtime)) {
    throw propError(scope, 'runtime', runtime, 'it must be a lambda.Runtime', 'use lambda.Runtime.PYTHON_3_12 (the default) or another Python runtime');
  }
  if (!(architecture instanceof lambda.Architecture)) {
    throw propError(scope, 'architecture', architecture, 'it must be a lambda.Architecture', 'use lambda.Architecture.X86_64 (the default) or lambda.Architecture.ARM_64');
  }
  const minor = pythonMinor(runtime);
  if (DEPRECATED_PYTHON.includes(runtime.name) || (minor !== undefined && minor < MIN_PYTHON_MINOR)) {
    throw propError(scope, 'runtime', runtime.name, 'AWS Lambda has deprecated this Python runtime',
      'use lambda.Runtime.PYTHON_3_12 (the default) or another supported runtime: python3.10 to python3.14');
  }
  if (minor === undefined) {
    throw propError(scope, 'runtime', runtime.name, 'LayerBuilder builds Python layers, and this is not a Python 3 runtime',
      'use a Python runtime such as lambda.Runtime.PYTHON_3_12 (the default)');
  }
  if (!['x86_64', 'arm64'].includes(architecture.name)) {
    throw propError(scope, 'architecture', architecture.name, 'Lambda functions run on x86_64 or arm64 only',
      'use lambda.Architecture.X86_64 (the default) or lambda.Architecture.ARM_64');
  }
  if (props.bundling !== undefined && !Object.values(LayerBundling).includes(props.bundling)) {
    throw propError(scope, 'bundling', props.bundling, 'unknown bundling mode', 'use LayerBundling.LOCAL or LayerBundling.DOCKER');
  }
  checkEnum(scope, 'removalPolicy', props.removalPolicy, RemovalPolicy, 'RemovalPolicy');
  const indexUrl = props.pipIndexUrl;
  if (indexUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = typeof indexUrl === 'string' && !Token.isUnresolved(indexUrl) ? new URL(indexUrl) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || /\s/.test(indexUrl)) {
      throw propError(scope, 'pipIndexUrl', withoutPassword(String(indexUrl)), 'pip needs the literal http(s) URL of a package index at synth',
        'give a URL such as "https://pypi.org/simple" or a CodeArtifact repository endpoint ending in /simple/');
    }
    if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      Annotations.of(scope).addWarningV2('cdk-ecom-platform:LayerBuilder.insecureIndexUrl',
        `pipIndexUrl ${withoutPassword(indexUrl)} is plain HTTP: the packages of every layer (and any password in the URL) travel unencrypted and can be altered on the way. `
        + 'Use the index\'s https:// URL; if this one is intended, acknowledge with Annotations.of(layerBuilder).acknowledgeWarning(\'cdk-ecom-platform:LayerBuilder.insecureIndexUrl\', reason).');
    }
  }

  if (props.layers !== undefined && !Array.isArray(props.layers)) {
    throw propError(scope, 'layers', props.layers, 'it must be a list of layers', 'give [{ name: "stripe", source: LayerSource.fromRequirements(["stripe==11.1.0"]) }]');
  }
  const layers = props.layers ?? [];
  if (layers.length === 0) {
    throw propError(scope, 'layers', layers, 'there is no layer to build', 'list at least one layer: { name: "stripe", source: LayerSource.fromRequirements(["stripe==11.1.0"]) }');
  }
  const seen = new Set<string>();
  return layers.map((spec, index) => {
    if (typeof spec !== 'object' || spec === null) {
      throw propError(scope, `layers[${index}]`, spec, 'each layer is an object with its name and source', 'give { name: "stripe", source: LayerSource.fromRequirements(["stripe==11.1.0"]) }');
    }
    const name = spec.name;
    if (typeof name !== 'string' || Token.isUnresolved(name) || !LAYER_NAME.test(name)) {
      throw propError(scope, `layers[${index}].name`, name,
        typeof name === 'string' && name.length > 140 ? `Lambda layer names have at most 140 characters, this one has ${name.length}`
          : 'Lambda layer names are literal letters, digits, hyphens and underscores',
        'use a name such as "stripe" or "e-com67-utils"');
    }
    if (seen.has(name)) {
      throw propError(scope, `layers[${index}].name`, name, 'another layer of this builder has the same name', 'give every layer its own name');
    }
    seen.add(name);
    if (spec.description !== undefined && typeof spec.description !== 'string') {
      throw propError(scope, `layers[${index}].description`, spec.description, 'it must be a string', 'give a description such as "Stripe SDK"');
    }
    if (spec.description !== undefined && !Token.isUnresolved(spec.description) && spec.description.length > MAX_DESCRIPTION) {
      throw propError(scope, `layers[${index}].description`, spec.description,
        `Lambda accepts at most ${MAX_DESCRIPTION} characters, this one has ${spec.description.length}`, 'shorten the description');
    }
    if (spec.importCheck !== undefined) {
      if (!Array.isArray(spec.importCheck)) {
        throw propError(scope, `layers[${index}].importCheck`, spec.importCheck, 'it must be a list of module names', 'give a list such as ["stripe"]');
      }
      if (spec.importCheck.length === 0) {
        throw propError(scope, `layers[${index}].importCheck`, spec.importCheck, 'an empty list checks nothing', 'list module names to import, or remove `importCheck`');
      }
      const bad = spec.importCheck.filter((m) => typeof m !== 'string' || !MODULE_NAME.test(m));
      if (bad.length > 0) {
        throw propError(scope, `layers[${index}].importCheck`, bad, 'these are not Python module names',
          'give import names such as "stripe", "opensearchpy" or "strands.agent"');
      }
    }
    if (!(spec.source instanceof LayerSource)) {
      throw propError(scope, `layers[${index}].source`, spec.source === undefined ? undefined : typeof spec.source, 'a layer needs a source',
        'use LayerSource.fromRequirements, fromRequirementsFile, fromDirectory or powertools');
    }
    const bound = spec.source._bind(scope, { prop: `layers[${index}].source`, runtime, minor, architecture });
    if (bound.managedLayerArn && (spec.description !== undefined || spec.importCheck !== undefined)) {
      throw propError(scope, `layers[${index}]`, name, 'a managed layer is used as AWS publishes it: it has no description or import check of ours',
        'remove `description` and `importCheck` from this layer');
    }
    return { spec, index, bound };
  });
}
