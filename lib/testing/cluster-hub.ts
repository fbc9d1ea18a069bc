import type { Cluster, ClusterListener, PollerFault } from "@/lib/store/cluster";

/**
 * Several app instances in one process, for tests of what the task service does in a cluster
 * without a database: each `member()` is one instance's Cluster; the test says which one holds
 * the lease (`lead`), and an announcement reaches every other member (after the current turn,
 * as a notification would).
 */
export function clusterHub() {
  const listeners: (ClusterListener | null)[] = [];
  let leader = 0;
  let fault: PollerFault | null = null;

  return {
    member(): Cluster {
      const index = listeners.push(null) - 1;
      return {
        isLeader: () => leader === index,
        announce(ids) {
          if (ids.length === 0) return;
          const copy = [...ids];
          listeners.forEach((listener, other) => {
            if (listener && other !== index) queueMicrotask(() => listener.changed(copy));
          });
        },
        reportFault(reported) {
          if (leader === index) fault = reported;
        },
        fault: () => (leader === index ? null : fault),
        listen(listener) {
          listeners[index] = listener;
          return () => {
            listeners[index] = null;
          };
        },
        close: async () => {
          listeners[index] = null;
        },
      };
    },
    /** Hands the lease to member `index` (null: to nobody), which is told it leads now. */
    lead(index: number | null): void {
      leader = index ?? -1;
      if (index !== null) listeners[index]?.led();
    },
  };
}
