import * as fs from 'fs';
import * as path from 'path';
import {
  Annotations, AspectPriority, Aspects, AssetHashType, BundlingOptions, CfnResource, FileSystem, Fn, Lazy, RemovalPolicy, Stack, Stage,
  SymlinkFollowMode, Token,
} from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { BoundLayerSource, LayerBindContext } from './private/layer-binding';
import {
  BUILD_RECIPE, dockerCommand, EXCLUDE, hasPythonFiles, inputDirectory, isLayerRoot, isPinned, LAMBDA_UNZIPPED_LIMIT,
  LayerContents, LocalLayerBundling, megabytes, NEAR_LIMIT_SHARE, PipTarget, pipTarget, pipTargetArgs, requirementLine, requirementsFileText,
  requirementsFilesIn, requirementsOf, sha256, stagedContents, withoutPassword,
} from './private/pip-bundling';
import {
  parsePowertoolsArn, partitionOf, POWERTOOLS_ACCOUNT, POWERTOOLS_DEFAULT_VERSION, POWERTOOLS_PYTHON_MINORS, POWERTOOLS_REGIONS, powertoolsLayerName,
} from './private/powertools';
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
 * Options of `LayerSource.fromDirectory`.
 */
export interface DirectorySourceOptions {
  /**
   * Name of the package in the layer: the directory is copied to `python/<packageName>/`, so functions
   * `import <packageName>`. A Python identifier. Not for a directory laid out for Lambda (holding `python/`),
   * whose packages keep the names they have under `python/`.
   *
   * @default - the directory's own name
   */
  readonly packageName?: string;
}

/**
 * Options of `LayerSource.powertools`.
 */
export interface PowertoolsLayerOptions {
  /**
   * Version number of the managed layer (the `:n` at the end of its ARN). Each Powertools release publishes a
   * new one: see the Lambda layer ARNs in the Powertools for AWS Lambda (Python) documentation. The same number
   * is used for every region, runtime and architecture, as the documentation lists them.
   *
   * @default 27
   */
  readonly version?: number;
}

/**
 * What goes into a layer: Python requirements built with pip, a local package, or the AWS-managed
 * Powertools layer.
 */
export abstract class LayerSource {
  /**
   * The requirements of a pip requirements file, such as E-Com67's `backend/layers/stripe/requirements.txt`.
   * Its text, and that of files it includes with `-r`/`-c`, is part of the layer's hash: pin exact versions
   * (`stripe==11.1.0`), as an unpinned requirement would not pick up new releases until the text changes.
   *
   * @param requirementsFile path of the file, relative to the directory the CDK app runs in (where
   *   `cdk.json` is), and inside it
   */
  public static fromRequirementsFile(requirementsFile: string): LayerSource {
    return new RequirementsFileSource(requirementsFile);
  }

  /**
   * A list of requirements, one per entry as in a requirements file: `['stripe==11.1.0']`.
   *
   * @param requirements requirement specifiers; pin exact versions so the layer's hash follows them
   */
  public static fromRequirements(requirements: string[]): LayerSource {
    return new RequirementsListSource(requirements);
  }

  /**
   * A local directory, copied into the layer (bytecode left out), in one of two layouts:
   *
   * - a Python package, such as E-Com67's `utils` (`utils/__init__.py`, `utils/money.py`): copied to
   *   `python/<packageName>/`;
   * - a directory laid out for Lambda, holding `python/` (`layers/utils/python/utils/money.py`): it is the
   *   layer's root, packaged as is, so `python/` is at the top of the layer.
   *
   * Its files are part of the layer's hash. Nothing is installed: a directory holding a requirements file
   * (`requirements*.txt`, `pyproject.toml`, `setup.py`, `setup.cfg`, `Pipfile`, a lock file) is refused; build
   * the requirements with `fromRequirementsFile`, in a layer of their own.
   *
   * @param directory path of the directory, relative to the directory the CDK app runs in, and inside it
   */
  public static fromDirectory(directory: string, options: DirectorySourceOptions = {}): LayerSource {
    return new DirectorySource(directory, options);
  }

