import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';

/**
 * How layers are built: what goes into the asset hash changes whenever this changes, so bump it when the
 * build recipe (pip flags, tidying) changes in a way that changes a layer's content.
 */
export const BUILD_RECIPE = 1;

/** Lambda's quota for a function and all its layers, unzipped: 250 MB. */
export const LAMBDA_UNZIPPED_LIMIT = 262_144_000;

/** Above this share of the limit a layer gets a warning. */
export const NEAR_LIMIT_SHARE = 0.8;

/** What a Lambda Python runtime and architecture mean for pip. */
export interface PipTarget {
  /** `3.12` */
  readonly pythonVersion: string;
  /** `312` */
  readonly pythonTag: string;
  /** `x86_64` or `aarch64`, as in wheel platform tags and `platform.machine()`. */
  readonly machine: string;
  /** glibc of the runtime's Amazon Linux: 2.26 (AL2) or 2.34 (AL2023). */
  readonly glibcMinor: number;
  /** `--platform` values, most specific first (pip prefers earlier tags). */
  readonly platforms: string[];
  /** The SAM build image of the runtime, for messages. */
  readonly buildImage: string;
}

/**
 * Lambda's Python runtimes up to 3.11 run on Amazon Linux 2 (glibc 2.26), newer ones on Amazon Linux 2023
 * (glibc 2.34). A wheel tagged for any glibc up to the runtime's loads there, so every such manylinux tag is
 * accepted, not only `manylinux2014` (2.17): newer packages publish `manylinux_2_28` wheels only.
 */
export function pipTarget(minor: number, architecture: string, buildImage: string): PipTarget {
  const machine = architecture === 'arm64' ? 'aarch64' : 'x86_64';
  const glibcMinor = minor <= 11 ? 26 : 34;
  const platforms: string[] = [];
  for (let g = glibcMinor; g >= 17; g--) {
    platforms.push(`manylinux_2_${g}_${machine}`);
  }
  // pip expands the legacy name to manylinux2010/manylinux1 on x86_64.
  platforms.push(`manylinux2014_${machine}`);
  return { pythonVersion: `3.${minor}`, pythonTag: `3${minor}`, machine, glibcMinor, platforms, buildImage };
}

/** The pip arguments of a local build, without the output directory and requirements file. */
export function pipTargetArgs(target: PipTarget): string[] {
  return [
    '--only-binary=:all:',
    '--implementation', 'cp',
    '--python-version', target.pythonVersion,
    ...target.platforms.flatMap((p) => ['--platform', p]),
  ];
}

/** Removes the password of a URL (a CodeArtifact token, say), so it can go into a hash or a message. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) {
      u.password = '';
    }
    return u.toString();
  } catch {
    return url;
  }
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

// --- requirements -------------------------------------------------------------------------------------

/** A requirement line reduced to what matters: no comments, no surrounding space. Empty for none. */
export function requirementLine(line: string): string {
  return line.replace(/(^|\s)#.*$/, '').trim();
}

/** The distribution name a requirement starts with (`stripe` for `stripe[async]==11.1.0`). */
export function distributionName(requirement: string): string | undefined {
  return /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement.trim())?.[1];
}

/**
 * True when a requirement names one exact version (`==1.2.3`, `===1.2.3`) or a direct URL: only then is the
 * requirement text a faithful stand-in for what pip installs.
 */
export function isPinned(requirement: string): boolean {
  const r = requirement.replace(/;.*$/, '');
  if (/\s@\s*\S+/.test(r)) {
    return true;
  }
  return /===?\s*[^\s,*]+\s*$/.test(r) && !/[<>~!]=?|,/.test(r.replace(/===?/, ''));
}

