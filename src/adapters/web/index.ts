export { isLoopback } from './auth.js';
export { createWebServer, type WebIdentity, type WebServerOptions, type WebStatus } from './server.js';
