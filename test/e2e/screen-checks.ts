// Checks the directed-payment e2e tests share: axe with no serious or critical violation, the
// language and elderly switches, screenshots of a screen in every variant, and the smallest target.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { screenshot } from './browser';
import { repoRoot } from './kiosk-harness';

const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

export async function assertAccessible(page: Page, name: string): Promise<void> {
  // The page's CSP refuses inline scripts; evaluate() runs the source from the test instead.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const { violations, passed } = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown[]; passes: unknown[] }> } }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return { violations: results.violations, passed: results.passes.length };
  });
  assert.ok(passed > 5, `axe checked ${name} (${passed} rules passed)`);
  const bad = (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} @ ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    [],
    `axe on ${name}`,
  );
}

export async function isElderly(page: Page): Promise<boolean> {
  return (await page.getByTestId('kiosk').getAttribute('data-elderly')) === 'true';
}

export async function setElderly(page: Page, on: boolean): Promise<void> {
  if ((await isElderly(page)) !== on) await page.getByTestId('elderly-toggle').click();
  await page.locator(`[data-testid="kiosk"][data-elderly="${on}"]`).waitFor();
}

export async function setLang(page: Page, lang: 'zh' | 'en'): Promise<void> {
  const htmlLang = lang === 'zh' ? 'zh-CN' : 'en';
  if ((await page.getByTestId('kiosk').getAttribute('lang')) !== htmlLang) await page.getByTestId('lang-toggle').click();
  await page.locator(`[data-testid="kiosk"][lang="${htmlLang}"]`).waitFor();
}

/** Photographs the screen and checks it with axe in zh and en, normal and elderly; leaves it as found. */
export async function captureVariants(page: Page, name: string, modes: ReadonlyArray<boolean> = [false, true]): Promise<void> {
  const elderlyBefore = await isElderly(page);
  for (const elderly of modes) {
    await setElderly(page, elderly);
    for (const lang of ['zh', 'en'] as const) {
      await setLang(page, lang);
      const variant = `${name}-${lang}${elderly ? '-elderly' : ''}`;
      await screenshot(page, variant);
      await assertAccessible(page, variant);
    }
  }
  await setLang(page, 'zh');
  await setElderly(page, elderlyBefore);
}

/** The smallest side of any visible button: every one a patient or nurse may press. */
export async function smallestTarget(page: Page): Promise<number> {
  return page.evaluate(() => {
    const sizes = [...document.querySelectorAll('button')]
      .filter((b) => b.offsetParent !== null)
      .map((b) => {
        const r = b.getBoundingClientRect();
        return Math.min(r.width, r.height);
      });
    return Math.min(...sizes);
  });
}

/**
 * Staff entry is a long press on the title of the attract screen (nothing advertises it): holds it
 * for the gesture's time, then taps the door asked for ('staff-button' or 'bedside-button').
 */
export async function openStaffDoor(page: Page, door: 'staff-button' | 'bedside-button'): Promise<void> {
  const corner = page.getByTestId('staff-corner');
  const box = await corner.boundingBox();
  if (!box) throw new Error('no staff corner on the screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.getByTestId(door).waitFor({ timeout: 5_000 });
  await page.mouse.up();
  await page.getByTestId(door).click();
}
