// The event an accepted decision applies, computed without the gate. The `decide` handler never refuses what its
// validator accepted: on replay Temporal runs no validators (the update's acceptance is in the history), and a
// history may hold a decision that today's gate, made stricter since, would refuse. Re-checking it there would
// leave the case where it was and the replay would diverge; the handler applies it as it was applied then.
import { parseDecision, type DecisionEvent } from '../../machines/events';
import type { DecisionRequest } from '../messages';

/** The decision as an event stamped `receivedAt` = `now`: parsed as the gate parses it, or as sent if today's schema refuses it. */
export function acceptedDecisionEvent(request: DecisionRequest, now: number): DecisionEvent {
  const parsed = parseDecision(request);
  const event = parsed.ok
    ? parsed.event
    : ({
        type: request.type,
        actor: request.actor,
        occurredOn: request.occurredOn,
        ...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
        data: request.data ?? {},
      } as DecisionEvent);
  return { ...event, receivedAt: new Date(now).toISOString() } as DecisionEvent;
}
