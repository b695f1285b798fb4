import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditEvent, decide, type FaceMeasurements } from './decision';
import { parseFaceConfig } from './face-config';

const config = parseFaceConfig();
const good: FaceMeasurements = {
  faceCount: 1, faceSize: 200, secondFaceSize: null, brightness: 120, sharpness: 500, yaw: 0, rollDegrees: 2, liveness: null, similarity: 0.97,
};

test('each outcome follows from the measurements and the configured thresholds', () => {
  assert.equal(decide(good, config).outcome, 'verified');
  assert.equal(decide({ ...good, faceCount: 0, faceSize: null }, config).outcome, 'no-face');
  assert.equal(decide({ ...good, faceCount: 2, secondFaceSize: 180 }, config).outcome, 'several-faces');
  assert.equal(decide({ ...good, faceCount: 2, secondFaceSize: 60 }, config).outcome, 'verified');
  assert.equal(decide({ ...good, faceSize: 50 }, config).outcome, 'too-small');
  assert.equal(decide({ ...good, brightness: 20 }, config).outcome, 'too-dark');
  assert.deepEqual(decide({ ...good, sharpness: 5, yaw: 0.9 }, config), { outcome: 'poor-quality', reasons: ['blurred', 'turned-away'] });
  assert.equal(decide({ ...good, similarity: config.decision.matchThreshold - 0.01 }, config).outcome, 'not-same-person');
  assert.equal(decide({ ...good, liveness: 0.05 }, config).outcome, 'spoof-suspected');
  assert.equal(decide({ ...good, liveness: 0.5 }, config).outcome, 'challenge-required');
  assert.equal(decide({ ...good, liveness: 0.5 }, config, { challengePassed: true }).outcome, 'verified');
  assert.equal(decide({ ...good, liveness: 0.95 }, config).outcome, 'verified');
});

test('the audit event carries scores and the decision, and nothing that is an image', () => {
  const event = auditEvent(good, decide(good, config), config, 42.123, {}, new Date('2025-01-02T03:04:05Z'));
  assert.equal(event.at, '2025-01-02T03:04:05.000Z');
  assert.equal(event.outcome, 'verified');
  assert.equal(event.similarity, 0.97);
  assert.equal(event.elapsedMs, 42.1);
  const json = JSON.stringify(event);
  assert.ok(json.length < 600, 'an audit event is a few scores, not a picture');
  for (const v of Object.values(event)) assert.ok(!(v instanceof Uint8Array) && !(v instanceof Float32Array));
});
