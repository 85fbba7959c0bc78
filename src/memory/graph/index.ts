/** Graph memory: the store contract, its backends (main database, Kuzu, Neo4j) and entity-name matching. */
export { createDatabaseGraphStore, type DatabaseGraphStoreOptions } from './database-store.js';
export { KUZU_INSTALL_HINT } from './kuzu-connection.js';
export { createKuzuGraphStore, type KuzuGraphStoreOptions } from './kuzu-store.js';
export { entityDisplayName, entityKey, mentionedEntities, relationLine, USER_ENTITY } from './names.js';
export { createNeo4jGraphStore, type Neo4jGraphStoreOptions } from './neo4j-store.js';
export { ENTITY_SCAN_LIMIT, graphScope, relationsAbout } from './retrieve.js';
export type * from './types.js';
