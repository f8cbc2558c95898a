import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, Stack } from 'aws-cdk-lib';

/**
 * What a snapshot masks, and why: each of these changes without a change of the library's output.
 *
 * - Asset hashes (64 hex digits: S3 keys `<hash>.zip`, cdk-assets' `publish "<hash>:<account>-<region>-<hash>"`
 *   with the hash of the destination, CodeBuild's `_PROJECT_CONFIG_HASH`): they change with any byte of an
 *   asset, a CDK upgrade or a different machine's bundling.
 * - The scripts SpaPipeline embeds in its buildspecs (`echo "<gzip+base64>" | base64 -d | gunzip`): gzip's bytes
 *   depend on the Node.js zlib version. They become the script's file name in `assets/` and the SHA-256 of the
 *   script, so an edit of the script still changes the snapshot (and a script that is no file of `assets/` shows
 *   as `unknown script`).
 * - `AWS::CDK::Metadata` (the CDK version, only with version reporting on).
 *
 * Construct IDs (logical IDs) and every other property are kept as synthesized. Buildspecs, JSON strings in
 * a template, are shown parsed (under the key `<JSON string>`) so that a changed command is one changed line.
 * A buildspec that CDK Pipelines writes to a file of the cloud assembly (its asset publishing project's, which
 * installs `cdk-assets@<cdkAssetsVersion>`) is shown in place of its file name, under `<buildspec file>`.
 */
export function maskedTemplates(app: App, stacks: Stack[]): Record<string, unknown> {
  const assembly = app.synth();
  const sorted = [...stacks].sort((a, b) => a.artifactId.localeCompare(b.artifactId));
  return Object.fromEntries(sorted.map((stack) =>
    [stack.artifactId, mask(assembly.getStackArtifact(stack.artifactId).template, assembly.directory)]));
}

const ASSETS_DIR = path.resolve(__dirname, '..', '..', 'assets');
const ASSET_HASH = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g;
const ASSET_DESTINATION = /(<asset hash>:[\w-]+?)-[0-9a-f]{8}\b/g;
// Inside a parsed buildspec the quotes are plain; inside a buildspec that is still a string (a `Fn::Join` around
// tokens) they are escaped.
const EMBEDDED_SCRIPT = /echo (\\?)"([A-Za-z0-9+/]{16,}={0,2})\\?" \| base64 -d \| gunzip/g;

let scriptNames: Map<string, string> | undefined;

/** SHA-256 of each script in `assets/` -> `assets/<name>`. */
function knownScripts(): Map<string, string> {
  scriptNames ??= new Map(fs.readdirSync(ASSETS_DIR, { withFileTypes: true }).filter((entry) => entry.isFile())
    .map((entry) => [sha256(fs.readFileSync(path.join(ASSETS_DIR, entry.name))), `assets/${entry.name}`]));
  return scriptNames;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function maskString(value: string): string {
  return value
    .replace(EMBEDDED_SCRIPT, (_match, slash: string, base64: string) => {
      const digest = sha256(zlib.gunzipSync(Buffer.from(base64, 'base64')));
      const name = knownScripts().get(digest) ?? 'unknown script';
      // 16 digits: enough to show a change, and not mistaken for an asset hash below.
      return `echo ${slash}"<${name}, gzip+base64, script sha256 ${digest.slice(0, 16)}>${slash}" | base64 -d | gunzip`;
    })
    .replace(ASSET_HASH, '<asset hash>')
    // cdk-assets' destination ID ends in a hash of the destination, whose object key is the asset hash.
    .replace(ASSET_DESTINATION, '$1-<destination hash>');
}

function mask(value: unknown, assemblyDir: string): unknown {
  if (typeof value === 'string') {
    const file = path.join(assemblyDir, value);
    if (/^buildspec-[\w.-]+\.(yaml|json)$/.test(value) && fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf-8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      return { '<buildspec file>': mask(parsed, assemblyDir) };
    }
    const trimmed = value.trim();
    if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
      try {
        return { '<JSON string>': mask(JSON.parse(trimmed), assemblyDir) };
      } catch {
        // not JSON: masked as a string
      }
    }
    return maskString(value);
  }
  if (Array.isArray(value)) {
    return value.map((item) => mask(item, assemblyDir));
  }
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === 'Resources') {
        result[key] = Object.fromEntries(Object.entries(child as Record<string, any>)
          .filter(([, resource]) => resource?.Type !== 'AWS::CDK::Metadata')
          .map(([id, resource]) => [id, mask(resource, assemblyDir)]));
      } else if (key === 'Conditions') {
        const conditions = Object.entries(child as Record<string, unknown>).filter(([id]) => id !== 'CDKMetadataAvailable');
        if (conditions.length > 0) {
          result[key] = Object.fromEntries(conditions.map(([id, condition]) => [id, mask(condition, assemblyDir)]));
        }
      } else {
        result[maskString(key)] = mask(child, assemblyDir);
      }
    }
    return result;
  }
  return value;
}
