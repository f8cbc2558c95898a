// Context keys shared by EcomPlatform and the operator CLI (which is bundled without aws-cdk-lib).

/** Turns EcomPlatform's backend pipeline on ("true") or off ("false"). */
export const BACKEND_PIPELINE_CONTEXT = 'ecom:backendPipeline';

/** Turns EcomPlatform's frontend pipelines on ("true") or off ("false"). */
export const FRONTEND_PIPELINES_CONTEXT = 'ecom:frontendPipelines';

/** The project name of the platform's naming (`-c ecom:projectName=shop` or cdk.json). */
export const PROJECT_NAME_CONTEXT = 'ecom:projectName';

/** The stack prefix of the platform's naming (`-c ecom:stackPrefix=Shop` or cdk.json). */
export const STACK_PREFIX_CONTEXT = 'ecom:stackPrefix';

/** EcomPlatform's environments (a JSON list of {name, account, region, manualApproval}), read by the CLI too. */
export const ENVIRONMENTS_CONTEXT = 'ecom:environments';

/** The name of the environment that keeps the seed's names among several (default "prod"). */
export const PRODUCTION_ENVIRONMENT_CONTEXT = 'ecom:productionEnvironment';

/** The pipelines' account when EcomPlatform has environments and no `env` (else the first environment's), read by the CLI too. */
export const PIPELINE_ACCOUNT_CONTEXT = 'ecom:pipelineAccount';

/**
 * Turns EcomPlatform's monitoring (dashboard and alarms stacks) on ("true", the default) or off ("false") when the
 * code gives no `monitoring.enabled`; read by the CLI too, to know which stacks the platform has.
 */
export const MONITORING_CONTEXT = 'ecom:monitoring';
