import { Token } from 'aws-cdk-lib';
import { kindOf } from './private/prop-types';
import { show } from './private/validation';

/** The directive props of CspSources, the keys a preset may have. */
const SOURCE_PROPS = ['scriptSources', 'styleSources', 'imgSources', 'fontSources', 'connectSources', 'frameSources', 'mediaSources',
  'workerSources', 'formActionSources'];

/**
 * Sources added to the directives of SpaHosting's default Content-Security-Policy. Each directive keeps
 * `'self'`; these sources are added after it. A source is an origin (`https://js.stripe.com`), a host
 * wildcard (`https://*.example.com`), an origin with a path (`https://api.example.com/prod/`), or a CSP
 * keyword in quotes. Refused: `*`, bare schemes (`https:`; `data:` is allowed in `imgSources`, `fontSources`
 * and `mediaSources`, `blob:` in `imgSources`, `mediaSources` and `workerSources`), `http://` and `ws://`
 * (the policy upgrades insecure requests), `javascript:`, nonces (a static header would repeat the same
 * nonce on every response), and `'unsafe-inline'`/`'unsafe-eval'` unless `allowUnsafeInline`/`allowUnsafeEval`
 * is set.
 */
export interface CspSources {
  /**
   * Sources of scripts (`script-src`), such as `https://js.stripe.com`.
   *
   * @default - the app's own origin only
   */
  readonly scriptSources?: string[];

  /**
   * Sources of style sheets (`style-src`), such as `https://fonts.googleapis.com`.
   *
   * @default - the app's own origin only
   */
  readonly styleSources?: string[];

  /**
   * Sources of images (`img-src`), such as a product image host `https://images.example-cdn.com`.
   *
   * @default - the app's own origin and `data:` URLs
   */
  readonly imgSources?: string[];

  /**
   * Sources of fonts (`font-src`), such as `https://fonts.gstatic.com`.
   *
   * @default - the app's own origin only
   */
  readonly fontSources?: string[];

  /**
   * Origins the app may call with `fetch`, XHR, WebSockets and EventSource (`connect-src`), such as the API's URL
   * (which may be a token such as `api.url`) or `wss://chat.example.com`.
   *
   * @default - the app's own origin only
   */
  readonly connectSources?: string[];

  /**
   * Sources of frames the app embeds (`frame-src`), such as `https://js.stripe.com`.
   *
   * @default - the app's own origin only (through `default-src`)
   */
  readonly frameSources?: string[];

  /**
   * Sources of audio and video (`media-src`).
   *
   * @default - the app's own origin only (through `default-src`)
   */
  readonly mediaSources?: string[];

  /**
   * Sources of web workers and service workers (`worker-src`), such as `blob:` for a worker built at run time.
   *
   * @default - the app's own origin only (through `script-src`)
   */
  readonly workerSources?: string[];

  /**
   * Where the app's forms may be submitted (`form-action`), such as a payment provider's hosted page.
   *
   * @default - the app's own origin only
   */
  readonly formActionSources?: string[];
}

/**
 * The sources a third party documents for its browser code, to add to SpaHosting's Content-Security-Policy
 * with `cspPresets`. A preset's sources combine with the per-directive props (`scriptSources`...).
 *
 * @example
 * new SpaHosting(this, 'Shop', {
 *   cspPresets: [CspPreset.stripe(), CspPreset.cognito('eu-west-1')],
 *   imgSources: ['https://images.example-cdn.com'],
 * });
 */
export class CspPreset {
  /**
   * Stripe.js (Elements, Payment Element, 3-D Secure frames), as Stripe's security guide lists it
   * (https://docs.stripe.com/security/guide#content-security-policy): `script-src` and `frame-src`
   * `https://js.stripe.com` `https://*.js.stripe.com`, `frame-src` `https://hooks.stripe.com`, `connect-src`
   * `https://api.stripe.com`. The Address Element's autocomplete also needs `https://maps.googleapis.com` in
   * `script-src` and `connect-src`: add it yourself if you use it.
   */
  public static stripe(): CspPreset {
    return new CspPreset('stripe', {
      scriptSources: ['https://js.stripe.com', 'https://*.js.stripe.com'],
      frameSources: ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
      connectSources: ['https://api.stripe.com'],
    });
  }

  /**
   * Amazon Cognito through Amplify or the AWS SDK in the browser: the user pool API
   * (`https://cognito-idp.<region>.amazonaws.com`) and identity pools
   * (`https://cognito-identity.<region>.amazonaws.com`) in `connect-src`, the endpoints the Amplify and
   * Cognito documentation name for a region. A managed login (hosted UI) domain is a redirect, plus its token
   * endpoint in `connect-src`: add `https://<domain>.auth.<region>.amazoncognito.com` to `connectSources`.
   *
   * @param region the user pool's region, such as "eu-west-1"
   */
  public static cognito(region: string): CspPreset {
    if (typeof region !== 'string' || (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(region) && !Token.isUnresolved(region))) {
      throw presetError('cognito', 'region', region, 'it is not an AWS region name', 'give the user pool\'s region, such as "eu-west-1"');
    }
    return new CspPreset(`cognito (${region})`, {
      connectSources: [`https://cognito-idp.${region}.amazonaws.com`, `https://cognito-identity.${region}.amazonaws.com`],
    });
  }

