/**
 * The test kit's local S3-compatible server as a process of its own, for what runs the app as
 * separate processes (the cluster e2e, a smoke test by hand): `npx tsx scripts/s3-server.ts`.
 * It prints the app's S3_* settings, one `NAME=value` line each, then serves until SIGINT or
 * SIGTERM, when it removes its directory and every object in it.
 *
 * S3_PORT picks the port (default: a free one), S3_BUCKET the bucket's name (default: random).
 */
import { startLocalS3 } from "@/lib/testing/s3";

async function main(): Promise<void> {
  const port = process.env.S3_PORT ? Number(process.env.S3_PORT) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`S3_PORT must be a port number, got ${process.env.S3_PORT}`);
  }
  const s3 = await startLocalS3({
    port,
    ...(process.env.S3_BUCKET ? { bucket: process.env.S3_BUCKET } : {}),
  });
  for (const [name, value] of Object.entries(s3.env)) console.log(`${name}=${value}`);
  const stop = () => {
    s3.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