/** Requirements text of a file and the files it includes with `-r`/`-c`, for the hash. */
export function requirementsFileText(file: string, seen: Set<string> = new Set()): string {
  if (seen.has(file)) {
    return '';
  }
  seen.add(file);
  const lines = fs.readFileSync(file, 'utf-8').split(/\r?\n/).map(requirementLine).filter((l) => l.length > 0);
  const parts = [lines.join('\n')];
  for (const line of lines) {
    const include = /^(?:-r|--requirement|-c|--constraint)\s*=?\s*(\S+)$/.exec(line)?.[1];
    if (include) {
      const included = path.resolve(path.dirname(file), include);
      if (fs.existsSync(included)) {
        parts.push(`# ${include}\n${requirementsFileText(included, seen)}`);
      }
    }
  }
  return parts.join('\n');
}

/** The requirement lines of a file (not options, not includes). */
export function requirementsOf(text: string): string[] {
  return text.split(/\r?\n/).map(requirementLine).filter((l) => l.length > 0 && !l.startsWith('-'));
}

// --- running pip --------------------------------------------------------------------------------------

/** A build failure the builder turns into its usual error message. */
export class LayerBuildFailure extends Error {
  constructor(public readonly value: string, public readonly problem: string, public readonly fix: string) {
    super(`${problem}. Fix: ${fix}`);
  }
}

/** Environment for pip: never prompt, never compile, never pick up `--user` or a virtualenv requirement. */
function pipEnv(indexUrl: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    PIP_USER: '0',
    PIP_REQUIRE_VIRTUALENV: '0',
    PIP_ROOT_USER_ACTION: 'ignore',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  if (indexUrl) {
    env.PIP_INDEX_URL = indexUrl;
  }
  return env;
}

/** The command that runs pip; `python3 -m pip`, as on CodeBuild's standard images. */
export const PYTHON = 'python3';

/**
 * `pip install --target <outputDir>/python` for the target platform, wheels only. Throws a LayerBuildFailure
 * naming the package when one has no wheel for the target.
 */
export function pipInstall(target: PipTarget, requirementsFile: string, outputDir: string, indexUrl: string | undefined): void {
  const args = ['-m', 'pip', 'install', '--no-compile', '--progress-bar', 'off',
    ...pipTargetArgs(target), '--target', path.join(outputDir, 'python'), '-r', requirementsFile];
  const run = spawnSync(PYTHON, args, { encoding: 'utf-8', env: pipEnv(indexUrl), maxBuffer: 256 * 1024 * 1024 });
  if (run.error || (run.status !== 0 && /No module named pip/.test(run.stderr ?? ''))) {
    throw new LayerBuildFailure(PYTHON, `local bundling runs \`${PYTHON} -m pip\`, which failed to start on this machine (${run.error?.message ?? 'pip is not installed'})`,
      'install Python 3 with pip (CodeBuild\'s standard images have it), or set `bundling: LayerBundling.DOCKER`');
  }
  if (run.status !== 0) {
    throw pipFailure(target, `${run.stdout ?? ''}\n${run.stderr ?? ''}`, indexUrl);
  }
}

function pipFailure(target: PipTarget, output: string, indexUrl: string | undefined): LayerBuildFailure {
  const tail = output.split(/\r?\n/).filter((l) => /\S/.test(l) && !/^\s*(Looking in|WARNING: Running pip)/.test(l)).slice(-6).join(' | ');
  const missing = /No matching distribution found for (\S+)/.exec(output)?.[1];
  const platform = `manylinux ${target.machine} (glibc <= 2.${target.glibcMinor})`;
  if (missing) {
    const name = distributionName(missing) ?? missing;
    const versions = /Could not find a version that satisfies the requirement \S+ \(from versions: ([^)]*)\)/.exec(output)?.[1]?.trim();
    const found = versions && versions !== 'none'
      ? `versions of ${name} with such a wheel: ${versions.split(/,\s*/).slice(-5).join(', ')}`
      : `${name} publishes no such wheel (only a source distribution), or the name doesn't exist on ${indexUrl ? withoutPassword(indexUrl) : 'the index'}`;
    return new LayerBuildFailure(missing,
      `pip found no wheel of ${name} for CPython ${target.pythonVersion} on ${platform}: ${found}`,
      `pin a version of ${name} that publishes a ${target.machine} manylinux wheel for cp${target.pythonTag} or py3 (see https://pypi.org/project/${name}/#files), `
      + `or set \`bundling: LayerBundling.DOCKER\` to build it from source in ${target.buildImage} (needs Docker)`);
  }
  return new LayerBuildFailure('pip install', `pip failed: ${tail}`,
    'check the requirements (pip\'s own message is above), and that they install on CPython '
    + `${target.pythonVersion} for ${platform}; a conflict among versions needs different pins`);
}

