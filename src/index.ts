export * from './spa-hosting';
export * from './spa-pipeline';
export * from './spa-source';
export * from './layer-builder';
export * from './cdk-backend-pipeline';
