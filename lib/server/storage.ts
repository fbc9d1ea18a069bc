import "server-only";
import path from "node:path";
import type { AppEnv } from "@/lib/env";
import type { BlobStore } from "@/lib/media/blob-store";
import { createFsBlobStore } from "@/lib/media/fs-blob-store";
import type { MediaIndex } from "@/lib/media/media-index";
import { createS3BlobStore } from "@/lib/media/s3-blob-store";
import { createPgMediaIndex } from "@/lib/media/pg-media-index";
import { createSqliteMediaIndex } from "@/lib/media/sqlite-media-index";
import { memoryAuthState, type AuthState } from "@/lib/store/auth-state";
import { createPgAuthState } from "@/lib/store/pg-auth-state";
import { createPgTaskStore } from "@/lib/store/pg-task-store";
import { createPool, type Pool } from "@/lib/store/postgres";
import { createSqliteTaskStore } from "@/lib/store/sqlite-task-store";
import type { TaskStore } from "@/lib/store/task-store";

/**
 * Where a studio keeps its state: the history, the blobs and the media index, each behind its
 * port. The one place that picks the adapters from the configuration, shared by the composition
 * root (services.ts) and `npm run migrate`, so a backend added here serves both.
 */
export interface Storage {
  store: TaskStore;
  blobs: BlobStore;
  mediaIndex: MediaIndex;
  /** With DATABASE_URL, the process's one pool, shared by every PostgreSQL adapter (and the cluster). */
  pool: Pool | null;
  /** Where each part lives, for people (the migration prints it); never holds a secret. */
  where: { store: string; blobs: string; mediaIndex: string };
  close(): Promise<void>;
}

/** The blob store the configuration names, alone (the start hook's, which must not open the databases). */
export function openBlobStore(config: Pick<AppEnv, "dataDir" | "s3">): BlobStore {
  // S3_BUCKET: the bucket. Else DATA_DIR: `media/<taskId>/...` and `inputs/<name>` are where the
  // cache and the request images always were, so an existing DATA_DIR needs no move.
  return config.s3 ? createS3BlobStore(config.s3) : createFsBlobStore(config.dataDir);
}

export function openStorage(
  config: Pick<AppEnv, "dataDir" | "s3" | "databaseUrl">,
  log: (message: string) => void = console.warn,
): Storage {
  const storePath = path.join(config.dataDir, "mj-studio.sqlite");
  const indexPath = path.join(config.dataDir, "media", "index.sqlite");
  // One pool per process for every PostgreSQL adapter; each migrates its tables at start.
  const pool = config.databaseUrl ? createPool(config.databaseUrl, log) : null;
  const store = pool ? createPgTaskStore(pool, log) : createSqliteTaskStore(storePath);
  const blobs = openBlobStore(config);
  // With PostgreSQL the index (and the download queue) is the cluster's, like the blobs it describes.
  const mediaIndex = pool ? createPgMediaIndex(pool) : createSqliteMediaIndex(indexPath);
  const database = config.databaseUrl ? postgresPlace(config.databaseUrl) : null;
  return {
    store,
    blobs,
    mediaIndex,
    pool,
    where: {
      store: database ?? `SQLite ${storePath}`,
      blobs: config.s3
        ? `S3 bucket ${config.s3.bucket} at ${config.s3.endpoint ?? `AWS ${config.s3.region}`}`
        : `directory ${config.dataDir}`,
      mediaIndex: database ?? `SQLite ${indexPath}`,
    },
    async close() {
      await mediaIndex.close();
      await store.close();
      await pool?.end();
    },
  };
}

/**
 * Where access control keeps sign-outs and rate-limit counters: with DATABASE_URL, in the database
 * every instance shares (a pool of its own: the start hook opens it, apart from the services, and
 * it serves only logins, submissions and sign-outs); else in this process's memory.
 */
export function openAuthState(
  config: Pick<AppEnv, "databaseUrl">,
  log: (message: string) => void = console.warn,
): AuthState {
  if (!config.databaseUrl) return memoryAuthState();
  const pool = createPool(config.databaseUrl, log, 4);
  const state = createPgAuthState({ pool, url: config.databaseUrl, log });
  return {
    ...state,
    async close() {
      await state.close();
      await pool.end();
    },
  };
}

/** A PostgreSQL URL as people may read it: host and database, never the password. */
function postgresPlace(url: string): string {
  const parsed = new URL(url);
  return `PostgreSQL ${parsed.host}${parsed.pathname}`;
}
