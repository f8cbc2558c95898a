// The SPA deploy program's inputs (assets/spa-deploy.sh): its SPA_* settings and the build output it uploads.
// Each case runs the real script with bash in a temporary folder, with a fake `aws` first on PATH that records
// every call (and, for `s3 cp`, the keys it would upload). A refusal is a non-zero exit whose message names the
// setting or the file; for every refusal the fake must have seen no AWS call at all (all checks come before the
// first one), and an accepted case must have uploaded what it says.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BadInput, Expected, Observed, accepted, refused } from './case';

const SCRIPT = path.join(__dirname, '..', '..', 'assets', 'spa-deploy.sh');

// Records each call (arguments NUL-separated, one call a line) and, for uploads, the keys: a folder's staged
// links (`s3 cp <dir> s3://bucket/ --recursive`) or the single object's key.
const FAKE_AWS = `#!/usr/bin/env bash
printf '%s\\0' "$@" >> "$FAKE_AWS_DIR/calls"; printf '\\n' >> "$FAKE_AWS_DIR/calls"
if [[ "$1 $2" == "s3 cp" && "$4" == s3://* ]]; then
  if [[ -d "$3" ]]; then (cd "$3" && find . -type l -printf '%P\\n') >> "$FAKE_AWS_DIR/uploads"
  else printf '%s\\n' "\${4#s3://*/}" >> "$FAKE_AWS_DIR/uploads"; fi
fi
case "$1 $2" in
  "s3api list-objects-v2") echo '{}' ;;
  "cloudfront create-invalidation") echo I2J3EXAMPLE ;;
  "cloudfront get-invalidation") echo Completed ;;
esac
`;

/** A build output: files by path (string content, or null for a folder), made in `dist/` before the run. */
type Files = Record<string, string | null>;
const APP: Files = { 'index.html': '<!doctype html><script src="/assets/index-Ab3_-xYz.js"></script>', 'assets/index-Ab3_-xYz.js': 'console.log(1)' };

interface Run {
  /** Settings on top of the required ones (SPA_BUCKET, SPA_DISTRIBUTION_ID, SPA_SOURCE_DIR, SPA_RELEASE_ID). */
  readonly env?: Record<string, string>;
  /** The build output (default: an index.html and one hashed script). */
  readonly files?: Files;
  /** Anything else to make in the case's folder (links, pipes, odd names); `dist` is the build output. */
  readonly setup?: (dist: string, root: string) => void;
  /** Keys an accepted run must have uploaded. */
  readonly uploads?: string[];
  /** Checks after the run (throw when wrong). */
  readonly after?: (root: string) => void;
}

function deploy(run: Run): () => Observed {
  return () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spa-deploy-case-'));
    try {
      const dist = path.join(root, 'dist');
      const bin = path.join(root, 'bin');
      const state = path.join(root, 'aws');
      const tmp = path.join(root, 'tmp', 'deep');
      for (const dir of [dist, bin, state, tmp]) fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(bin, 'aws'), FAKE_AWS, { mode: 0o755 });
      for (const [file, content] of Object.entries(run.files ?? APP)) {
        const target = path.join(dist, file);
        if (content === null) {
          fs.mkdirSync(target, { recursive: true });
        } else {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, content);
        }
      }
      run.setup?.(dist, root);
      const env: Record<string, string> = {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: root,
        LANG: 'C.UTF-8',
        TMPDIR: tmp,
        FAKE_AWS_DIR: state,
        SPA_BUCKET: 'site-bucket-1',
        SPA_DISTRIBUTION_ID: 'E2QWRUHAPOMQZL',
        SPA_SOURCE_DIR: dist,
        SPA_RELEASE_ID: 'release-1',
        SPA_INVALIDATION_POLL_SECONDS: '1',
        ...run.env,
      };
      const result = spawnSync('bash', [SCRIPT], { env, encoding: 'utf-8', timeout: 60_000 });
      const calls = readLines(path.join(state, 'calls'));
      const uploads = readLines(path.join(state, 'uploads'));
      run.after?.(root);
      if (result.status !== 0) {
        if (calls.length > 0) {
          throw new Error(`refused after ${calls.length} AWS calls (uploads: ${uploads.join(', ') || 'none'}):\n${result.stderr}`);
        }
        return { refusal: result.stderr || `exit ${result.status} ${result.error ?? ''}`, warnings: [] };
      }
      const missing = (run.uploads ?? []).filter((key) => !uploads.includes(key));
      if (missing.length > 0) {
        throw new Error(`accepted, but did not upload ${missing.join(', ')} (uploaded: ${uploads.join(', ')})\n${result.stdout}${result.stderr}`);
      }
      return { warnings: [] };
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  };
}

