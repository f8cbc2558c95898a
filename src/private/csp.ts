import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isToken, propError } from './validation';
import { CspPreset, CspSources } from '../csp-preset';

/** Beyond this CloudFront rejects the response headers policy (quota on the CSP header value). */
export const MAX_CSP_LENGTH = 1783;
/** What a value resolved at deploy time (an API Gateway URL with its stage) is assumed to add to the policy. */
const TOKEN_ESTIMATE = 100;

/** The extensible directives, in the order the policy lists them, with their defaults. */
const DIRECTIVES: ReadonlyArray<{ prop: keyof CspSources; directive: string; base: string[]; always: boolean }> = [
  { prop: 'scriptSources', directive: 'script-src', base: ["'self'"], always: true },
  { prop: 'styleSources', directive: 'style-src', base: ["'self'"], always: true },
  { prop: 'imgSources', directive: 'img-src', base: ["'self'", 'data:'], always: true },
  { prop: 'fontSources', directive: 'font-src', base: ["'self'"], always: true },
  { prop: 'connectSources', directive: 'connect-src', base: ["'self'"], always: true },
  { prop: 'frameSources', directive: 'frame-src', base: ["'self'"], always: false },
  { prop: 'mediaSources', directive: 'media-src', base: ["'self'"], always: false },
  { prop: 'workerSources', directive: 'worker-src', base: ["'self'"], always: false },
];

