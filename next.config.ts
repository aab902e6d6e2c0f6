import type { NextConfig } from 'next';

const config: NextConfig = {
  // The kube client and server-only adapters stay out of the client bundle.
  serverExternalPackages: ['@kubernetes/client-node'],
  typedRoutes: false,
  // Several Playwright servers may build side by side (the simulated and the live project, or two
  // people's runs); each names its own build directory.
  distDir: process.env.CANOPY_DIST_DIR || '.next',
  // `npm test` runs `tsc --noEmit` over the whole repository first; checking again inside every
  // `next build` doubled its time on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  // No page may be framed by another site: inside a frame, clicks a user is tricked into (Scale,
  // Delete) are same-origin requests and pass the origin and request-header checks.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
        ],
      },
    ];
  },
};

export default config;
