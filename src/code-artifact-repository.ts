/**
 * A private AWS CodeArtifact repository in the pipeline's region that a synth step installs packages from: a
 * pre-release, a fork or a private build of cdk-ecom-platform, or your own packages.
 *
 * The synth logs pip (Python app) or npm (TypeScript app) in to the repository before its install commands, with
 * `aws codeartifact login`. From then on the repository replaces PyPI or the npm registry for every package, so
 * it needs an upstream with an external connection (`public:pypi`, `public:npmjs`) for the public ones.
 */
export interface CodeArtifactRepository {
  /**
   * Name of the CodeArtifact domain, such as "e-com67".
   */
  readonly domain: string;

  /**
   * Account that owns the domain (12 digits). A domain in another account must allow the synth's role in its
   * domain policy (`codeartifact:GetAuthorizationToken`) and its repository policy (`codeartifact:ReadFromRepository`,
   * `codeartifact:GetRepositoryEndpoint`).
   *
   * @default - the pipeline's account
   */
  readonly domainOwner?: string;

  /**
   * Name of the repository in the domain, such as "shop".
   */
  readonly repository: string;
}