  /**
   * Google Analytics 4 through gtag.js or Google Tag Manager, as Google's "Use Tag Manager with a Content
   * Security Policy" guide lists it (https://developers.google.com/tag-platform/security/guides/csp):
   * `script-src` `https://*.googletagmanager.com`, `img-src` and `connect-src` `https://*.google-analytics.com`
   * `https://*.googletagmanager.com`, and `connect-src` `https://*.analytics.google.com`. Load gtag.js or
   * gtm.js from your bundle: the inline container snippet needs a per-response nonce, which a static site
   * can't give.
   */
  public static googleAnalytics(): CspPreset {
    return new CspPreset('google-analytics', {
      scriptSources: ['https://*.googletagmanager.com'],
      imgSources: ['https://*.google-analytics.com', 'https://*.googletagmanager.com'],
      connectSources: ['https://*.google-analytics.com', 'https://*.analytics.google.com', 'https://*.googletagmanager.com'],
    });
  }

  /**
   * The Meta (Facebook) pixel, as Meta's pixel documentation lists it for sites with a Content Security
   * Policy: `script-src` `https://connect.facebook.net` (fbevents.js), `img-src` and `connect-src`
   * `https://www.facebook.com` (the `/tr` beacon). Load fbevents.js from your bundle, not the inline snippet.
   */
  public static metaPixel(): CspPreset {
    return new CspPreset('meta-pixel', {
      scriptSources: ['https://connect.facebook.net'],
      imgSources: ['https://www.facebook.com'],
      connectSources: ['https://www.facebook.com'],
    });
  }

  /**
   * Sentry's browser SDK: events go to the DSN's ingest host (`connect-src`), as Sentry's documentation for
   * a Content-Security-Policy says; the Loader Script comes from `https://js.sentry-cdn.com` and the CDN
   * bundles from `https://browser.sentry-cdn.com` (`script-src`); Session Replay runs a worker from a `blob:`
   * URL (`worker-src`).
   *
   * @param ingestOrigin the origin of your DSN, such as "https://o123456.ingest.us.sentry.io"
   * @default - `https://*.ingest.sentry.io`, `https://*.ingest.us.sentry.io` and `https://*.ingest.de.sentry.io`
   */
  public static sentry(ingestOrigin?: string): CspPreset {
    if (ingestOrigin !== undefined && typeof ingestOrigin !== 'string') {
      throw presetError('sentry', 'ingestOrigin', ingestOrigin, `it must be a string, and is ${kindOf(ingestOrigin)}`, 'give your DSN\'s origin, such as "https://o123456.ingest.us.sentry.io"');
    }
    return new CspPreset('sentry', {
      connectSources: ingestOrigin !== undefined ? [ingestOrigin]
        : ['https://*.ingest.sentry.io', 'https://*.ingest.us.sentry.io', 'https://*.ingest.de.sentry.io'],
      scriptSources: ['https://js.sentry-cdn.com', 'https://browser.sentry-cdn.com'],
      workerSources: ['blob:'],
    });
  }

  /**
   * A preset of your own, for a vendor this library has none for; its sources are checked like the props'.
   *
   * @param name a name shown in error messages, such as "intercom"
   * @param sources the vendor's documented sources per directive
   */
  public static custom(name: string, sources: CspSources): CspPreset {
    if (typeof name !== 'string' || !/^[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?$/.test(name)) {
      throw presetError('custom', 'name', name, 'a preset name is 1 to 64 visible ASCII characters, shown in error messages',
        'name the vendor, such as "intercom"');
    }
    if (typeof sources !== 'object' || sources === null || Array.isArray(sources)) {
      throw presetError('custom', 'sources', sources, 'the sources are an object of directive props', 'give sources such as { scriptSources: ["https://widget.intercom.io"] }');
    }
    // From JavaScript a misspelt directive (`connectSrc`) would be dropped without a word.
    for (const [prop, list] of Object.entries(sources)) {
      if (!SOURCE_PROPS.includes(prop)) {
        throw presetError('custom', `sources.${prop}`, list, 'it is not a directive prop of CspSources',
          `use ${SOURCE_PROPS.map((p) => `\`${p}\``).join(', ')}`);
      }
      if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string'))) {
        const at = Array.isArray(list) ? list.findIndex((item) => typeof item !== 'string') : -1;
        const bad = Array.isArray(list) ? `, and entry ${at} is ${kindOf(list[at])}` : `, and is ${kindOf(list)}`;
        throw presetError('custom', `sources.${prop}`, list, `it must be a list of strings${bad}`, 'give each directive\'s sources as a list of strings');
      }
    }
    return new CspPreset(name, { ...sources });
  }

  /** The preset's name, shown in error messages. */
  public readonly name: string;

  /** The sources the preset adds, per directive. */
  public readonly sources: CspSources;

  private constructor(name: string, sources: CspSources) {
    this.name = name;
    this.sources = sources;
  }
}

/** The library's error shape for a factory argument: `CspPreset.custom(): invalid \`name\` (""): ... Fix: ...`. */
function presetError(factory: string, argument: string, value: unknown, problem: string, fix: string): Error {
  return new Error(`CspPreset.${factory}(): invalid \`${argument}\` ${show(value)}: ${problem}. Fix: ${fix}`);
}
