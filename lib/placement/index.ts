/** lib/placement: placeGangs(ClusterState, gangs) → Plan, the shared objective, and the node filters. */
export { placeGangs, placeIndependently, type PlaceOptions } from './place';
export { schedulerNameOf, placesPodsIndependently, hasTopologyConstraint, independentPlacementNote } from './backend';
export { spreadCost, constraintSets, resolveTopology } from './sets';
export * from './filters';
export type { Plan, GangPlacement, PlannedPod, LevelExplanation } from './plan';
export { previewPodCliqueSet, previewScale, type PlacementPreview, type ScalePreview, type ScaleTarget, type GroveObjects } from './preview';
