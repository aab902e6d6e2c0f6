import type { NextConfig } from 'next';

const config: NextConfig = {
  // The kube client and server-only adapters stay out of the client bundle.
  serverExternalPackages: ['@kubernetes/client-node'],
  typedRoutes: false,
};

export default config;
