/**
 * Runs once when the server starts: make the socket's address visible to the login limiter, open
 * the fast lane, install where sign-outs and rate limits are kept (shared with DATABASE_URL),
 * remove what imports killed mid-way left behind, and say loudly when anyone on the network can
 * spend the key.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { stampPeerAddresses } = await import("@/lib/auth/peer-address");
  // The built app answers its hot API routes past Next's router (lib/http/node-lane.ts), once
  // they have loaded and joined the lane. `next dev` does not: its routes are rebuilt on edit.
  if (process.env.NODE_ENV === "production") {
    const { createLane } = await import("@/lib/http/node-lane");
    stampPeerAddresses(createLane());
  } else {
    stampPeerAddresses();
  }
  const { env } = await import("@/lib/env");
  // Sign-outs and rate limits: with DATABASE_URL, the ones every instance shares, with the
  // sign-outs already recorded known before the first request is checked.
  const { installAuthState } = await import("@/lib/auth/access");
  const authState = (await import("@/lib/server/storage")).openAuthState(env());
  installAuthState(authState);
  await authState.loaded();
  const { removeLeftoverImports, SHARED_LEFTOVER_AGE_MS } = await import("@/lib/media/staging");
  // In a bucket several instances share, another's import may be in progress: only old ones go.
  await removeLeftoverImports((await import("@/lib/server/services")).blobsAtStart(), {
    olderThanMs: env().s3 ? SHARED_LEFTOVER_AGE_MS : 0,
  });
  const { host, exposedWithoutPassword } = env();
  if (exposedWithoutPassword) {
    console.warn(
      `[security] HOST=${host} without APP_PASSWORD: anyone who can reach this server can use it and spend ` +
        "the upstream key. Set APP_PASSWORD, or bind to 127.0.0.1.",
    );
  }
}
