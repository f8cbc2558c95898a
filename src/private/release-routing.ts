// What a SpaPipeline tells the SpaHosting it deploys to about its releases. The hosting's routing function
// embeds the hashed-asset pattern (hashed paths are shared by all releases and never rewritten), so the
// pattern the deploy program classifies files with and the one the function routes with are one value.
// Read lazily, when the function's code is rendered: the pipeline is usually created after the hosting.
import { IConstruct } from 'constructs';

/**
 * What Vite emits (`assets/<name>-<hash>.<ext>`, hash 8+ chars of [A-Za-z0-9_-]) and what Create React App
 * emits (`static/js|css|media/<name>.<hash>[.chunk].<ext>`), with their `.map` and `.LICENSE.txt` companions.
 * The same default as the deploy script before releases (`assets/spa-deploy.sh`, since removed), so a bucket it deployed classifies the same way.
 */
export const DEFAULT_HASHED_PATTERN =
  '^(assets/[^/]+-[A-Za-z0-9_-]{8,}|static/(js|css|media)/[^/]+\\.[A-Za-z0-9_-]{8,}(\\.chunk)?)\\.[A-Za-z0-9]+(\\.map|\\.LICENSE\\.txt)?$';

/**
 * Where each release's un-hashed files live: `releases/<id>/index.html`, `releases/<id>/config.json`, ...
 * Hashed, content-addressed assets are NOT under it: they keep their build paths at the bucket root
 * (`assets/index-3f2a1b.js`), shared by every release, so an unchanged asset is uploaded once and keeps its
 * edge cache across releases and rollbacks.
 */
export const RELEASES_PREFIX = 'releases/';

/** The entry page every release has; navigation requests are served it. */
export const ENTRY_FILE = 'index.html';

/**
 * KeyValueStore keys. The routing function reads LIVE (and PIN_TOKEN when a request carries the pin header);
 * the deploy program and the CLI write them. PREVIOUS is written in the same UpdateKeys call as LIVE, so a
 * rollback without a target returns to exactly what was live before the last switch.
 */
export const KVS_KEYS = {
  /** The live release id. Absent: the function serves the bucket root (the layout before releases). */
  live: 'release:live',
  /** The release id that was live before the last switch (rollback's default target). */
  previous: 'release:previous',
  /** The secret a request must carry with the pin header; without it the header is ignored. */
  pinToken: 'release:pin-token',
} as const;

/**
 * Request headers that open a release that isn't live yet (the smoke check, a user's Playwright or curl script).
 * The function honours PIN only when TOKEN equals the store's pin token, so strangers can't pin a release (an
 * old one with a known bug, say). Lower case: CloudFront Functions see header names lower-cased.
 */
export const PIN_HEADERS = {
  release: 'x-spa-release',
  token: 'x-spa-release-token',
} as const;

/** The release settings of one hosting. */
export interface ReleaseRouting {
  /** A JavaScript regular expression over bucket-relative paths (no leading slash). */
  readonly hashedPattern: string;
}

const byHosting = new WeakMap<IConstruct, ReleaseRouting>();

/** Records the settings of the (one) pipeline deploying to `hosting`. */
export function setReleaseRouting(hosting: IConstruct, routing: ReleaseRouting): void {
  byHosting.set(hosting, routing);
}

/** The settings recorded for `hosting`; undefined when no pipeline deploys to it (the defaults apply). */
export function releaseRoutingOf(hosting: IConstruct): ReleaseRouting | undefined {
  return byHosting.get(hosting);
}

/**
 * Hostings whose deployment keeps the construct ID of a one-environment pipeline's deploy project (`Deploy`):
 * EcomPlatform marks its production environment's, so that adding environments doesn't move the production deploy
 * project (its name unchanged) to a new logical ID, which CloudFormation would create before deleting the old one.
 */
const ORIGINAL_DEPLOYMENT = new WeakSet<IConstruct>();

export function keepOriginalDeployment(hosting: IConstruct): void {
  ORIGINAL_DEPLOYMENT.add(hosting);
}

export function keepsOriginalDeployment(hosting: IConstruct): boolean {
  return ORIGINAL_DEPLOYMENT.has(hosting);
}
