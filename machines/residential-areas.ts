// §二(一) per residential area (职工家属区): a case (one enterprise in one district) may hold several, each with its
// own community set-up — decided, established and elected, or merged into a neighbouring community. A case with one
// area follows the statechart's `community` region as before; a case with several keeps each area's progress here,
// in its context, and its `community.perArea` state takes each area's decisions (naming the area) in this order.
// Pure: no XState, no I/O.
import type { DecisionEvent } from './events';
import { excerpt } from './limits';

export type CommunityRoute = 'setUpDirectly' | 'setUpAndElect' | 'mergeIntoNeighbour';

/** One area of a case with several, as the case keeps it. */
export interface AreaCommunity {
  name: string;
  /** Workers and family members, from the plan table. */
  people?: number;
  route?: CommunityRoute;
  /** Excerpt (the full text is in the case record). */
  communityName?: string;
  committeeElectedOn?: string;
  /** Excerpt. */
  mergedInto?: string;
  /** The date the area's community was set up (committee elected, or merged). */
  establishedOn?: string;
}

/** Where an area's community set-up stands: the names of the single-area `community` region's states. */
export type AreaStage = 'choosingSetup' | 'establishing' | 'electing' | 'merging' | 'established';

export const COMMUNITY_EVENTS = ['COMMUNITY_SETUP_DECIDED', 'COMMUNITY_ESTABLISHED', 'RESIDENTS_COMMITTEE_ELECTED', 'COMMUNITY_MERGED'] as const;
export type CommunityEventType = (typeof COMMUNITY_EVENTS)[number];

/** The decision each stage waits for. */
const NEXT_EVENT: Record<Exclude<AreaStage, 'established'>, CommunityEventType> = {
  choosingSetup: 'COMMUNITY_SETUP_DECIDED',
  establishing: 'COMMUNITY_ESTABLISHED',
  electing: 'RESIDENTS_COMMITTEE_ELECTED',
  merging: 'COMMUNITY_MERGED',
};

/** The areas a case starts with: only a case with two or more keeps them (one area: the `community` region as before). */
export function initialAreas(areas: ReadonlyArray<{ name: string; people?: number }> | undefined): AreaCommunity[] | undefined {
  if (!areas || areas.length < 2) return undefined;
  return areas.map((a) => ({ name: a.name, ...(a.people !== undefined ? { people: a.people } : {}) }));
}

export function areaStage(a: AreaCommunity): AreaStage {
  if (a.establishedOn) return 'established';
  if (!a.route) return 'choosingSetup';
  if (a.route === 'mergeIntoNeighbour') return 'merging';
  return a.communityName === undefined ? 'establishing' : 'electing';
}

/** The decision an area waits for, or undefined when its community is set up. */
export function nextAreaEvent(a: AreaCommunity): CommunityEventType | undefined {
  const stage = areaStage(a);
  return stage === 'established' ? undefined : NEXT_EVENT[stage];
}

export function everyAreaEstablished(areas: readonly AreaCommunity[] | undefined): boolean {
  return !!areas && areas.length > 0 && areas.every((a) => !!a.establishedOn);
}

/** The date the last area's community was set up (the community arrangements of the whole case are done then). */
export function lastEstablishedOn(areas: readonly AreaCommunity[]): string | undefined {
  return areas.map((a) => a.establishedOn).filter((d): d is string => !!d).sort().pop();
}

function areaOf(event: DecisionEvent): string | undefined {
  return (event.data as { area?: string } | undefined)?.area;
}

/**
 * Whether the decision is this area's next step. A decision that names no area or an unknown one is let through
 * to `applyAreaStep`, which refuses it naming `data.area` (a guard can only say "not now").
 */
export function isAreaStep(areas: readonly AreaCommunity[] | undefined, event: DecisionEvent): boolean {
  if (!areas) return false;
  const name = areaOf(event);
  const area = areas.find((a) => a.name === name);
  if (!area) return true;
  return nextAreaEvent(area) === event.type;
}

/** The areas after `event` (the next step of the area it names, `on` its date); throws naming `data.area` otherwise. */
export function applyAreaStep(areas: readonly AreaCommunity[], event: DecisionEvent, on: string): AreaCommunity[] {
  const name = areaOf(event);
  const names = areas.map((a) => `“${a.name}”`).join('、');
  if (name === undefined) {
    throw new Error(`data.area: 本案有 ${areas.length} 个职工家属区（${names}），请写明是哪一个 (this case has ${areas.length} residential areas; name one in data.area)`);
  }
  const i = areas.findIndex((a) => a.name === name);
  if (i < 0) throw new Error(`data.area: 本案没有职工家属区“${name}”，应为 ${names} 之一 (no residential area "${name}" in this case)`);
  const area = areas[i]!;
  if (nextAreaEvent(area) !== event.type) {
    throw new Error(`data.area: 职工家属区“${name}”现在不接受 ${event.type}（应为 ${nextAreaEvent(area) ?? '无：已完成'}） (area "${name}" does not take ${event.type} now)`);
  }
  const data = event.data as unknown as Record<string, unknown>;
  let next: AreaCommunity;
  switch (event.type) {
    case 'COMMUNITY_SETUP_DECIDED':
      next = { ...area, route: data.route as CommunityRoute };
      break;
    case 'COMMUNITY_ESTABLISHED':
      next = { ...area, communityName: excerpt(String(data.communityName)) };
      break;
    case 'RESIDENTS_COMMITTEE_ELECTED':
      next = { ...area, committeeElectedOn: on, establishedOn: on };
      break;
    case 'COMMUNITY_MERGED':
      next = { ...area, mergedInto: excerpt(String(data.intoCommunity)), establishedOn: on };
      break;
    default:
      throw new Error(`${(event as DecisionEvent).type} is not a community decision`);
  }
  return areas.map((a, j) => (j === i ? next : a));
}
