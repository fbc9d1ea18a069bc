import { isServer, MutationCache, QueryClient } from "@tanstack/react-query";
import { toastMutationError } from "./error-toast";

/** TanStack Query's Next.js pattern: a fresh client per server request, one for the browser's life. */
function makeQueryClient(): QueryClient {
  return new QueryClient({
    // Every failed write says so in one place, in one way (a mutation's meta may adjust or mute it).
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => toastMutationError(error, mutation.options.meta),
    }),
    defaultOptions: {
      queries: {
        // Server-rendered data is fresh for a moment, so the browser does not refetch it at once.
        staleTime: 5_000,
        retry: 2,
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
