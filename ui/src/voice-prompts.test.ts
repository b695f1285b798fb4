import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { languages } from './i18n';
import { promptForSession, promptForStep, promptUrl, voicePrompts } from './voice-prompts';
import type { FacePrompt } from '../../terminal/api/schema';

const publicDir = path.resolve(import.meta.dirname, '../public');

describe('voice prompts', () => {
  it('has a small generated audio file for every prompt in every language', () => {
    for (const lang of languages) {
      for (const prompt of voicePrompts) {
        const file = path.join(publicDir, promptUrl(lang, prompt));
        assert.ok(existsSync(file), `missing ${file}: run ui/audio/generate.sh`);
        const size = statSync(file).size;
        assert.ok(size > 1000 && size < 100_000, `${file} is ${size} bytes`);
      }
    }
  });

  it('speaks where the patient must act and stays quiet while the terminal works', () => {
    assert.equal(promptForStep('identify'), 'identify');
    assert.equal(promptForStep('confirm'), 'confirm');
    assert.equal(promptForStep('settling'), null);
    assert.equal(promptForStep('idle'), null);
  });

  it('speaks each face instruction, telling the patient their own side', () => {
    const face = (prompt: FacePrompt) => promptForSession({ step: 'face', face: { mode: 'verify', prompt } });
    assert.equal(face('come-closer'), 'face-closer');
    // The nose moving to the image's left is the patient turning to their own right.
    assert.equal(face('turn-left'), 'face-turn-right');
    assert.equal(face('turn-right'), 'face-turn-left');
    assert.equal(promptForSession({ step: 'face', face: null }), 'face-look');
    assert.equal(promptForSession({ step: 'history' }), 'history');
    assert.equal(promptForSession({ step: 'settling' }), null);
  });
});

describe('the receipt prompt (issue 14 item 2)', () => {
  const receipt = (atCashierFen: number, owedFen: number) => ({
    settlementId: 'S1',
    platformSettlementId: null,
    settledAt: '2025-01-01T00:00:00Z',
    split: { totalFen: 1, fundFen: 0, basicFundFen: 0, criticalIllnessFen: 0, medicalAidFen: 0, otherFundFen: 0, personalAccountFen: 0, familyAccountFen: 0, cashFen: 1 },
    balanceAfterFen: null,
    selfPay: { method: 'cashier' as const, paidByCodeFen: 0, owedFen, atCashierFen },
  });
  it('says 缴费成功 only when nothing is owed', () => {
    assert.equal(promptForSession({ step: 'receipt', face: null, receipt: receipt(0, 0) }), 'receipt');
    assert.equal(promptForSession({ step: 'receipt', face: null, receipt: receipt(100, 0) }), null);
    assert.equal(promptForSession({ step: 'receipt', face: null, receipt: receipt(0, 100) }), null);
  });
});