// --- directories --------------------------------------------------------------------------------------

/** Never part of a layer: bytecode is recompiled at import time and differs between Python builds. */
export const EXCLUDE = ['__pycache__', '*.pyc', '*.pyo'];

function excluded(name: string): boolean {
  return name === '__pycache__' || name.endsWith('.pyc') || name.endsWith('.pyo');
}

/**
 * Copies a local directory into a layer, following symlinks, leaving bytecode out: a package to
 * `<outputDir>/python/<packageName>`, or, without a package name, a directory laid out for Lambda as is.
 */
export function copyDirectory(directory: string, outputDir: string, packageName: string | undefined): void {
  const destination = packageName === undefined ? outputDir : path.join(outputDir, 'python', packageName);
  fs.cpSync(directory, destination, {
    recursive: true,
    dereference: true,
    filter: (src) => !excluded(path.basename(src)),
  });
}

/**
 * True when a directory is laid out as a layer already: `python/` at its top (what Lambda puts on `sys.path`),
 * and not itself a package (`__init__.py`), whose subpackage could be named `python`.
 */
export function isLayerRoot(directory: string): boolean {
  const python = path.join(directory, 'python');
  return fs.existsSync(python) && fs.statSync(python).isDirectory() && !fs.existsSync(path.join(directory, '__init__.py'));
}

/** Files that declare dependencies for pip to install: copying them into a layer installs nothing. */
const REQUIREMENTS_FILE = /^(requirements.*\.txt|pyproject\.toml|setup\.py|setup\.cfg|Pipfile|Pipfile\.lock|poetry\.lock|uv\.lock)$/i;

/** The requirements files at the top of a directory, sorted. */
export function requirementsFilesIn(directory: string): string[] {
  return fs.readdirSync(directory).filter((name) => REQUIREMENTS_FILE.test(name)).sort();
}

/** True when a directory holds at least one `.py` file, at any depth. */
export function hasPythonFiles(directory: string): boolean {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isFile() && entry.name.endsWith('.py')) {
      return true;
    }
    if (entry.isDirectory() && !excluded(entry.name) && hasPythonFiles(full)) {
      return true;
    }
  }
  return false;
}

/** What a built layer holds. */
export interface LayerContents {
  /** Bytes, unzipped. */
  readonly bytes: number;
  readonly files: number;
}

/**
 * Removes bytecode and pip's console scripts (`python/bin`, whose shebangs point at the build machine's
 * Python), then counts what is left.
 */
