import { App, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CspPreset, CspSources, SpaHosting, SpaHostingProps } from '../src';

const DEFAULT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
  + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests";

function hosting(props: SpaHostingProps = {}) {
  const app = new App();
  const stack = new Stack(app, 'Site');
  const site = new SpaHosting(stack, 'Shop', props);
  return { stack, site };
}

/** The policy CloudFront sends, as the template holds it (tokens resolved). */
function csp(props: SpaHostingProps): string {
  const { stack } = hosting(props);
  const policies = Template.fromStack(stack).findResources('AWS::CloudFront::ResponseHeadersPolicy');
  const value = Object.values(policies)[0].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function directive(policy: string, name: string): string | undefined {
  return policy.split('; ').find((d) => d.split(' ')[0] === name);
}

describe('SpaHosting Content-Security-Policy', () => {
  test('without sources the strict default is unchanged', () => {
    expect(csp({})).toBe(DEFAULT_CSP);
  });

  // Each per-directive prop extends exactly its directive, after the default sources.
  test.each<[keyof CspSources, string, string]>([
    ['scriptSources', 'script-src', "script-src 'self' https://js.example.com"],
    ['styleSources', 'style-src', "style-src 'self' https://js.example.com"],
    ['imgSources', 'img-src', "img-src 'self' data: https://js.example.com"],
    ['fontSources', 'font-src', "font-src 'self' https://js.example.com"],
    ['connectSources', 'connect-src', "connect-src 'self' https://js.example.com"],
    ['frameSources', 'frame-src', "frame-src 'self' https://js.example.com"],
    ['mediaSources', 'media-src', "media-src 'self' https://js.example.com"],
    ['workerSources', 'worker-src', "worker-src 'self' https://js.example.com"],
    ['formActionSources', 'form-action', "form-action 'self' https://js.example.com"],
  ])('%s extends %s only', (prop, name, expected) => {
    const policy = csp({ [prop]: ['https://js.example.com'] });
    expect(directive(policy, name)).toBe(expected);
    // Every other directive is as in the default policy (frame-src, media-src, worker-src only appear when used).
    const others = policy.split('; ').filter((d) => d.split(' ')[0] !== name);
    expect(others).toEqual(DEFAULT_CSP.split('; ').filter((d) => d.split(' ')[0] !== name));
  });

  test('frame-src, media-src and worker-src come after connect-src, before object-src', () => {
    const policy = csp({ frameSources: ['https://f.example.com'], mediaSources: ['https://m.example.com'], workerSources: ['blob:'] });
    expect(policy.split('; ').map((d) => d.split(' ')[0])).toEqual([
      'default-src', 'script-src', 'style-src', 'img-src', 'font-src', 'connect-src', 'frame-src', 'media-src', 'worker-src',
      'object-src', 'base-uri', 'form-action', 'frame-ancestors', 'upgrade-insecure-requests',
    ]);
  });

  test('tokens are kept as given (resolved by CloudFormation)', () => {
    const policy = csp({ connectSources: [Fn.importValue('ApiUrl')] });
    expect(policy).toContain('Fn::ImportValue');
  });

  test.each<[string, () => CspPreset, Partial<Record<string, string[]>>]>([
    ['stripe', () => CspPreset.stripe(), {
      'script-src': ['https://js.stripe.com', 'https://*.js.stripe.com'],
      'frame-src': ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
      'connect-src': ['https://api.stripe.com'],
    }],
    ['cognito', () => CspPreset.cognito('eu-west-1'), {
      'connect-src': ['https://cognito-idp.eu-west-1.amazonaws.com', 'https://cognito-identity.eu-west-1.amazonaws.com'],
    }],
    ['googleAnalytics', () => CspPreset.googleAnalytics(), {
      'script-src': ['https://*.googletagmanager.com'],
      'img-src': ['https://*.google-analytics.com', 'https://*.googletagmanager.com'],
      'connect-src': ['https://*.google-analytics.com', 'https://*.analytics.google.com', 'https://*.googletagmanager.com'],
    }],
    ['metaPixel', () => CspPreset.metaPixel(), {
      'script-src': ['https://connect.facebook.net'],
      'img-src': ['https://www.facebook.com'],
      'connect-src': ['https://www.facebook.com'],
    }],
    ['sentry', () => CspPreset.sentry(), {
      'connect-src': ['https://*.ingest.sentry.io', 'https://*.ingest.us.sentry.io', 'https://*.ingest.de.sentry.io'],
      'script-src': ['https://js.sentry-cdn.com', 'https://browser.sentry-cdn.com'],
      'worker-src': ['blob:'],
    }],
    ['sentry with a DSN origin', () => CspPreset.sentry('https://o123456.ingest.us.sentry.io'), {
      'connect-src': ['https://o123456.ingest.us.sentry.io'],
    }],
  ])('preset %s adds the vendor\'s documented sources', (_name, preset, expected) => {
    const policy = csp({ cspPresets: [preset()] });
    const base = (d: string) => directive(DEFAULT_CSP, d)?.split(' ').slice(1) ?? ["'self'"];
    for (const [name, sources] of Object.entries(expected)) {
      expect(directive(policy, name)).toBe([name, ...base(name), ...sources!].join(' '));
    }
  });

  test('presets combine with the props; a source given twice appears once', () => {
    const policy = csp({
      connectSources: ['https://api.stripe.com', 'wss://chat.example.com'],
      cspPresets: [CspPreset.stripe(), CspPreset.metaPixel(), CspPreset.cognito('us-east-1')],
      imgSources: ['https://images.example-cdn.com'],
    });
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self' https://api.stripe.com wss://chat.example.com "
      + 'https://www.facebook.com https://cognito-idp.us-east-1.amazonaws.com https://cognito-identity.us-east-1.amazonaws.com');
    expect(directive(policy, 'img-src')).toBe("img-src 'self' data: https://images.example-cdn.com https://www.facebook.com");
    expect(directive(policy, 'script-src')).toBe("script-src 'self' https://js.stripe.com https://*.js.stripe.com https://connect.facebook.net");
  });

  test('a custom preset is used and checked like the props', () => {
    const intercom = CspPreset.custom('intercom', { scriptSources: ['https://widget.intercom.io', 'https://js.intercomcdn.com'] });
    expect(directive(csp({ cspPresets: [intercom] }), 'script-src'))
      .toBe("script-src 'self' https://widget.intercom.io https://js.intercomcdn.com");
    expect(() => hosting({ cspPresets: [CspPreset.custom('bad', { scriptSources: ['*'] })] }))
      .toThrow(/Site\/Shop: invalid `cspPresets\[0\] \(bad\)\.scriptSources` \("\*"\): a wildcard host/);
  });

  test('CspPreset.cognito refuses a region that is not one', () => {
    expect(() => CspPreset.cognito('Ireland')).toThrow(/invalid `region` \("Ireland"\): it is not an AWS region name/);
    for (const region of ['us-gov-west-1', 'cn-north-1', 'eusc-de-east-1', 'ap-southeast-7']) {
      expect(CspPreset.cognito(region).sources.connectSources).toContain(`https://cognito-idp.${region}.amazonaws.com`);
    }
  });

  test('keywords and hashes are accepted where CSP defines them', () => {
    const policy = csp({ scriptSources: ["'strict-dynamic'", "'sha256-B2yPHKaXnvFWtRChIbabYmUBFZdVfKKXHbWtWidDVF8='", "'wasm-unsafe-eval'"] });
    expect(directive(policy, 'script-src')).toBe("script-src 'self' 'strict-dynamic' 'sha256-B2yPHKaXnvFWtRChIbabYmUBFZdVfKKXHbWtWidDVF8=' 'wasm-unsafe-eval'");
  });

  describe('unsafe opt-ins', () => {
    test("'unsafe-inline' is refused without allowUnsafeInline", () => {
      expect(() => hosting({ styleSources: ["'unsafe-inline'"] }))
        .toThrow(/invalid `styleSources` \("'unsafe-inline'"\): 'unsafe-inline' turns off .* set `allowUnsafeInline: true`/);
    });

    test("'unsafe-eval' is refused without allowUnsafeEval", () => {
      expect(() => hosting({ scriptSources: ["'unsafe-eval'"] })).toThrow(/set `allowUnsafeEval: true`/);
    });

    test('with the opt-in the keyword is used, and synth warns', () => {
      const { stack } = hosting({ styleSources: ["'unsafe-inline'"], allowUnsafeInline: true, scriptSources: ["'unsafe-eval'"], allowUnsafeEval: true });
      const policy = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(policy).toContain("style-src 'self' 'unsafe-inline'");
      expect(policy).toContain("script-src 'self' 'unsafe-eval'");
      Annotations.fromStack(stack).hasWarning('/Site/Shop', Match.stringLikeRegexp('unsafeInline'));
      Annotations.fromStack(stack).hasWarning('/Site/Shop', Match.stringLikeRegexp('unsafeEval'));
    });

    test('no warning without the opt-ins', () => {
      const { stack } = hosting({ cspPresets: [CspPreset.stripe()] });
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('unsafe'))).toHaveLength(0);
    });
  });

  describe('refused sources', () => {
    test.each<[string, SpaHostingProps, string, RegExp]>([
      ['a bare *', { scriptSources: ['*'] }, 'scriptSources', /a wildcard host allows every host/],
      ['https://*', { connectSources: ['https://*'] }, 'connectSources', /a wildcard host/],
      ['the https: scheme', { scriptSources: ['https:'] }, 'scriptSources', /a bare scheme allows every host/],
      ['the http: scheme', { imgSources: ['http:'] }, 'imgSources', /a bare scheme/],
      ['data: in script-src', { scriptSources: ['data:'] }, 'scriptSources', /bare scheme .*allowed in `imgSources`, `fontSources`, `mediaSources`/],
      ['blob: in connect-src', { connectSources: ['blob:'] }, 'connectSources', /bare scheme .*allowed in `imgSources`, `mediaSources`, `workerSources`/],
      ['javascript:', { scriptSources: ['javascript:'] }, 'scriptSources', /javascript: URLs run code/],
      ['an http:// origin', { connectSources: ['http://api.example.com'] }, 'connectSources', /upgrades insecure requests.*use https:\/\//],
      ['a ws:// origin', { connectSources: ['ws://chat.example.com'] }, 'connectSources', /use wss:\/\//],
      ['an ftp:// origin', { imgSources: ['ftp://files.example.com'] }, 'imgSources', /scheme ftp:\/\/ is not one/],
      ['a nonce', { scriptSources: ["'nonce-abc123'"] }, 'scriptSources', /a nonce must be new on every response/],
      ["'none'", { frameSources: ["'none'"] }, 'frameSources', /'none' can't be combined/],
      ['an unknown keyword', { scriptSources: ["'unsafe-everything'"] }, 'scriptSources', /not a CSP keyword/],
      ['a keyword without quotes', { scriptSources: ['self'] }, 'scriptSources', /keywords are written in single quotes.*write "'self'"/],
      ['two origins in one entry', { connectSources: ['https://a.example.com https://b.example.com'] }, 'connectSources', /one origin without spaces/],
      ['a semicolon', { imgSources: ['https://a.example.com;script-src'] }, 'imgSources', /one origin without spaces, commas or semicolons/],
      ['non-ASCII', { imgSources: ['https://bücher.example'] }, 'imgSources', /punycode/],
      ['a wildcard inside the host', { imgSources: ['https://img.*.example.com'] }, 'imgSources', /not a CSP source/],
    ])('%s', (_name, props, prop, message) => {
      const app = new App();
      const stack = new Stack(app, 'Site');
      expect(() => new SpaHosting(stack, 'Shop', props)).toThrow(new RegExp(`^Site/Shop: invalid \`${prop.replace(/[[\]()]/g, '\\$&')}\``));
      expect(() => new SpaHosting(stack, 'Shop2', props)).toThrow(message);
      // Nothing half-created.
      expect(stack.node.tryFindChild('Shop')).toBeUndefined();
    });

    test('a full contentSecurityPolicy can not be combined with any extension', () => {
      for (const props of [
        { scriptSources: ['https://js.stripe.com'] },
        { cspPresets: [CspPreset.stripe()] },
        { allowUnsafeInline: true },
        { formActionSources: ['https://pay.example.com'] },
      ] as SpaHostingProps[]) {
        const name = Object.keys(props)[0];
        expect(() => hosting({ contentSecurityPolicy: "default-src 'self'", ...props }))
          .toThrow(new RegExp(`invalid \`${name}\` .*only extends the default policy, which \`contentSecurityPolicy\` replaces`));
      }
    });

    test('a policy that may exceed the limit once its deploy-time values are known: a warning', () => {
      const many = Array.from({ length: 46 }, (_, i) => `https://cdn${i}.images.example.com`);
      const near = hosting({ imgSources: many, connectSources: [Fn.importValue('ApiUrl')] });
      Annotations.fromStack(near.stack).hasWarning('/Site/Shop', Match.stringLikeRegexp('cspLengthUnknown'));
      const far = hosting({ imgSources: many.slice(0, 10), connectSources: [Fn.importValue('ApiUrl')] });
      expect(Annotations.fromStack(far.stack).findWarning('*', Match.stringLikeRegexp('cspLengthUnknown'))).toHaveLength(0);
    });

    test('a policy over CloudFront\'s limit names its largest directives', () => {
      const many = Array.from({ length: 60 }, (_, i) => `https://cdn${i}.images.example.com`);
      expect(() => hosting({ imgSources: many, scriptSources: ['https://js.stripe.com'] }))
        .toThrow(/has \d{4} characters and CloudFront accepts at most 1783; the largest directives are img-src \(\d+ characters\), script-src/);
    });
  });
});

describe('SpaHosting Content-Security-Policy: hostile sources and presets', () => {
  test.each<[string, SpaHostingProps, string, RegExp]>([
    ['javascript:alert(1)', { connectSources: ['javascript:alert(1)'] }, 'connectSources', /not a CSP source/],
    ['NUL', { connectSources: ['https://api.example.com\0'] }, 'connectSources', /visible ASCII/],
    ['a control character', { scriptSources: ['https://js.example.com\u0007'] }, 'scriptSources', /visible ASCII/],
    ['a wildcard over a top-level domain', { scriptSources: ['https://*.com'] }, 'scriptSources', /\*\.com allows every host under a top-level domain/],
    ['a bare wildcard over a top-level domain', { imgSources: ['*.io'] }, 'imgSources', /top-level domain/],
    ['a port over 65535', { connectSources: ['https://api.example.com:70000'] }, 'connectSources', /port 70000 is not a TCP port/],
    ['port 0', { connectSources: ['https://api.example.com:0'] }, 'connectSources', /port 0 is not a TCP port/],
  ])('%s is refused', (_name, props, prop, message) => {
    expect(() => hosting(props)).toThrow(new RegExp(`^Site/Shop: invalid \`${prop}\``));
    expect(() => hosting(props)).toThrow(message);
  });

  test('a port in range and a wildcard over a registrable domain are accepted', () => {
    expect(directive(csp({ connectSources: ['https://api.example.com:8443', 'https://*.example.co.uk'] }), 'connect-src'))
      .toBe("connect-src 'self' https://api.example.com:8443 https://*.example.co.uk");
  });

  test.each<[string, () => unknown, string, RegExp]>([
    ['an empty name', () => CspPreset.custom('', {}), 'name', /1 to 64 visible ASCII characters/],
    ['a name with NUL', () => CspPreset.custom('x\0', {}), 'name', /visible ASCII/],
    ['a name of 65 characters', () => CspPreset.custom('x'.repeat(65), {}), 'name', /1 to 64/],
    ['no sources', () => CspPreset.custom('x', undefined as unknown as CspSources), 'sources', /object of directive props/],
    ['a misspelt directive', () => CspPreset.custom('x', { connectSrc: ['https://a.example.com'] } as CspSources), 'sources.connectSrc', /not a directive prop.*`connectSources`/],
    ['a string instead of a list', () => CspPreset.custom('x', { connectSources: 'https://a.example.com' } as unknown as CspSources), 'sources.connectSources', /list of strings/],
    ['a number as a region', () => CspPreset.cognito(5 as unknown as string), 'region', /not an AWS region name/],
    ['a number as the Sentry origin', () => CspPreset.sentry(5 as unknown as string), 'ingestOrigin', /it must be a string, and is a number/],
  ])('CspPreset refuses %s', (_name, make, argument, message) => {
    expect(make).toThrow(new RegExp(`^CspPreset\\.\\w+\\(\\): invalid \`${argument.replace('.', '\\.')}\` \\(.*\\): .*\\. Fix: `));
    expect(make).toThrow(message);
  });

  test('a custom preset keeps a copy of its sources', () => {
    const sources = { scriptSources: ['https://widget.intercom.io'] };
    const preset = CspPreset.custom('intercom', sources);
    (sources as { connectSources?: string[] }).connectSources = ['*'];
    expect(preset.sources.connectSources).toBeUndefined();
  });
});

describe('SpaHosting Content-Security-Policy: script hosts anyone can publish on', () => {
  const warned = (props: SpaHostingProps) => Annotations.fromStack(hosting(props).stack).findWarning('*', Match.stringLikeRegexp('cspSharedScriptHost'));

  test.each(['https://*.cloudfront.net', '*.s3.amazonaws.com', 'https://*.github.io', 'https://unpkg.com', 'https://cdn.jsdelivr.net/'])(
    'scriptSources %s warns', (source) => {
      expect(warned({ scriptSources: [source] })).toHaveLength(1);
    });

  test('worker sources and custom presets are looked at too', () => {
    expect(warned({ workerSources: ['https://*.vercel.app'] })).toHaveLength(1);
    expect(warned({ cspPresets: [CspPreset.custom('cdn', { scriptSources: ['https://cdnjs.cloudflare.com'] })] })).toHaveLength(1);
  });

  test('one distribution, a path to one package, other directives and the shipped presets do not warn', () => {
    expect(warned({ scriptSources: ['https://d111111abcdef8.cloudfront.net', 'https://cdn.jsdelivr.net/npm/pkg@1.2.3/'] })).toHaveLength(0);
    expect(warned({ imgSources: ['https://*.cloudfront.net'] })).toHaveLength(0);
    expect(warned({ cspPresets: [CspPreset.stripe(), CspPreset.sentry(), CspPreset.googleAnalytics(), CspPreset.metaPixel(), CspPreset.cognito('eu-west-1')] }))
      .toHaveLength(0);
  });
});
