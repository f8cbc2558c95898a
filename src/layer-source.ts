import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Fn, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BoundLayerSource, LayerBindContext } from './private/layer-binding';
import { hasPythonFiles, isLayerRoot, requirementLine, requirementsFileText, requirementsFilesIn, requirementsOf } from './private/pip-bundling';
import {
  partitionOf, POWERTOOLS_ACCOUNT, POWERTOOLS_DEFAULT_VERSION, POWERTOOLS_PYTHON_MINORS, POWERTOOLS_REGIONS, powertoolsLayerName,
} from './private/powertools';
import { propError } from './private/validation';

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
    if (!Array.isArray(this.requirements)) {
      throw propError(scope, context.prop, this.requirements, 'fromRequirements takes a list of requirements',
        'give a list, such as LayerSource.fromRequirements(["stripe==11.1.0"])');
    }
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
