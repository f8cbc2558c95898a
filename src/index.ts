export * from './spa-hosting';
