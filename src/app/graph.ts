/**
 * Graph memory from config (`ENABLE_GRAPH_MEMORY`, `GRAPH_STORE_PROVIDER`): tables in the main database by default,
 * Neo4j at `NEO4J_URL`, or embedded Kuzu in `<DATA_DIR>/kuzu_data` (the optional `kuzu` package).
 */
import type { Config } from '../config/index.js';
import { dataPath } from '../config/index.js';
import type { MainDatabase } from '../db/index.js';
import {
  createDatabaseGraphStore,
  createKuzuGraphStore,
  createNeo4jGraphStore,
  type GraphStore,
} from '../memory/index.js';

export interface GraphChoice {
  store: GraphStore;
  /** For logs and `clara doctor` (never contains credentials). */
  where: string;
}

/** The graph store chosen by config, not yet opened; undefined when graph memory is off. */
export function graphStoreFor(
  config: Config,
  db: Pick<MainDatabase, 'kysely' | 'dialect'>,
): GraphChoice | undefined {
  if (!config.ENABLE_GRAPH_MEMORY) return undefined;
  switch (config.GRAPH_STORE_PROVIDER) {
    case 'neo4j': {
      // crossFieldProblems refuses neo4j without NEO4J_URL at load time.
      const url = config.NEO4J_URL ?? '';
      const { host } = new URL(url);
      return {
        store: createNeo4jGraphStore({
          url,
          username: config.NEO4J_USERNAME,
          password: config.NEO4J_PASSWORD ?? '',
        }),
        where: `Neo4j at ${host}`,
      };
    }
    case 'kuzu': {
      const path = dataPath(config, 'kuzu_data');
      return { store: createKuzuGraphStore({ path }), where: `Kuzu ${path}` };
    }
    default:
      return {
        store: createDatabaseGraphStore({ db }),
        where: `the main database (${db.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'})`,
      };
  }
}