  /**
   * The AWS-managed Powertools for AWS Lambda (Python) v3 layer for the stack's region, the runtime and the
   * architecture: nothing is built or published.
   *
   * AWS publishes it in the `aws` partition for python3.9 to python3.14, x86_64 and arm64 (not arm64 in
   * ca-west-1). In a stack without a literal region, the ARN uses `${AWS::Region}` and deployment fails where
   * the layer doesn't exist.
   */
  public static powertools(options: PowertoolsLayerOptions = {}): LayerSource {
    return new PowertoolsSource(options);
  }

  /**
   * Validates the source for a LayerBuilder and returns what to build or use.
   *
   * @internal
   */
  public abstract _bind(scope: Construct, context: LayerBindContext): BoundLayerSource;
}

class RequirementsFileSource extends LayerSource {
  constructor(private readonly requirementsFile: string) {
    super();
  }

  public _bind(scope: Construct, context: LayerBindContext): BoundLayerSource {
    const file = appPath(scope, context.prop, this.requirementsFile, 'file', 'requirements file');
    const text = requirementsFileText(file);
    const requirements = requirementsOf(text);
    if (requirements.length === 0 && !/^(-r|--requirement)/m.test(text)) {
      throw propError(scope, context.prop, this.requirementsFile, 'the requirements file names no package',
        'add requirements such as "stripe==11.1.0", one per line, or remove the layer');
    }
    return {
      requirementsFile: file,
      requirementsText: text,
      requirements,
      summary: requirements.join(', ') || path.basename(file),
    };
  }
}

class RequirementsListSource extends LayerSource {
  constructor(private readonly requirements: string[]) {
    super();
  }

  public _bind(scope: Construct, context: LayerBindContext): BoundLayerSource {
    if (this.requirements.length === 0) {
      throw propError(scope, context.prop, this.requirements, 'an empty list of requirements builds an empty layer',
        'list at least one requirement, such as LayerSource.fromRequirements(["stripe==11.1.0"])');
    }
    for (const requirement of this.requirements) {
      if (Token.isUnresolved(requirement) || typeof requirement !== 'string') {
        throw propError(scope, context.prop, requirement, 'requirements are read at synth, so they must be literal strings',
          'give the requirement as a literal string');
      }
      const line = requirementLine(requirement);
      if (line.length === 0 || /[\r\n]/.test(requirement)) {
        throw propError(scope, context.prop, requirement, 'each entry is one requirement on one line, not blank',
          'give one requirement per entry, such as "stripe==11.1.0"');
      }
      if (line.startsWith('-')) {
        throw propError(scope, context.prop, requirement, 'pip options are not requirements',
          'set the index with `pipIndexUrl`, or use LayerSource.fromRequirementsFile for a file with options');
      }
    }
    const requirements = this.requirements.map(requirementLine);
    return {
      requirementsText: `${requirements.join('\n')}\n`,
      requirements,
      summary: requirements.join(', '),
    };
  }
}

class DirectorySource extends LayerSource {
  constructor(private readonly directory: string, private readonly options: DirectorySourceOptions) {
    super();
  }

  public _bind(scope: Construct, context: LayerBindContext): BoundLayerSource {
    const directory = appPath(scope, context.prop, this.directory, 'directory', 'package directory');
    const requirementsFiles = requirementsFilesIn(directory);
    if (requirementsFiles.length > 0) {
      // Copied as is, a requirements file installs nothing: the layer would miss every requirement at run time.
      const requirementsFile = requirementsFiles.find((f) => /^requirements.*\.txt$/i.test(f));
      const fromFile = requirementsFile
        ? `LayerSource.fromRequirementsFile("${path.join(this.directory, requirementsFile)}")`
        : 'LayerSource.fromRequirementsFile with a requirements file listing the dependencies';
      throw propError(scope, context.prop, this.directory,
        `the directory holds ${requirementsFiles.join(', ')}, and fromDirectory copies files without installing anything, so the layer would lack the requirements`,
        `build the requirements with ${fromFile}, in a layer of their own; give fromDirectory a folder of Python modules (copied to python/<packageName>/) `
        + 'or a folder laid out for Lambda (holding python/, packaged as is), without a requirements file in it');
    }
    if (!hasPythonFiles(directory)) {
      throw propError(scope, context.prop, this.directory, 'the directory holds no .py file',
        'point at the directory of the Python package, or at a directory laid out for Lambda (holding python/)');
    }
    if (isLayerRoot(directory)) {
      if (this.options.packageName !== undefined) {
        throw propError(scope, `${context.prop} packageName`, this.options.packageName,
          'the directory holds python/, so it is the layer\'s root, packaged as is: its packages keep their names under python/',
          'remove `packageName`, or point fromDirectory at the package directory inside python/ to copy it under that name');
      }
      return { directory, summary: `local layer ${path.basename(directory)}` };
    }
    const packageName = this.options.packageName ?? path.basename(directory);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(packageName)) {
      throw propError(scope, context.prop, packageName,
        `functions import the package by its name under python/, and "${packageName}" is not a Python identifier`,
        'set `packageName` in LayerSource.fromDirectory options to an identifier such as "utils", or rename the directory');
    }
    return { directory, packageName, summary: `local package ${packageName}` };
  }
}

