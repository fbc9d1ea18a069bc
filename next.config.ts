import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  // The simulator workspace package (demo mode) ships TypeScript source for Next to compile.
  transpilePackages: ["mj-simulator"],
  // Native and WebAssembly modules stay in node_modules instead of being bundled (the simulator's too).
  serverExternalPackages: ["better-sqlite3", "sharp", "h264-mp4-encoder"],
  poweredByHeader: false,
  experimental: {
    // proxy.ts runs only for pages (API routes read their own bodies, see proxy.ts), and pages
    // take no request bodies: keep what Next buffers for it small.
    proxyClientMaxBodySize: "64kb",
  },
};

export default createNextIntlPlugin("./i18n/request.ts")(nextConfig);
