export { type App, type AppOptions, buildApp } from './app.js';
export { type LocalIdentity, localIdentity } from './identity.js';
export { packageVersion } from './paths.js';
export type { WebHandle } from './web.js';
