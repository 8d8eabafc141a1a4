import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { startExercise } from '../../src/exercise/run.js';
import type { ExerciseEvent } from '../../src/exercise/events.js';
import { addScenario, scratch } from '../e2e/helpers.js';

describe("teardown progress shows only the stack's delete events", function () {
  this.timeout(60_000);
  let dirs: { cwd: string; catalog: string };
  before(() => {
    dirs = scratch();
  });
  after(() => rmSync(dirs.cwd, { recursive: true, force: true }));

  it('never replays the creation events (Vpc CREATE_IN_PROGRESS ...) after the delete was requested', async () => {
    const events: ExerciseEvent[] = [];
    const result = await startExercise({
      scenarios: [addScenario(dirs.catalog, 'ssh-open-to-world')],
      target: { target: 'range' }, // an in-process range of its own
      cwd: dirs.cwd,
      exerciseId: 'teardown-progress',
      emit: (e) => events.push(e),
      confirm: async () => true,
      signal: new AbortController().signal,
      pollMs: 50,
      live: async () => 'facilitator',
    });
    expect(result.leftovers).to.deep.equal([]);
    const deleting = events.findIndex((e) => e.type === 'stack.deleting');
    expect(deleting, 'teardown asked to delete the stack').to.be.greaterThan(0);
    const created = events.slice(0, deleting).filter((e) => e.type === 'stack.event');
    expect(created.length, 'creation progress was shown while creating').to.be.greaterThan(0);
    const after = events
      .slice(deleting)
      .filter((e): e is Extract<ExerciseEvent, { type: 'stack.event' }> => e.type === 'stack.event');
    expect(
      after.filter((e) => !e.status.startsWith('DELETE_')).map((e) => `${e.logicalId} ${e.status}`),
    ).to.deep.equal([]);
  });
});
