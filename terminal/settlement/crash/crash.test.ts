// kill -9 in the middle, 200 times: no visit lost, none settled twice, every fen accounted for.
// (A blind resend of an unknown 2207 in place of the reversal makes this fail: tried, 18 of 80 lost.)
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runCrashCampaign } from './campaign';

it('survives 200 SIGKILLs mid-settlement with every visit settled exactly once', { timeout: 600_000 }, async () => {
  const result = await runCrashCampaign({ kills: 200, visits: 200, seed: 20261123, killWindowMs: 150 });
  console.log(JSON.stringify(result));
  assert.ok(result.kills >= 150, `kills must land before the work is done (${result.kills})`);
  assert.ok(result.killsMidWork >= 150, `most kills must land mid-work (${result.killsMidWork})`);
  assert.ok(result.settledUnderFaults > 0, 'the faults met real settlements');
  assert.ok((result.unknownOutcomes['2207'] ?? 0) > 0, 'some settlements had unknown outcomes');
  assert.equal(result.lost, 0);
  assert.equal(result.duplicated, 0);
  assert.equal(result.mismatchedFen, 0);
  assert.equal(result.leftQueued, 0);
  assert.equal(result.settled, result.visits);
});