class PowertoolsSource extends LayerSource {
  constructor(private readonly options: PowertoolsLayerOptions) {
    super();
  }

  public _bind(scope: Construct, context: LayerBindContext): BoundLayerSource {
    const version = this.options.version ?? POWERTOOLS_DEFAULT_VERSION;
    if (!Token.isUnresolved(version) && (!Number.isInteger(version) || version < 1)) {
      throw propError(scope, `${context.prop} version`, version, 'a layer version is a whole number from 1',
        'use the version number from the Powertools documentation\'s layer ARN (the `:n` at its end)');
    }
    const architecture = context.architecture.name;
    const runtime = context.runtime.name;
    if (!POWERTOOLS_PYTHON_MINORS.includes(context.minor)) {
      throw propError(scope, context.prop, runtime,
        `AWS publishes the managed Powertools v3 layer for python3.${POWERTOOLS_PYTHON_MINORS[0]} to python3.${POWERTOOLS_PYTHON_MINORS.slice(-1)[0]}, not ${runtime}`,
        'build Powertools instead with LayerSource.fromRequirements(["aws-lambda-powertools==3.x.y"]), or use a runtime it is published for');
    }
    const layerName = powertoolsLayerName(context.minor, architecture);
    const region = Stack.of(scope).region;
    if (Token.isUnresolved(region)) {
      return {
        managedLayerArn: Fn.sub(`arn:aws:lambda:\${AWS::Region}:${POWERTOOLS_ACCOUNT}:layer:${layerName}:${version}`),
        summary: layerName,
      };
    }
    const partition = partitionOf(region);
    if (partition !== 'aws') {
      throw propError(scope, context.prop, region,
        `the managed Powertools layers of account ${POWERTOOLS_ACCOUNT} are published in the aws partition only; ${region} is in ${partition}`,
        'build Powertools with LayerSource.fromRequirements(["aws-lambda-powertools==3.x.y"]) (or use the ARN AWS documents for that partition with lambda.LayerVersion.fromLayerVersionArn)');
    }
    const regions = POWERTOOLS_REGIONS[architecture];
    if (!regions.includes(region)) {
      const elsewhere = Object.entries(POWERTOOLS_REGIONS).filter(([, r]) => r.includes(region)).map(([a]) => a);
      if (elsewhere.length > 0) {
        throw propError(scope, context.prop, `${region} ${architecture}`,
          `AWS publishes the managed Powertools layer in ${region} for ${elsewhere.join(', ')} only`,
          `use architecture ${elsewhere.join(' or ')}, or build Powertools with LayerSource.fromRequirements(["aws-lambda-powertools==3.x.y"])`);
      }
      Annotations.of(scope).addWarningV2('cdk-ecom-platform:LayerBuilder.powertoolsRegionUnverified',
        `${region} is not among the regions the Powertools documentation lists for ${layerName}; deployment fails if AWS doesn't publish it there. `
        + 'Check the documentation, or build Powertools with LayerSource.fromRequirements(["aws-lambda-powertools==3.x.y"]).');
    }
    return {
      managedLayerArn: `arn:aws:lambda:${region}:${POWERTOOLS_ACCOUNT}:layer:${layerName}:${version}`,
      summary: layerName,
    };
  }
}

/**
 * One named layer of a LayerBuilder.
 */
export interface LayerSpec {
  /**
   * Name of the layer: the name it is published under (Lambda's `LayerName`), the construct ID, and the key of
   * `layer(name)`. Letters, digits, hyphens and underscores, at most 140 characters, unique in the builder.
   */
  readonly name: string;

  /**
   * What the layer contains.
   */
  readonly source: LayerSource;

