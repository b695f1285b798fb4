// Walks the kiosk session's table: every step and event has an answer, the answers name real steps,
// every step can be reached from the attract screen, and every step has a way back to it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStep } from '../api/schema';
import { accepts, commandEvents, initialStep, leadsTo, outcomeEvents, sessionEvents, sessionTable, targetsOf } from './session-table';

const steps = SessionStep.options;

/** Every step reachable from `from` by any event the table has. */
function reachableFrom(from: SessionStep): Set<SessionStep> {
  const seen = new Set<SessionStep>([from]);
  const queue: SessionStep[] = [from];
  while (queue.length > 0) {
    const step = queue.shift()!;
    for (const event of sessionEvents) {
      for (const to of targetsOf(step, event)) {
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
  }
  return seen;
}

describe('the kiosk session table', () => {
  it('has a row for every step of the API and no other', () => {
    assert.deepEqual(Object.keys(sessionTable).sort(), [...steps].sort());
  });

  it('answers every (step, event) pair: targets that are steps, or a refusal', () => {
    for (const step of steps) {
      for (const event of sessionEvents) {
        const targets = targetsOf(step, event);
        assert.equal(accepts(step, event), targets.length > 0, `${step} x ${event}`);
        for (const to of targets) {
          assert.ok(steps.includes(to), `${step} x ${event} -> ${to} is not a step`);
          assert.ok(leadsTo(step, event, to));
        }
      }
      // No row names an event the session does not know.
      for (const event of Object.keys(sessionTable[step])) assert.ok(sessionEvents.includes(event as never), `${step} lists unknown event ${event}`);
    }
  });

  it('names each event once, as a command or as an outcome', () => {
    assert.equal(new Set(sessionEvents).size, commandEvents.length + outcomeEvents.length);
  });

  it('refuses what a step does not take', () => {
    assert.equal(accepts('idle', 'confirm'), false);
    assert.equal(accepts('receipt', 'credential'), false);
    assert.equal(accepts('identify', 'camera-frame'), false);
    assert.equal(accepts('history', 'enrol-face'), false);
    assert.deepEqual(targetsOf('confirm', 'confirm'), ['settling']);
  });

  it('reaches every step from the attract screen', () => {
    const reached = reachableFrom(initialStep);
    assert.deepEqual(steps.filter((s) => !reached.has(s)), []);
  });

  it('has a way back to the attract screen from every step', () => {
    for (const step of steps) assert.ok(reachableFrom(step).has(initialStep), `${step} never returns to ${initialStep}`);
  });

  it('lets every step start a new pass and walk away', () => {
    for (const step of steps) {
      assert.deepEqual(targetsOf(step, 'begin'), ['identify'], step);
      assert.deepEqual(targetsOf(step, 'reset'), ['idle'], step);
    }
  });

  it('leaves every step a pass can rest on only by an event the patient, staff or a device sends', () => {
    // A resting step waits for someone; an outcome only arrives while a call is out.
    const resting: SessionStep[] = ['idle', 'identify', 'confirm', 'receipt', 'pending', 'history'];
    for (const step of resting) {
      for (const event of outcomeEvents) {
        if (event === 'credit-refused') continue; // the confirm step's own answer to a refused confirm
        assert.equal(accepts(step, event), false, `${step} takes outcome ${event}`);
      }
    }
  });
});