function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8').split('\n').filter((l) => l !== '') : [];
}

function symlink(target: string, link: string): (dist: string) => void {
  return (dist) => fs.symlinkSync(target, path.join(dist, link));
}

function noFileAt(relative: string): (root: string) => void {
  return (root) => {
    if (fs.existsSync(path.join(root, relative))) throw new Error(`the deploy wrote ${relative} outside its work folder`);
  };
}

function c(input: string, expect: Expected, run: Run): BadInput {
  return { subject: 'deploy', input, expect, observe: deploy(run), libraryError: false };
}

const CONFIG = { SPA_RUNTIME_CONFIG: '{"apiUrl":"https://api.example.com"}' };
const setting = (name: string, value: string, expect: Expected, extra: Record<string, string> = {}) =>
  c(`${name}=${JSON.stringify(value)}`, expect, { env: { [name]: value, ...extra } });

export const CASES: BadInput[] = [
  // ---------------------------------------------------------------- the three file cases
  // The generated config goes to $TMPDIR/spa-deploy.XXXXXX/generated/<path>: ../../ would land in $TMPDIR.
  c('SPA_RUNTIME_CONFIG_PATH="../../outside.json" (with SPA_RUNTIME_CONFIG)', refused('SPA_RUNTIME_CONFIG_PATH', /'\.\.'/),
    { env: { ...CONFIG, SPA_RUNTIME_CONFIG_PATH: '../../outside.json' }, after: noFileAt('tmp/deep/outside.json') }),
  c('SPA_RUNTIME_CONFIG_PATH="app/../../../x.json"', refused('SPA_RUNTIME_CONFIG_PATH'),
    { env: { ...CONFIG, SPA_RUNTIME_CONFIG_PATH: 'app/../../../x.json' }, after: noFileAt('tmp/x.json') }),
  c('SPA_RUNTIME_CONFIG_PATH=".." (without SPA_RUNTIME_CONFIG)', refused('SPA_RUNTIME_CONFIG_PATH'),
    { env: { SPA_RUNTIME_CONFIG_PATH: '..' } }),
  c('a file named "assets/a\\nb.js" (a newline in the name)', refused("'assets/a\\nb.js'", /control character/),
    { setup: (dist) => fs.writeFileSync(path.join(dist, 'assets', 'a\nb.js'), 'x') }),
  c('index.html is a symbolic link to a built file', refused('index.html', /symbolic link/),
    { files: { 'build/index.html': '<!doctype html>', 'assets/index-Ab3_-xYz.js': '1' }, setup: symlink('build/index.html', 'index.html') }),

  // ---------------------------------------------------------------- the runtime config path
  c('SPA_RUNTIME_CONFIG_PATH="/etc/app/config.json" (absolute)', refused('SPA_RUNTIME_CONFIG_PATH', /absolute/),
    { env: { ...CONFIG, SPA_RUNTIME_CONFIG_PATH: '/etc/app/config.json' }, after: noFileAt('tmp/etc') }),
  setting('SPA_RUNTIME_CONFIG_PATH', './config.json', refused('SPA_RUNTIME_CONFIG_PATH')),
  setting('SPA_RUNTIME_CONFIG_PATH', 'app//config.json', refused('SPA_RUNTIME_CONFIG_PATH')),
  setting('SPA_RUNTIME_CONFIG_PATH', 'config.json\n', refused('SPA_RUNTIME_CONFIG_PATH', /control character/), CONFIG),
  setting('SPA_RUNTIME_CONFIG_PATH', '_spa-deploy/config.json', refused('SPA_RUNTIME_CONFIG_PATH', /reserved/)),
  setting('SPA_RUNTIME_CONFIG_PATH', 'index.html', refused('SPA_RUNTIME_CONFIG_PATH')),
  setting('SPA_RUNTIME_CONFIG_PATH', 'assets/config-Ab3_-xYz.json', refused('SPA_RUNTIME_CONFIG_PATH', /SPA_HASHED_PATTERN/)),
  c('SPA_RUNTIME_CONFIG_PATH="app/config.json" (a nested config)', accepted(),
    { env: { ...CONFIG, SPA_RUNTIME_CONFIG_PATH: 'app/config.json' }, uploads: ['app/config.json', 'index.html'] }),
  c('SPA_RUNTIME_CONFIG replacing a config.json of the build output', accepted(),
    { env: CONFIG, files: { ...APP, 'config.json': '{"apiUrl":"http://localhost"}' }, uploads: ['config.json'] }),

  // ---------------------------------------------------------------- links and other non-regular files
  c('a symbolic link to a file outside the build ("secrets.txt" -> /etc/passwd)', refused("'secrets.txt'", /symbolic link/),
    { setup: symlink('/etc/passwd', 'secrets.txt') }),
  c('a symbolic link to a folder ("media" -> ../shared-media)', refused("'media'", /symbolic link/),
    { files: { ...APP, '../shared-media/logo.svg': '<svg/>' }, setup: symlink('../shared-media', 'media') }),
  c('a broken symbolic link ("favicon.ico" -> missing.ico)', refused("'favicon.ico'", /symbolic link/),
    { setup: symlink('missing.ico', 'favicon.ico') }),
  c('a named pipe in the build output ("events")', refused("'events'", /named pipe/),
    { setup: (dist) => { spawnSync('mkfifo', [path.join(dist, 'events')]); } }),

  // ---------------------------------------------------------------- file names
  c('a file named "assets/tab\\t.js" (a tab in the name)', refused("'assets/tab\\t.js'", /control character/),
    { setup: (dist) => fs.writeFileSync(path.join(dist, 'assets', 'tab\t.js'), 'x') }),
  c('a folder named "img\\r" (a carriage return)', refused("'img\\r/'", /control character/),
    { setup: (dist) => { fs.mkdirSync(path.join(dist, 'img\r')); fs.writeFileSync(path.join(dist, 'img\r', 'a.png'), 'x'); } }),
  c('a file name that is not UTF-8 (byte 0xff)', refused("'\\xff.js'", /UTF-8/),
    { setup: (dist) => fs.writeFileSync(Buffer.concat([Buffer.from(`${dist}/`), Buffer.from([0xff]), Buffer.from('.js')]), 'x') }),
  c('a file name with a backslash ("a\\\\b.css")', refused("'a\\\\b.css'", /backslash/),
    { setup: (dist) => fs.writeFileSync(path.join(dist, 'a\\b.css'), 'x') }),
  c('a path over S3\'s 1024-byte key limit', refused('key limit'),
    {
      setup: (dist) => {
        const deep = path.join(dist, ...Array.from({ length: 6 }, (_, i) => `${i}`.repeat(200)));
        fs.mkdirSync(deep, { recursive: true });
        fs.writeFileSync(path.join(deep, 'a.js'), 'x');
      },
    }),
  c('a "_spa-deploy/releases.json" in the build output', refused("'_spa-deploy/'", /reserved/),
    { files: { ...APP, '_spa-deploy/releases.json': '{"releases":[]}' } }),
  c('file names with spaces, unicode, a leading dash, "#", "%" and "+"', accepted(),
    {
      files: { ...APP, 'assets/my file.js': '1', 'ünïcødé-日本.txt': '2', '-rf': '3', 'a#b.txt': '4', '100%.txt': '5', 'c++.txt': '6' },
      uploads: ['assets/my file.js', 'ünïcødé-日本.txt', '-rf', 'a#b.txt', '100%.txt', 'c++.txt'],
    }),
  c('a dot folder (".well-known/security.txt")', accepted(),
    { files: { ...APP, '.well-known/security.txt': 'Contact: mailto:security@example.com' }, uploads: ['.well-known/security.txt'] }),
  c('a large file (64 MiB, sparse)', accepted(),
    {
      setup: (dist) => { fs.writeFileSync(path.join(dist, 'video.mp4'), ''); fs.truncateSync(path.join(dist, 'video.mp4'), 64 * 1024 * 1024); },
      uploads: ['video.mp4'],
    }),

  // ---------------------------------------------------------------- the build output folder
  c('an empty build folder', refused('SPA_SOURCE_DIR', /empty/), { files: {} }),
  c('a build without index.html', refused('index.html'), { files: { 'assets/index-Ab3_-xYz.js': '1' } }),
  c('an index.html that is a folder', refused('index.html'), { files: { 'index.html/x': '1' } }),
  c('an empty (0-byte) index.html', refused('index.html', /empty/), { files: { ...APP, 'index.html': '' } }),
  setting('SPA_SOURCE_DIR', '/nonexistent/dist', refused('SPA_SOURCE_DIR', /not a directory/)),
  setting('SPA_SOURCE_DIR', '', refused('SPA_SOURCE_DIR', /required/)),

  // ---------------------------------------------------------------- the other settings
  setting('SPA_BUCKET', '', refused('SPA_BUCKET', /required/)),
  setting('SPA_BUCKET', 's3://site-bucket-1', refused('SPA_BUCKET', /without s3:\/\//)),
  setting('SPA_BUCKET', 'site bucket/prefix', refused('SPA_BUCKET')),
  setting('SPA_DISTRIBUTION_ID', '', refused('SPA_DISTRIBUTION_ID', /required/)),
  setting('SPA_DISTRIBUTION_ID', 'd111111abcdef8.cloudfront.net', refused('SPA_DISTRIBUTION_ID', /domain name/)),
  setting('SPA_INVALIDATION_WAIT_SECONDS', 'soon', refused('SPA_INVALIDATION_WAIT_SECONDS')),
  setting('SPA_INVALIDATION_WAIT_SECONDS', '-5', refused('SPA_INVALIDATION_WAIT_SECONDS')),
  setting('SPA_INVALIDATION_WAIT_SECONDS', '3601', refused('SPA_INVALIDATION_WAIT_SECONDS', /0 to 3600/)),
  setting('SPA_INVALIDATION_WAIT_SECONDS', '99999999999999999999', refused('SPA_INVALIDATION_WAIT_SECONDS')),
  // bash arithmetic reads 08 as a bad octal number: it must be decimal 8
  setting('SPA_INVALIDATION_WAIT_SECONDS', '08', accepted()),
  setting('SPA_INVALIDATION_WAIT_SECONDS', '', accepted()),
  setting('SPA_INVALIDATION_POLL_SECONDS', '0', refused('SPA_INVALIDATION_POLL_SECONDS')),
  setting('SPA_KEEP_RELEASES', '0', refused('SPA_KEEP_RELEASES')),
  setting('SPA_KEEP_RELEASES', ' 3', refused('SPA_KEEP_RELEASES')),
  setting('SPA_KEEP_RELEASES', '1e3', refused('SPA_KEEP_RELEASES')),
  setting('SPA_HASHED_PATTERN', '(assets/', refused('SPA_HASHED_PATTERN', /not a valid extended regular expression/)),
  setting('SPA_HASHED_PATTERN', '.*', refused('SPA_HASHED_PATTERN', /matches index.html/)),
  setting('SPA_HASHED_PATTERN', '^assets/.+-\\d{8}\\.js$', refused('SPA_HASHED_PATTERN', /\\d/)),
  setting('SPA_RUNTIME_CONFIG', '[1, 2]', refused('SPA_RUNTIME_CONFIG', /JSON object/)),
  setting('SPA_RUNTIME_CONFIG', '{bad', refused('SPA_RUNTIME_CONFIG', /not valid JSON/)),
  setting('SPA_SOURCE_MAPS', 'yes', refused('SPA_SOURCE_MAPS')),
  setting('SPA_SHORT_CACHE', 'public, max-age=300\r\nX-Evil: 1', refused('SPA_SHORT_CACHE', /control characters/)),
  setting('SPA_RELEASE_ID', 'release 1', refused('SPA_RELEASE_ID')),
  setting('SPA_RELEASE_ID', 'a'.repeat(129), refused('SPA_RELEASE_ID')),
  setting('SPA_RELEASE_ID', '4b6c2f0e-1f2a-4d7b-9f51-0a2b3c4d5e6f', accepted()),
];
