export * from './spa-hosting';
export * from './spa-pipeline';
export * from './spa-source';
export * from './layer-builder';
export * from './pipeline-options';
export * from './cdk-backend-pipeline';
export * from './platform-naming';
export * from './ecom-platform';
