/** lib/workloads: pure views of the stacks in a cluster (tree, health, events, why pending, scale). */
export * from './pods';
export * from './tree';
export * from './health';
export * from './plural';
export * from './events';
export * from './scale';
export * from './placement';
export * from './whyPending';
export * from './startup';
