/** lib/placement: placeGangs(ClusterState, gangs) → Plan, the shared objective, and the node filters. */
export { placeEachGang, placeGangs, placeIndependently, type PlaceOptions } from './place';
export { sharedNodeTables, type NodeTables } from './cluster-index';
export { schedulerNameOf, placesPodsIndependently, hasTopologyConstraint, independentPlacementNote, stackSchedulerName } from './backend';
export { spreadCost, constraintSets, resolveTopology } from './sets';
export * from './filters';
export type { Plan, GangPlacement, PlannedPod, LevelExplanation } from './plan';
export { previewPodCliqueSet, previewScale, type PlacementPreview, type ScalePreview, type ScaleTarget, type GroveObjects } from './preview';
