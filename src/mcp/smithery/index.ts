export {
  createSmitheryClient,
  DEFAULT_SMITHERY_REGISTRY_URL,
  DEFAULT_SMITHERY_SERVER_URL,
  formatSmitherySearch,
  type SmitheryClient,
  type SmitheryClientOptions,
  SmitheryError,
  type SmitherySearchResult,
  type SmitheryServer,
  type SmitheryServerDetail,
} from './client.js';
