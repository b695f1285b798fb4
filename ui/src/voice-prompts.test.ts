import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { languages } from './i18n';
import { promptForSession, promptForStep, promptUrl, voicePrompts } from './voice-prompts';
import { amountClips, maxSpokenFen, numberClips, numberClipUrl } from './voice-amount';
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

describe('the amount to pay, spoken from number clips', () => {
  const zh = (fen: number) => amountClips('zh', fen).slice(1).join(' ');
  const en = (fen: number) => amountClips('en', fen).slice(1).join(' ');

  it('reads money in Chinese as 元角分 with 万, 零 and 两 where people say them', () => {
    assert.equal(zh(1_274_720), '1 wan liang qian 7 bai 4 shi 7 yuan 2 jiao');
    assert.equal(zh(20_000), 'liang bai yuan zheng');
    assert.equal(zh(100_500), '1 qian 0 5 yuan zheng');
    assert.equal(zh(1_005), 'shi yuan 0 5 fen');
    assert.equal(zh(1_210), 'shi 2 yuan 1 jiao');
    assert.equal(zh(1_050_000), '1 wan 0 5 bai yuan zheng');
    assert.equal(zh(100_100_000), '1 bai wan 1 qian yuan zheng');
    assert.equal(zh(1), '1 fen');
    // 二十, 二角, 二分: 两 only before 百, 千, 万.
    assert.equal(zh(5_142_322), '5 wan 1 qian 4 bai 2 shi 3 yuan 2 jiao 2 fen');
  });

  it('reads it in English in words, the fen as two digits after point', () => {
    assert.equal(en(1_274_720), '12 thousand 7 hundred 40 7 point 2 0 yuan');
    assert.equal(en(20_000), '2 hundred yuan');
    assert.equal(en(1_005), '10 point 0 5 yuan');
    assert.equal(en(100_100_000), '1 million 1 thousand yuan');
  });

  it('says nothing for nothing to pay, or for an amount past reading', () => {
    assert.deepEqual(amountClips('zh', 0), []);
    assert.deepEqual(amountClips('en', -5), []);
    assert.deepEqual(amountClips('zh', maxSpokenFen + 1), []);
    assert.equal(amountClips('en', 1)[0], 'pay-now');
  });

  it('has a bundled clip for every word an amount can use, in both languages', () => {
    // A spread of amounts reaches every clip; each must be a listed name and a file made by generate.sh.
    for (const lang of languages) {
      const used = new Set<string>();
      for (let fen = 1; fen < 2_000_000; fen = Math.floor(fen * 1.37) + 1) for (const c of amountClips(lang, fen)) used.add(c);
      for (const c of amountClips(lang, maxSpokenFen)) used.add(c);
      for (const clip of used) assert.ok(numberClips[lang].includes(clip), `${lang}: ${clip} is not a listed clip`);
      for (const clip of numberClips[lang]) {
        const file = path.join(publicDir, numberClipUrl(lang, clip));
        assert.ok(existsSync(file), `missing ${file}: run ui/audio/generate.sh --numbers`);
        const size = statSync(file).size;
        assert.ok(size > 1000 && size < 30_000, `${file} is ${size} bytes`);
      }
    }
  });
});
