// What a SpaPipeline tells the SpaHosting it deploys to about its releases. The hosting's routing function
// embeds the hashed-asset pattern (hashed paths are shared by all releases and never rewritten), so the
// pattern the deploy program classifies files with and the one the function routes with are one value.
// Read lazily, when the function's code is rendered: the pipeline is usually created after the hosting.
import { IConstruct } from 'constructs';

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
