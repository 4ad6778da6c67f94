import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';

import { describeWithChromium, launchBrowser, startBrowserTestApp, type BrowserTestApp, type TestBrowser } from './browser-test-app.js';

/**
 * With UPDATE_SCREENSHOTS=1 the suite saves the main screens to docs/screenshots/, for the
 * README; otherwise it takes none, so a test run leaves the working tree unchanged.
 */
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : undefined;

/** Time allowed for one step in the browser: a page load, a redirect chain, a message. */
const STEP_TIMEOUT_MS = 10_000;

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR === undefined) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png` });
}

/** Fills the emulator's consent form (GET /v3/connect/auth) and presses Approve. */
async function approveConsent(page: Page, email: string, name: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Approve' }).click();
}

describeWithChromium()('demo in Chromium', () => {
  let demo: BrowserTestApp;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    demo = await startBrowserTestApp();
    browser = await launchBrowser();
    browser.context.setDefaultTimeout(STEP_TIMEOUT_MS);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** Waits until the status message of `target` shows `expected`. */
  async function expectMessage(target: Page, expected: string | RegExp): Promise<void> {
    const message = target.locator('#message');
    await message.filter({ hasText: expected }).waitFor();
  }

  async function grantEmails(): Promise<string[]> {
    await page.goto(`${demo.baseUrl}/`);
    await page.getByText('Signed in as').waitFor();
    // The list loads after the page; wait until the table or the empty note is shown.
    await page.locator('#grants:not([hidden]), #no-grants:not([hidden])').first().waitFor();
    return page.locator('#grants tbody tr td:first-child').allTextContents();
  }

  test('signs in', async () => {
    await page.goto(`${demo.baseUrl}/`);
    await page.getByLabel('Username').waitFor();
    await screenshot(page, 'sign-in');

    await page.getByLabel('Username').fill('alice');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByText('Signed in as alice').waitFor();
    await expectNoGrants();
  });

  async function expectNoGrants(): Promise<void> {
    await page.locator('#no-grants').filter({ hasText: 'No mailbox is linked yet.' }).waitFor();
  }

  test('connects inline through the consent page', async () => {
    await page.getByLabel('Provider').selectOption('google');
    await page.getByRole('link', { name: 'Connect in this window' }).click();

    await page.waitForURL(`${demo.emulator.url}/v3/connect/auth?**`);
    await page.getByRole('heading', { name: 'Connect an account' }).waitFor();
    await screenshot(page, 'consent-page');
    await approveConsent(page, 'alice.inline@example.com', 'Alice Inline');

    await page.waitForURL(`${demo.baseUrl}/`);
    await expectMessage(page, 'The mailbox is connected.');
    await page.getByRole('cell', { name: 'alice.inline@example.com', exact: true }).waitFor();
  });

  test('connects through the pop-up', async () => {
    await page.getByLabel('Provider').selectOption('microsoft');
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Connect in a pop-up' }).click();
    const popup = await popupOpened;

    await popup.getByRole('heading', { name: 'Connect an account' }).waitFor();
    const popupClosed = popup.waitForEvent('close');
    await approveConsent(popup, 'alice.popup@example.com', 'Alice Popup');
    await popupClosed;

    await expectMessage(page, 'Connected alice.popup@example.com (microsoft).');
    await page.getByRole('cell', { name: 'alice.popup@example.com', exact: true }).waitFor();
    expect(page.url()).toBe(`${demo.baseUrl}/`);
  });

  test('connects through the @nylas/connect page', async () => {
    await page.getByRole('link', { name: 'Connect with @nylas/connect' }).click();
    await page.waitForURL(`${demo.baseUrl}/connect-library`);
    await page.getByText('Signed in as alice').waitFor();
    await page.getByLabel('Provider').selectOption('imap');

    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Connect with @nylas/connect' }).click();
    const popup = await popupOpened;
    await popup.getByRole('heading', { name: 'Connect an account' }).waitFor();
    const popupClosed = popup.waitForEvent('close');
    await approveConsent(popup, 'alice.library@example.com', 'Alice Library');
    await popupClosed;

    await expectMessage(page, 'Connected alice.library@example.com (imap) through @nylas/connect.');
    await screenshot(page, 'connect-library');
  });

  test('lists the three grants', async () => {
    const emails = await grantEmails();

    expect(emails.sort()).toEqual(['alice.inline@example.com', 'alice.library@example.com', 'alice.popup@example.com']);
    await screenshot(page, 'linked-mailboxes');
  });

  test('disconnects one grant', async () => {
    await page.getByRole('button', { name: 'Disconnect alice.popup@example.com' }).click();

    await expectMessage(page, 'Disconnected alice.popup@example.com.');
    await page.getByRole('cell', { name: 'alice.popup@example.com', exact: true }).waitFor({ state: 'detached' });
    expect((await grantEmails()).sort()).toEqual(['alice.inline@example.com', 'alice.library@example.com']);
  });

  test('denied consent shows the failure message', async () => {
    await page.getByRole('link', { name: 'Connect in this window' }).click();
    await page.getByRole('heading', { name: 'Connect an account' }).waitFor();
    await page.getByRole('button', { name: 'Deny' }).click();

    await page.waitForURL(`${demo.baseUrl}/`);
    await expectMessage(page, 'Access was denied, so no mailbox was connected. (code: access_denied)');
    await screenshot(page, 'access-denied');
  });

  test('denied consent in the pop-up shows the failure message', async () => {
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Connect in a pop-up' }).click();
    const popup = await popupOpened;
    await popup.getByRole('heading', { name: 'Connect an account' }).waitFor();
    const popupClosed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Deny' }).click();
    await popupClosed;

    await expectMessage(page, 'Access was denied, so no mailbox was connected. (code: access_denied)');
    expect((await grantEmails()).sort()).toEqual(['alice.inline@example.com', 'alice.library@example.com']);
  });

  test('sent no request off this machine', () => {
    expect(browser.blockedRequests).toEqual([]);
  });
});
