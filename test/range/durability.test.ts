import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killUnderWrites } from '../../scripts/reliability/durability.js';

describe('range: --state-dir loses no answered write', function () {
  // 21 range processes; each loads in about a second on an idle machine, the next while the current one works.
  this.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'sirs-range-durable-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every answered write and its CloudTrail event after 20 SIGKILLs under write load', async () => {
    const result = await killUnderWrites({ dir, rounds: 20, concurrency: 8, maxWriteMs: 300 });
    expect(result.rounds).to.have.length(20);
    // Writes were answered in every round, so each kill landed under load.
    for (const r of result.rounds) expect(r.acknowledged.length, `round ${r.round}`).to.be.greaterThan(0);
    expect(result.lost).to.deep.equal([]);
    expect(result.eventsLost).to.deep.equal([]);
  });
});
