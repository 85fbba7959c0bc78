/**
 * The chat page's email alerts view in headless Chromium: the owner's recent alerts from a real Dovecot mailbox
 * (GET /api/email/alerts) with sender, why it matched and the delivery state; text from the mail is shown as text,
 * never as HTML; Refresh shows new ones; without monitoring and alerts the view stays hidden.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../src/crypto/index.js';
import { mail, until } from '../email/harness.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';

const OWNER = { email: 'tess@example.com', password: 'tess-web-pw' };

describe('email alerts on the chat page (headless Chromium)', { timeout: 120_000 }, () => {
  let browser: Browser;
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot([OWNER]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await dovecot?.dispose();
  });

  it("shows the owner's recent alerts, escaped, and new ones on Refresh", async () => {
    const app: TestApp = await startTestApp({
      backend: 'sqlite',
      env: { PORT: '0', EMAIL_MONITORING_ENABLED: 'true', EMAIL_ENCRYPTION_KEY: generateFernetKey() },
    });
    try {
      const owner = app.config.USER_ID;
      const { service } = app.email;
      await service.addAccount(owner, {
        emailAddress: OWNER.email,
        password: OWNER.password,
        imapServer: dovecot.host,
        imapPort: dovecot.port,
        tls: false,
      });
      await service.applyPreset(owner, 'security');
      await until('watching', async () => (await service.listAccounts(owner))[0]?.watchMode === 'idle');
      await dovecot.deliver(
        OWNER.email,
        mail('Your verification code <img src=x onerror="window.pwned=1"> is 5150', {
          from: 'Bank <alerts@bank.example>',
        }),
      );
      await until('alert recorded', async () => (await service.recentAlerts(owner)).length === 1);

      const { url } = await app.startWeb();
      const page = await browser.newPage();
      await page.goto(url);
      const view = page.locator('#email-alerts');
      await view.waitFor();
      await expect.poll(() => page.locator('#email-alerts-count').textContent()).toBe('(1)');
      await page.locator('#email-alerts summary').click();
      const item = page.locator('#email-alerts-list li.email-alert');
      await expect.poll(() => item.count()).toBe(1);
      expect(await item.locator('.alert-subject').textContent()).toBe(
        'Your verification code <img src=x onerror="window.pwned=1"> is 5150',
      );
      expect(await item.locator('img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await item.locator('.alert-meta').textContent()).toMatch(
        /^From Bank <alerts@bank\.example> · tess@example\.com · .* · HIGH$/,
      );
      expect(await item.locator('.alert-why').textContent()).toBe(
        'Why: Security Alerts: subject contains “verification code”',
      );
      expect(await item.getAttribute('class')).toContain('importance-high');
      expect(await item.getAttribute('data-status')).toBe('sent');

      await dovecot.deliver(OWNER.email, mail('Suspicious activity on your account'));
      await until('second alert', async () => (await service.recentAlerts(owner)).length === 2);
      await page.locator('#email-alerts-refresh').click();
      await expect.poll(() => item.count()).toBe(2);
      expect(await page.locator('#email-alerts-count').textContent()).toBe('(2)');
      expect(await item.locator('.alert-subject').allTextContents()).toContain(
        'Suspicious activity on your account',
      );
      await page.close();
    } finally {
      await app.stop();
    }
  });

  it('stays hidden without monitoring and without alerts', async () => {
    const app: TestApp = await startTestApp({ backend: 'sqlite', env: { PORT: '0' } });
    try {
      const { url } = await app.startWeb();
      const response = await fetch(`${url}api/email/alerts`);
      expect(await response.json()).toEqual({ alerts: [], monitoring: false });
      const page = await browser.newPage();
      await page.goto(url);
      await page.locator('#input').waitFor();
      await expect.poll(() => page.locator('#email-alerts-count').textContent()).toBe('(0)');
      expect(await page.locator('#email-alerts').isHidden()).toBe(true);
      await page.close();
    } finally {
      await app.stop();
    }
  });
});