  /**
   * Description of the published layer version, at most 256 characters. Not for a managed layer.
   *
   * @default - the requirements (or the package name), the runtime and the architecture
   */
  readonly description?: string;

  /**
   * Modules to import from the layer right after it is built, such as `['stripe']` or `['opensearchpy']`
   * (import names, not package names). Locally, it runs when this machine has CPython of the runtime's version
   * for the layer's architecture (and a glibc at least as new as the runtime's); otherwise it is skipped with a
   * note. With Docker bundling it runs in the build image. It runs only when the layer is built, not on a synth
   * that reuses it. Not for a managed layer.
   *
   * @default - no import check
   */
  readonly importCheck?: string[];
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
    this.runtime = props.runtime ?? lambda.Runtime.PYTHON_3_12;
    this.architecture = props.architecture ?? lambda.Architecture.X86_64;
    this.bundling = props.bundling ?? LayerBundling.LOCAL;
    this.layerNames = (props.layers ?? []).map((l) => l.name);
    validated(this, () => this.declare(validate(this, props, this.runtime, this.architecture), props));
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

/**
 * Resolves a path against the app's working directory and checks it is an existing file or directory inside
 * it: a pipeline's synth step has the repository, nothing around it.
 */
function appPath(scope: Construct, prop: string, given: string, kind: 'file' | 'directory', what: string): string {
  if (typeof given !== 'string' || Token.isUnresolved(given) || given.trim().length === 0) {
    throw propError(scope, prop, given, `the ${what} path must be a literal, non-empty string`, 'give a path relative to the directory the CDK app runs in');
  }
  const cwd = process.cwd();
  const cwdReal = fs.realpathSync(cwd);
  const resolved = path.resolve(cwd, given);
  const inside = (p: string) => [cwd, cwdReal].some((dir) => p === dir || p.startsWith(dir + path.sep));
  const fix = `keep the ${what} inside the app's directory ${cwd} and give its path relative to it (a pipeline's synth step has the repository only)`;
  if (!inside(resolved)) {
    throw propError(scope, prop, given, `it resolves to ${resolved}, outside the app's directory`, fix);
  }
  if (!fs.existsSync(resolved)) {
    throw propError(scope, prop, given, `there is no ${what} at ${resolved} (relative paths resolve against the app's directory ${cwd})`,
      `give the path of an existing ${what}, relative to ${cwd}`);
  }
  const stat = fs.statSync(resolved);
  if (kind === 'file' ? !stat.isFile() : !stat.isDirectory()) {
    throw propError(scope, prop, given, `${resolved} is not a ${kind}`, `give the path of the ${what}`);
  }
  const real = fs.realpathSync(resolved);
  if (!inside(real)) {
    throw propError(scope, prop, given, `it is a link to ${real}, outside the app's directory`, fix);
  }
  return real;
}

/** Every check runs before a single child is created, so a bad prop leaves nothing half-built. */
function validate(scope: Construct, props: LayerBuilderProps, runtime: lambda.Runtime, architecture: lambda.Architecture): Plan[] {
  const minor = pythonMinor(runtime);
  if (DEPRECATED_PYTHON.includes(runtime.name)) {
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
  const indexUrl = props.pipIndexUrl;
  if (indexUrl !== undefined) {
    let ok = !Token.isUnresolved(indexUrl);
    try {
      ok = ok && ['http:', 'https:'].includes(new URL(indexUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw propError(scope, 'pipIndexUrl', withoutPassword(String(indexUrl)), 'pip needs the literal http(s) URL of a package index at synth',
        'give a URL such as "https://pypi.org/simple" or a CodeArtifact repository endpoint ending in /simple/');
    }
  }

  const layers = props.layers ?? [];
  if (layers.length === 0) {
    throw propError(scope, 'layers', layers, 'there is no layer to build', 'list at least one layer: { name: "stripe", source: LayerSource.fromRequirements(["stripe==11.1.0"]) }');
  }
  const seen = new Set<string>();
  return layers.map((spec, index) => {
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
    if (spec.description !== undefined && !Token.isUnresolved(spec.description) && spec.description.length > MAX_DESCRIPTION) {
      throw propError(scope, `layers[${index}].description`, spec.description,
        `Lambda accepts at most ${MAX_DESCRIPTION} characters, this one has ${spec.description.length}`, 'shorten the description');
    }
    if (spec.importCheck !== undefined) {
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
