// Any XState v5 machine as a readable picture: Mermaid text, Graphviz DOT and SVG, with the active states highlighted.
export { toMermaid, mermaidIds } from './mermaid';
export { toDot, dotString, DIAGRAM_FONT, ACTIVE_FILL } from './dot';
export { toSvg, dotToSvg } from './svg';
export { stateNodeIds, buildModel, describeGuard, describeDelay, wrapText } from './model';
export type { DiagramOptions, DiagramModel, DiagramState, DiagramTransition, SnapshotLike, StateKind, TransitionKind } from './model';
