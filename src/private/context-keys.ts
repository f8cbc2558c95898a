// Context keys shared by EcomPlatform and the operator CLI (which is bundled without aws-cdk-lib).

/** Turns EcomPlatform's backend pipeline on ("true") or off ("false"). */
export const BACKEND_PIPELINE_CONTEXT = 'ecom:backendPipeline';

/** Turns EcomPlatform's frontend pipelines on ("true") or off ("false"). */
export const FRONTEND_PIPELINES_CONTEXT = 'ecom:frontendPipelines';
