export const POSTGRES_INSTALL_HINT: string;
export function findPgBin(): string | null;
export function freePort(): Promise<number>;
export interface PostgresCluster {
  port: number;
  /** The admin URL (database `postgres`). */
  url: string;
  connection: { host: string; port: number; user: string; database: string };
  psql(sql: string, database?: string): Promise<{ stdout: string; stderr: string }>;
  /** A new, empty database with PostGIS; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}
export function startPostgresCluster(options?: { settings?: Record<string, string | number> }): Promise<PostgresCluster>;
export function createDatabaseOn(adminUrl: string): Promise<string>;
export function dropDatabaseOn(adminUrl: string, databaseUrl: string): Promise<void>;