export function tidyAndMeasure(dir: string): LayerContents {
  fs.rmSync(path.join(dir, 'python', 'bin'), { recursive: true, force: true });
  let bytes = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (excluded(entry.name)) {
        fs.rmSync(full, { recursive: true, force: true });
      } else if (entry.isDirectory()) {
        walk(full);
      } else {
        bytes += fs.statSync(full).size;
        files += 1;
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

/**
 * The contents of a staged layer, measured once and remembered beside it (`asset.<hash>.layer.json`), so a
 * warm synth reads one small file instead of walking the tree.
 */
export function stagedContents(stagedDir: string): LayerContents {
  const record = `${stagedDir}.layer.json`;
  try {
    const known = JSON.parse(fs.readFileSync(record, 'utf-8'));
    if (known.recipe === BUILD_RECIPE && Number.isInteger(known.bytes) && Number.isInteger(known.files)) {
      return { bytes: known.bytes, files: known.files };
    }
  } catch {
    // not measured yet
  }
  const contents = tidyAndMeasure(stagedDir);
  fs.writeFileSync(record, JSON.stringify({ recipe: BUILD_RECIPE, ...contents }));
  return contents;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

// --- import check -------------------------------------------------------------------------------------

interface HostPython {
  readonly command: string;
  readonly description: string;
  readonly usable: boolean;
}

const PROBE = 'import json, platform, sys; print(json.dumps([sys.implementation.name, sys.version_info[0], sys.version_info[1], sys.platform, platform.machine(), platform.libc_ver()]))';
const hostPythons = new Map<string, HostPython>();

/**
 * A Python on this machine that can import the target's wheels: CPython of the same version, on Linux, on the
 * same machine type, with a glibc at least as new as the runtime's. Looked for as `python3.X`, then `python3`.
 */
export function hostPythonFor(target: PipTarget): HostPython {
  const key = `${target.pythonVersion}/${target.machine}/${target.glibcMinor}`;
  const known = hostPythons.get(key);
  if (known) {
    return known;
  }
  let found: HostPython = { command: '', usable: false, description: `no Python ${target.pythonVersion} on this machine` };
  for (const command of [`python${target.pythonVersion}`, 'python3']) {
    const probe = spawnSync(command, ['-I', '-c', PROBE], { encoding: 'utf-8' });
    if (probe.status !== 0) {
      continue;
    }
    try {
      const [impl, major, minor, platform, machine, [libc, libcVersion]] = JSON.parse(probe.stdout);
      const glibc = libc === 'glibc' ? Number(String(libcVersion).split('.')[1]) : -1;
      const what = `${command} is ${impl} ${major}.${minor} on ${platform} ${machine} with ${libc || 'no libc'} ${libcVersion || ''}`.trim();
      if (`${major}.${minor}` !== target.pythonVersion) {
        found = { command: '', usable: false, description: what };
        continue;
      }
      const usable = impl === 'cpython' && platform === 'linux' && machine === target.machine && glibc >= target.glibcMinor;
      found = { command, usable, description: what };
      break;
    } catch {
      continue;
    }
  }
  hostPythons.set(key, found);
  return found;
}

const IMPORT_CHECK = `
import importlib, json, os, sys
root = os.path.realpath(sys.argv[1])
sys.path.insert(0, root)
out = []
for name in sys.argv[2:]:
    try:
        module = importlib.import_module(name)
        origins = [getattr(module, '__file__', None)] + list(getattr(module, '__path__', []))
        origins = [os.path.realpath(o) for o in origins if o]
        inside = any(o.startswith(root + os.sep) for o in origins)
        out.append([name, 'ok' if inside else 'outside', origins[0] if origins else '?'])
    except BaseException as e:
        out.append([name, 'error', '%s: %s' % (type(e).__name__, e)])
print(json.dumps(out))
`;

/**
 * Imports each module from the freshly built layer with a matching Python of this machine. Returns a note
 * when it can't (no such Python); throws a LayerBuildFailure when an import fails, or when a module resolves
 * outside the layer (it is not in the layer, the host just has it).
 */
export function importCheck(target: PipTarget, outputDir: string, modules: string[]): string | undefined {
  const python = hostPythonFor(target);
  if (!python.usable) {
    return `import check of ${modules.join(', ')} skipped: it needs CPython ${target.pythonVersion} on Linux ${target.machine} `
      + `with glibc 2.${target.glibcMinor} or newer on this machine (${python.description})`;
  }
  const run = spawnSync(python.command, ['-I', '-B', '-c', IMPORT_CHECK, path.join(outputDir, 'python'), ...modules],
    { encoding: 'utf-8', cwd: os.tmpdir() });
  let results: Array<[string, string, string]>;
  try {
    results = JSON.parse(run.stdout);
  } catch {
    throw new LayerBuildFailure(modules.join(', '), `the import check could not run (${run.stderr.trim().split('\n').slice(-1)[0]})`,
      'remove `importCheck`, or make sure the Python on PATH works');
  }
  for (const [name, status, detail] of results) {
    if (status === 'error') {
      throw new LayerBuildFailure(name, `\`import ${name}\` failed with the built layer on ${python.command}: ${detail}`,
        'add the missing requirement to the layer, or correct the module name (import names can differ from package names: opensearch-py is `opensearchpy`)');
    }
    if (status === 'outside') {
      throw new LayerBuildFailure(name, `\`import ${name}\` found it outside the layer (${detail}): the layer doesn't contain it`,
        'add the requirement that provides it to the layer, or correct the module name');
    }
  }
  return undefined;
}

// --- local bundling -----------------------------------------------------------------------------------

/** What to build, locally. */
export interface LocalBuild {
  /** pip install of a requirements file. */
  readonly requirementsFile?: string;
  /** Or a copy of a local directory: a package copied to `python/<packageName>`, or a layer root (no name) as is. */
  readonly directory?: string;
  readonly packageName?: string;
  readonly target: PipTarget;
  readonly indexUrl?: string;
  readonly importCheck: string[];
  /** Identifies the build in CDK's bundling hash; carries no paths, so hashes match across machines. */
  readonly fingerprint: string;
}

/**
 * Builds a layer on this machine, no Docker. CDK calls it only when the staged `asset.<hash>` directory is
 * missing and the stack is being bundled. A failure is kept in `failure` so the builder can report it in its
 * own words (CDK wraps the error).
 */
export class LocalLayerBundling implements ILocalBundling {
  public failure?: LayerBuildFailure;
  public readonly notes: string[] = [];

  constructor(private readonly build: LocalBuild) {}

  public tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    try {
      if (this.build.directory) {
        copyDirectory(this.build.directory, outputDir, this.build.packageName);
      } else {
        pipInstall(this.build.target, this.build.requirementsFile!, outputDir, this.build.indexUrl);
      }
      if (this.build.importCheck.length > 0) {
        const note = importCheck(this.build.target, outputDir, this.build.importCheck);
        if (note) {
          this.notes.push(note);
        }
      }
      tidyAndMeasure(outputDir);
    } catch (error) {
      if (error instanceof LayerBuildFailure) {
        this.failure = error;
      }
      throw error;
    }
    return true;
  }

  /** CDK hashes the bundling options with JSON.stringify: only the inputs, never paths. */
  public toJSON() {
    return { localLayerBuild: this.build.fingerprint };
  }
}

/**
 * The shell command of a Docker build in the runtime's SAM build image: sdists are built there, for the
 * runtime's own platform. The import check runs in the same image, so it always applies.
 */
export function dockerCommand(requirementsInContainer: string, importModules: string[]): string[] {
  const steps = [
    `python3 -m pip install --no-compile --progress-bar off -r ${requirementsInContainer} --target /asset-output/python`,
    'rm -rf /asset-output/python/bin',
    'find /asset-output -name __pycache__ -type d -prune -exec rm -rf {} +',
    "find /asset-output -name '*.py[co]' -delete",
  ];
  if (importModules.length > 0) {
    steps.push(`cd /tmp && PYTHONPATH=/asset-output/python python3 -B -c '${importModules.map((m) => `import ${m}`).join('; ')}'`);
  }
  return ['bash', '-c', steps.join(' && ')];
}

/**
 * A directory for the inputs of a list-of-requirements layer (its requirements.txt), named after its
 * fingerprint so the same inputs always land at the same path.
 */
export function inputDirectory(fingerprint: string, requirementsText: string): string {
  const dir = path.join(os.tmpdir(), 'cdk-ecom-platform-layers', fingerprint.slice(0, 32));
  const file = path.join(dir, 'requirements.txt');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf-8') !== requirementsText) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, requirementsText);
  }
  return dir;
}
