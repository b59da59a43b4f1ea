// The to-do list asks the visibility store only for the stages where the user's role may act (HandoverStage IN …):
// those stages, computed from the registered process definitions, must hold every state where the role has a
// decision to take, or a to-do would be missed; roles that answer events open at any time are not narrowed.
import type { AnyStateMachine } from 'xstate';
import { stagesWhereRoleActs } from '../../client/todo';
import { EVENT_REGISTRY, type EventType } from '../../machines/events';
import { ROLES } from '../../machines/roles';
import { REGISTERED_DEFINITIONS } from '../../workflows/definitions';

/** Every state node's own handlers, with the top-level state it lies in. */
function handlers(machine: AnyStateMachine): Array<{ top: string; event: string }> {
  const out: Array<{ top: string; event: string }> = [];
  const walk = (node: AnyStateMachine['root'], top: string) => {
    for (const event of Object.keys(node.config.on ?? {})) out.push({ top, event });
    for (const [key, child] of Object.entries(node.states)) walk(child, top || key);
  };
  walk(machine.root, '');
  return out;
}

describe('stagesWhereRoleActs', () => {
  it('holds, for every role, each stage of every registered definition where it has a decision to take', () => {
    for (const role of ROLES) {
      const stages = stagesWhereRoleActs(role);
      if (stages === undefined) continue;
      for (const { machine, version } of REGISTERED_DEFINITIONS) {
        for (const { top, event } of handlers(machine)) {
          if (!top || !(event in EVENT_REGISTRY)) continue; // root handlers: open at any time
          if (!(EVENT_REGISTRY[event as EventType].roles as readonly string[]).includes(role)) continue;
          expect([role, version, event, stages.includes(top)]).toEqual([role, version, event, true]);
        }
      }
    }
  });

  it('narrows the parties to their stages, and leaves roles that answer at any time unnarrowed', () => {
    expect(stagesWhereRoleActs('parentGroup')).toEqual(['workPlan']);
    expect(stagesWhereRoleActs('districtGovernment')).toEqual(expect.arrayContaining(['agreement', 'implementation']));
    expect(stagesWhereRoleActs('districtGovernment')).not.toContain('survey');
    expect(stagesWhereRoleActs('township')).toContain('survey');
    // 市民政局 files major problems and 市国资委 verifies new tasks whatever the stage.
    expect(stagesWhereRoleActs('cityCivilAffairs')).toBeUndefined();
    expect(stagesWhereRoleActs('citySasac')).toBeUndefined();
  });
});
