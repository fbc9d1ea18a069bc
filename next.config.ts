import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  // Native and WebAssembly modules stay in node_modules instead of being bundled.
  serverExternalPackages: ["better-sqlite3", "sharp", "h264-mp4-encoder"],
  poweredByHeader: false,
};

export default createNextIntlPlugin("./i18n/request.ts")(nextConfig);
