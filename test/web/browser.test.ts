import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';

describe('chat page in headless Chromium', () => {
  let fake: FakeLlm;
  let browser: Browser;

  beforeAll(async () => {
    fake = await startFakeLlm({ chunkDelayMs: 40 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fake?.close();
  });

  it('sends a typed message, shows the reply as it streams, and reloads the history', async () => {
    const app: TestApp = await startTestApp({ backend: 'sqlite', fake, env: { PORT: '0' } });
    try {
      const { url } = await app.startWeb();
      const page = await browser.newPage();
      await page.goto(url);
      await expect.poll(() => page.locator('#setup').isHidden()).toBe(true);

      // Slow enough pieces that the page is seen mid-stream (a fast stream can finish before the first poll).
      fake.script({ text: 'Hello **Tess**, this reply arrives in pieces.', chunks: 6, chunkDelayMs: 250 });
      await page.fill('#input', 'Hi Clara, I am Tess');
      await page.keyboard.press('Enter');
      await page.locator('.message.user').getByText('Hi Clara, I am Tess').waitFor();

      const reply = page.locator('.message.assistant').last();
      // While streaming, the bubble holds part of the text and the pending cursor.
      await expect.poll(() => reply.getAttribute('class')).toContain('pending');
      await expect.poll(async () => (await reply.textContent())?.length ?? 0).toBeGreaterThan(0);
      await expect.poll(() => reply.textContent()).toBe('Hello Tess, this reply arrives in pieces.');
      await expect.poll(() => reply.getAttribute('class')).not.toContain('pending');
      expect(await reply.locator('strong').textContent()).toBe('Tess');

      await page.reload();
      await page.locator('.message.assistant').getByText('this reply arrives in pieces').waitFor();
      expect(await page.locator('.message.user').allTextContents()).toEqual(['Hi Clara, I am Tess']);
      await page.close();
    } finally {
      await app.stop();
    }
  });

  it('explains which variables to set when no LLM is configured', async () => {
    const app: TestApp = await startTestApp({
      backend: 'sqlite',
      env: { PORT: '0', LLM_PROVIDER: 'nanogpt' },
    });
    try {
      const { url } = await app.startWeb();
      const page = await browser.newPage();
      await page.goto(url);
      const setup = page.locator('#setup');
      await setup.waitFor();
      expect(await setup.textContent()).toContain('NANOGPT_API_KEY');
      await page.fill('#input', 'anyone there?');
      await page.keyboard.press('Enter');
      await page.locator('.status.error').getByText('NANOGPT_API_KEY').waitFor();
      await page.close();
    } finally {
      await app.stop();
    }
  });
});
