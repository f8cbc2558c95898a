import {
  KVS_KEYS, KVS_LIMITS, MANIFEST_SCHEMA, PIN_HEADERS, RELEASE_ID_MAX_LENGTH, ReleaseError, buildPathProblem, checkReleaseId,
  manifestKey, parseManifest, releaseIdFor, releaseIdOfKey, releaseIdOfManifestKey, releaseIdProblem, releasePrefix,
} from '../../src/release/contract';
import { HashedPaths } from '../../src/release/hashed-paths';

describe('release ids', () => {
  test.each(['3f2a1b9-42', 'a-0', '0123456789abcdef0123456789abcdef01234567-999999999999', 'legacy-1'])('%s is accepted', (id) => {
    expect(releaseIdProblem(id)).toBeUndefined();
  });

  test.each([
    ['', 'characters'],
    ['3f2a1b9', '<source>-<build number>'],
    ['3F2A1B9-42', '<source>-<build number>'], // upper case: S3 keys are case-sensitive, people aren't
    ['3f2a1b9-042', '<source>-<build number>'], // leading zero: two spellings of one build
    ['3f2a1b9--42', '<source>-<build number>'],
    ['../x-1', '<source>-<build number>'],
    ['a/b-1', '<source>-<build number>'],
    ['abc-1 ', '<source>-<build number>'],
    ['abc-1\n', '<source>-<build number>'],
    ['abç-1', '<source>-<build number>'],
    ['abc-1%2f', '<source>-<build number>'],
    [`${'a'.repeat(41)}-1`, '<source>-<build number>'],
    [`${'a'.repeat(40)}-1234567890123`, 'characters'],
    [42, 'must be a string'],
    [undefined, 'must be a string'],
    [null, 'must be a string'],
  ])('%j is refused (%s)', (id, why) => {
    expect(releaseIdProblem(id)).toContain(why);
    expect(() => checkReleaseId(id, 'here')).toThrow(ReleaseError);
    expect(() => releasePrefix(id as string)).toThrow(/release prefix/);
  });

  test('the longest id fits the KeyValueStore value limit and the documented key limit holds for the keys', () => {
    expect(RELEASE_ID_MAX_LENGTH).toBeLessThan(KVS_LIMITS.valueBytes);
    for (const key of Object.values(KVS_KEYS)) {
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(KVS_LIMITS.keyBytes);
    }
    expect(Object.values(PIN_HEADERS).every((h) => h === h.toLowerCase())).toBe(true);
  });

  test('releaseIdFor: the short commit, lower-cased, and the build number', () => {
    expect(releaseIdFor('3F2A1B9C0D1E2F30415263748596A7B8C9D0E1F2', 42)).toBe('3f2a1b9-42');
    expect(() => releaseIdFor('main', 1)).toThrow(/not a git commit/);
    expect(() => releaseIdFor('3f2a1b9', -1)).toThrow(/build number/);
    expect(() => releaseIdFor('3f2a1b9', 1.5)).toThrow(/build number/);
    expect(() => releaseIdFor('3f2a1b9', Number.NaN)).toThrow(/build number/);
  });

  test('layout: prefix, manifest key and the id of a key', () => {
    expect(releasePrefix('abc1234-7')).toBe('releases/abc1234-7/');
    expect(manifestKey('abc1234-7')).toBe('_spa-deploy/releases/abc1234-7.json');
    expect(() => manifestKey('../x-1')).toThrow(/manifest key/);
    expect(releaseIdOfManifestKey('_spa-deploy/releases/abc1234-7.json')).toBe('abc1234-7');
    expect(releaseIdOfManifestKey('releases/abc1234-7/release.json')).toBeUndefined();
    expect(releaseIdOfManifestKey('_spa-deploy/releases.json')).toBeUndefined();
    expect(releaseIdOfManifestKey('_spa-deploy/releases/ABC-7.json')).toBeUndefined();
    expect(releaseIdOfManifestKey('_spa-deploy/releases/abc1234-7.json.tmp')).toBeUndefined();
    expect(releaseIdOfManifestKey('_spa-deploy/releases/x/abc1234-7.json')).toBeUndefined();
    expect(releaseIdOfKey('releases/abc1234-7/index.html')).toBe('abc1234-7');
    expect(releaseIdOfKey('releases/abc1234-7/')).toBe('abc1234-7');
    expect(releaseIdOfKey('releases/ABC-7/index.html')).toBeUndefined();
    expect(releaseIdOfKey('releases/abc1234-7')).toBeUndefined();
    expect(releaseIdOfKey('assets/index-3f2a1b9c.js')).toBeUndefined();
  });
});

describe('build paths', () => {
  test.each(['index.html', 'assets/index-3f2a1b9c.js', '.well-known/security.txt', 'a b/ü.png'])('%s is storable', (p) => {
    expect(buildPathProblem(p)).toBeUndefined();
  });
  test.each(['', '/index.html', 'a//b', './a', 'a/../b', 'a\\b', 'a\u0000b', 'x'.repeat(1000)])('path #%# is refused', (p) => {
    expect(buildPathProblem(p)).toBeDefined();
  });
});

describe('hashed paths', () => {
  const hashed = new HashedPaths();
  test.each([
    ['assets/index-3f2a1b9c.js', true],
    ['assets/index-3f2a1b9c.js.map', true],
    ['assets/vendor-Bz_9-x1A.css', true],
    ['static/js/main.3f2a1b9c.chunk.js', true],
    ['static/js/main.3f2a1b9c.js.LICENSE.txt', true],
    ['index.html', false],
    ['assets/logo.svg', false],
    ['assets/my-short.js', false],
    ['favicon.ico', false],
  ])('%s: %s', (p, expected) => {
    expect(hashed.isHashed(p)).toBe(expected);
  });
  test('a bad pattern is refused with its text', () => {
    expect(() => new HashedPaths('(')).toThrow(/not a regular expression/);
  });
});

describe('manifests', () => {
  const key = manifestKey('abc1234-7');
  const good = {
    schema: MANIFEST_SCHEMA,
    id: 'abc1234-7',
    commit: 'abc1234def',
    buildNumber: 7,
    createdAt: '2025-06-01T12:00:00.000Z',
    files: [{ path: 'index.html', size: 10, md5: '0'.repeat(32) }],
    assets: ['assets/index-3f2a1b9c.js'],
  };

  test('a good manifest parses', () => {
    expect(parseManifest(JSON.stringify(good), key)).toEqual(good);
  });

  test.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['another schema', JSON.stringify({ ...good, schema: 2 }), /schema 2/],
    ['an id that is not its key', JSON.stringify({ ...good, id: 'abc1234-8' }), /doesn't match its key/],
    ['a bad id', JSON.stringify({ ...good, id: '../x' }), /release id|<source>/],
    ['a file escaping the prefix', JSON.stringify({ ...good, files: [{ path: '../../index.html', size: 1, md5: 'x' }] }), /safe path/],
    ['an asset under releases/', JSON.stringify({ ...good, assets: ['releases/other-1/index.html'] }), /safe bucket-root key/],
    ['no createdAt', JSON.stringify({ ...good, createdAt: 'yesterday' }), /createdAt/],
  ])('%s is refused', (_what, text, message) => {
    expect(() => parseManifest(text, key)).toThrow(message);
  });
});
