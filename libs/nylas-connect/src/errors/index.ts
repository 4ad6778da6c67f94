export * from './nylas-connect.error.js';
export * from './oauth.errors.js';
export * from './callback.errors.js';
export * from './start.errors.js';
export * from './nylas-api.errors.js';
export * from './storage.errors.js';
export * from './grant.errors.js';
export * from './webhook.errors.js';
