import type { ErrorCode } from "@/lib/http/errors";

/**
 * The Cluster port: what app instances sharing one history need of each other. Which one of them
 * polls the upstream (a lease: exactly one holds it at a time), and which tasks another one has
 * just changed (a feed of task ids; listeners read the tasks from the shared record). The
 * single-instance default is `soloCluster`: always the poller, nobody else to tell. The PostgreSQL
 * adapter is postgres-cluster.ts (a lease row, LISTEN/NOTIFY).
 */

export interface ClusterListener {
  /** Another instance recorded or deleted these tasks (ids only: read the record). */
  changed(ids: string[]): void;
  /**
   * What was announced meanwhile may have been missed (the feed reconnected): read the record's
   * unfinished tasks again.
   */
  rescan(): void;
  /**
   * This instance has just taken the lease: read the record's unfinished tasks again (some may
   * have been announced before it listened) and poll now, not at the next tick.
   */
  led(): void;
}

/** What the poller's polls fail with, as the instance that polls tells the others. */
export interface PollerFault {
  code: ErrorCode;
  message: string;
}

export interface Cluster {
  /** Whether this instance is the one that asks the upstream now; answers at once. */
  isLeader(): boolean;
  /** Tells the other instances which tasks this one changed; never blocks, never throws. */
  announce(ids: readonly string[]): void;
  /** What this instance's polls fail with while it leads (null once they succeed), for the others. */
  reportFault(fault: PollerFault | null): void;
  /**
   * What the instance that polls last reported (null: its polls succeed). A follower's record of
   * an unfinished task is as stale as the leader's, and its callers are told why as the leader's are.
   */
  fault(): PollerFault | null;
  /** Starts hearing the other instances; answers the function that stops. */
  listen(listener: ClusterListener): () => void;
  close(): Promise<void>;
}

/** One instance alone: it always polls, and there is nobody to tell. */
export function soloCluster(): Cluster {
  return {
    isLeader: () => true,
    announce: () => {},
    reportFault: () => {},
    fault: () => null,
    listen: () => () => {},
    close: async () => {},
  };
}