/** Scheme sources that are safe in some directives: anything else would allow every host of a scheme. */
const SCHEMES_ALLOWED: Record<string, string[]> = {
  'data:': ['imgSources', 'fontSources', 'mediaSources'],
  'blob:': ['imgSources', 'mediaSources', 'workerSources'],
};
const KEYWORDS = ["'self'", "'strict-dynamic'", "'report-sample'", "'unsafe-hashes'", "'wasm-unsafe-eval'"];
const HASH = /^'sha(256|384|512)-[A-Za-z0-9+/_-]+={0,2}'$/;
/** CSP host-source: optional scheme, host or *.host, optional port, optional path. */
const HOST_SOURCE = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:(\d{1,5}|\*))?(\/[^\s;,'"]*)?$/i;

export interface CspOptions extends CspSources {
  readonly cspPresets?: CspPreset[];
  readonly allowUnsafeInline?: boolean;
  readonly allowUnsafeEval?: boolean;
}

/** The props this module reads, for the "can't be combined with `contentSecurityPolicy`" check. */
export const CSP_EXTENSION_PROPS = [...DIRECTIVES.map((d) => d.prop), 'formActionSources', 'cspPresets', 'allowUnsafeInline', 'allowUnsafeEval'] as const;

/**
 * The default policy extended by the per-directive props and the presets, each source once, in the order
 * given (props first, then presets).
 */
export function buildContentSecurityPolicy(options: CspOptions): string {
  const sourcesOf = (prop: keyof CspSources) => [
    ...(options[prop] ?? []),
    ...(options.cspPresets ?? []).flatMap((preset) => preset.sources[prop] ?? []),
  ];
  const unique = (sources: string[]) => sources.filter((s, i) => sources.indexOf(s) === i);
  const extensible = DIRECTIVES
    .map(({ prop, directive, base, always }) => ({ directive, extra: sourcesOf(prop), base, always }))
    .filter(({ extra, always }) => always || extra.length > 0)
    .map(({ directive, base, extra }) => [directive, ...unique([...base, ...extra])].join(' '));
  return [
    "default-src 'self'",
    ...extensible,
    "object-src 'none'",
    "base-uri 'self'",
    ['form-action', ...unique(["'self'", ...sourcesOf('formActionSources')])].join(' '),
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

/** Checks every source of the props and presets, and the length of the resulting header. */
export function validateCspSources(scope: IConstruct, options: CspOptions): void {
  const props: Array<keyof CspSources> = [...DIRECTIVES.map((d) => d.prop), 'formActionSources'];
  for (const prop of props) {
    for (const source of options[prop] ?? []) {
      checkSource(scope, prop, prop, source, options);
    }
    (options.cspPresets ?? []).forEach((preset, i) => {
      for (const source of preset.sources[prop] ?? []) {
        checkSource(scope, `cspPresets[${i}] (${preset.name}).${prop}`, prop, source, options);
      }
    });
  }
  const policy = buildContentSecurityPolicy(options);
  if (policy.length > MAX_CSP_LENGTH) {
    const largest = policy.split('; ').sort((a, b) => b.length - a.length).slice(0, 3)
      .map((d) => `${d.split(' ')[0]} (${d.length} characters)`).join(', ');
    throw propError(scope, 'cspPresets', `${policy.slice(0, 80)}...`,
      `the resulting Content-Security-Policy has ${policy.length} characters and CloudFront accepts at most ${MAX_CSP_LENGTH}; the largest directives are ${largest}`,
      'remove sources the app does not load, or use host wildcards such as https://*.example.com');
  }
  // Values known only at deploy time (an API URL) are not in the count above: allow a URL's length for each.
  const tokens = policy.match(/\$\{Token\[[^\]]+\]\}/g) ?? [];
  const known = policy.length - tokens.join('').length;
  if (tokens.length > 0 && known + tokens.length * TOKEN_ESTIMATE > MAX_CSP_LENGTH) {
    Annotations.of(scope).addWarningV2('cdk-ecom-platform:SpaHosting.cspLengthUnknown',
      `the Content-Security-Policy has ${known} characters plus ${tokens.length} value(s) resolved at deploy time; at ${TOKEN_ESTIMATE} characters each it `
      + `would exceed the ${MAX_CSP_LENGTH} CloudFront accepts, and the deploy would fail. Remove sources the app does not load, or use host wildcards`);
  }
  warnSharedScriptHosts(scope, options);
  if (options.allowUnsafeInline) {
    Annotations.of(scope).addWarningV2('cdk-ecom-platform:SpaHosting.unsafeInline',
      "`allowUnsafeInline` lets the policy hold 'unsafe-inline': an injected inline script or style runs. Move inline code into files, or use hashes ('sha256-...')");
  }
  if (options.allowUnsafeEval) {
    Annotations.of(scope).addWarningV2('cdk-ecom-platform:SpaHosting.unsafeEval',
      "`allowUnsafeEval` lets the policy hold 'unsafe-eval': strings can run as code (eval, new Function). Remove the library that needs it if you can");
  }
}

function checkSource(scope: IConstruct, prop: string, directiveProp: keyof CspSources, source: string, options: CspOptions): void {
  const fail = (problem: string, fix: string) => {
    throw propError(scope, prop, source, problem, fix);
  };
  if (typeof source !== 'string') {
    fail(`a CSP source is a string, this is ${source === null ? 'null' : `a ${typeof source}`}`, 'give each source as a string, such as "https://api.example.com"');
  }
  if (isToken(source)) {
    return;
  }
  const example = 'give an origin such as "https://js.stripe.com" or "https://*.example.com"';
  if (source.trim().length === 0 || /[\s;,]/.test(source)) {
    fail('a CSP source is one origin without spaces, commas or semicolons', 'give one origin per entry, such as "https://api.example.com"');
  }
  if (/[^\x21-\x7e]/.test(source)) {
    fail('a header value may hold only visible ASCII characters', 'write an internationalized host name in its punycode form (xn--...)');
  }
  if (source === '*' || /^[a-z][a-z0-9+.-]*:\/\/\*(:|\/|$)/i.test(source)) {
    fail('a wildcard host allows every host on the internet', example);
  }
  if (source.startsWith("'")) {
    if (source === "'unsafe-inline'" || source === "'unsafe-eval'") {
      const opt = source === "'unsafe-inline'" ? 'allowUnsafeInline' : 'allowUnsafeEval';
      if (!options[opt]) {
        fail(`${source} turns off the policy's protection against injected code`,
          `move inline code into files (or use a 'sha256-...' hash); if you must, set \`${opt}: true\`, which warns at synth`);
      }
      return;
    }
    if (/^'nonce-/.test(source)) {
      fail('a nonce must be new on every response, and a response headers policy sends the same header every time',
        "use a hash of the inline script ('sha256-...'), or move it into a file");
    }
    if (source === "'none'") {
      fail("'none' can't be combined with the default 'self'", 'remove it; to block a directive entirely, give a full `contentSecurityPolicy`');
    }
    if (!KEYWORDS.includes(source) && !HASH.test(source)) {
      fail('it is not a CSP keyword', `use one of ${KEYWORDS.join(', ')}, a hash ('sha256-<base64>'), or an origin without quotes`);
    }
    return;
  }
  if (KEYWORDS.concat("'none'", "'unsafe-inline'", "'unsafe-eval'").includes(`'${source.toLowerCase()}'`)) {
    fail('CSP keywords are written in single quotes; without them this names a host', `write "'${source.toLowerCase()}'"`);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):$/i.exec(source);
  if (scheme) {
    const allowed = SCHEMES_ALLOWED[source.toLowerCase()];
    if (source.toLowerCase() === 'javascript:') {
      fail('javascript: URLs run code, which is what the policy is there to stop', example);
    }
    if (!allowed?.includes(directiveProp)) {
      const where = allowed ? ` (it is allowed in ${allowed.map((p) => `\`${p}\``).join(', ')})` : '';
      fail(`a bare scheme allows every host that serves it${where}`, example);
    }
    return;
  }
  const host = HOST_SOURCE.exec(source);
  if (!host) {
    fail('it is not a CSP source (an origin, a *.host wildcard, a scheme such as data:, or a quoted keyword)', example);
  }
  // A wildcard over a single label (`*.com`) allows every host under a top-level domain.
  const hostPart = source.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[:/]/)[0];
  if (/^\*\.[^.]+$/.test(hostPart)) {
    fail(`the wildcard ${hostPart} allows every host under a top-level domain`, example);
  }
  const port = host![7];
  if (port !== undefined && port !== '*' && (Number(port) < 1 || Number(port) > 65535)) {
    fail(`the port ${port} is not a TCP port (1 to 65535)`, 'give the port the origin listens on, or none for 443');
  }
  const sourceScheme = host![1]?.toLowerCase();
  if (sourceScheme === 'http' || sourceScheme === 'ws') {
    fail(`the policy upgrades insecure requests, so ${sourceScheme}:// is never used, and an HTTPS page can't load it`,
      `use ${sourceScheme === 'http' ? 'https' : 'wss'}://`);
  }
  if (sourceScheme !== undefined && sourceScheme !== 'https' && sourceScheme !== 'wss') {
    fail(`the scheme ${sourceScheme}:// is not one a single-page app loads from`, example);
  }
}

/** Domains under which anyone can publish files: a wildcard over one lets any of their customers serve the app's scripts. */
const SHARED_SUFFIXES = ['cloudfront.net', 'amazonaws.com', 'github.io', 'githubusercontent.com', 'herokuapp.com', 'azurewebsites.net',
  'appspot.com', 'firebaseapp.com', 'web.app', 'netlify.app', 'vercel.app', 'pages.dev', 'workers.dev', 'googleusercontent.com'];
/** Hosts that serve any package or any bucket: without a path, every one of them is allowed. */
const SHARED_HOSTS = ['cdn.jsdelivr.net', 'unpkg.com', 'cdnjs.cloudflare.com', 's3.amazonaws.com', 'raw.githubusercontent.com', 'storage.googleapis.com'];

/**
 * Script and worker sources that allow code anyone can publish (`https://*.cloudfront.net`, `https://unpkg.com`)
 * defeat the policy for scripts; they may still be meant (a vendor that documents it), so this warns.
 */
function warnSharedScriptHosts(scope: IConstruct, options: CspOptions): void {
  const sources = (['scriptSources', 'workerSources'] as const).flatMap((prop) => [
    ...(options[prop] ?? []),
    ...(options.cspPresets ?? []).flatMap((preset) => preset.sources[prop] ?? []),
  ]).filter((source) => !isToken(source));
  const shared = sources.filter((source) => {
    const [, rest] = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(.*)$/i.exec(source) ?? [];
    const host = (rest ?? '').split(/[:/]/)[0].toLowerCase();
    const path = (rest ?? '').slice(host.length).replace(/^:(\d+|\*)/, '');
    if (host.startsWith('*.')) {
      const base = host.slice(2);
      return SHARED_SUFFIXES.some((suffix) => base === suffix || base.endsWith(`.${suffix}`));
    }
    return SHARED_HOSTS.includes(host) && (path === '' || path === '/');
  });
  if (shared.length > 0) {
    Annotations.of(scope).addWarningV2('cdk-ecom-platform:SpaHosting.cspSharedScriptHost',
      `script or worker sources ${shared.join(', ')} allow code that anyone can publish there, so an injected <script> can load from them and `
      + 'the policy no longer stops it. Give your own host (d111111abcdef8.cloudfront.net, your bucket\'s host) or a path to the one package '
      + "(https://cdn.jsdelivr.net/npm/pkg@1.2.3/). If it is intended, acknowledge it: Annotations.of(hosting).acknowledgeWarning('cdk-ecom-platform:SpaHosting.cspSharedScriptHost', '<why>')");
  }
}
