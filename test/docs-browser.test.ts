import t from 'tap'
import { existsSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import { build } from './helper.js'

// Swagger UI in a real browser, as a new user tries it: authorize with a key, then "Try it out"
// and "Execute" with the pre-filled example. Chromium is Debian's package (.ci/run installs it);
// playwright-core never downloads one.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SCREENSHOTS = resolve(fileURLToPath(import.meta.url), '../../.tap/screenshots')
// Generous: a bound for a hang on a busy machine, never a measure of speed.
const WAIT_MS = 120_000

if (!existsSync(CHROMIUM)) {
  t.fail(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install --no-install-recommends chromium) or set CHROMIUM_PATH`)
} else {
  t.test('Swagger UI runs the pre-filled examples of POST /api/execute and POST /api/workflows', async t => {
    const { baseUrl, adminKey } = await build(t)
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Chromium's sandbox refuses to start as root (CI runs as root, in a container).
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : []
    })
    t.teardown(() => browser.close())
    const page = await browser.newPage()
    page.setDefaultTimeout(WAIT_MS)

    /** Runs a step; when it throws, a screenshot of the page goes into .tap/screenshots and its path into the failure. */
    const step = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
      try {
        return await action()
      } catch (err) {
        mkdirSync(SCREENSHOTS, { recursive: true })
        const path = resolve(SCREENSHOTS, `docs-browser-${name}.png`)
        await page.screenshot({ path, fullPage: true }).catch(() => {})
        throw new Error(`${name} failed (screenshot: ${path}): ${(err as Error).message}`)
      }
    }

    await step('open', async () => {
      await page.goto(`${baseUrl}/docs`)
      await page.locator('.opblock').first().waitFor()
    })
    await step('authorize', async () => {
      await page.locator('.auth-wrapper button.authorize').click()
      const dialog = page.locator('.dialog-ux .modal-ux')
      await dialog.locator('input').first().fill(adminKey)
      await dialog.locator('button.authorize').click()
      await dialog.locator('button.btn-done').click()
      await dialog.waitFor({ state: 'detached' })
    })

    for (const [tag, operationId, path] of [['execute', 'executePrompt', '/api/execute'], ['workflows', 'createWorkflow', '/api/workflows']] as const) {
      const status = await step(operationId, async () => tryItOut(page, `#operations-${tag}-${operationId}`))
      t.ok(status >= 200 && status < 300, `POST ${path} with Swagger UI's pre-filled example answers 2xx (got ${status})`)
    }
  })
}

/** Expands an operation, presses "Try it out" and "Execute", and reads the status of the live answer. */
async function tryItOut (page: Page, selector: string): Promise<number> {
  const operation = page.locator(selector)
  await operation.locator('.opblock-summary').first().click()
  await operation.locator('button.try-out__btn').click()
  // The pre-filled body: Swagger UI copies the media example into the editor.
  const body = operation.locator('textarea.body-param__text')
  await body.waitFor()
  if ((await body.inputValue()).trim() === '') throw new Error('the request body is not pre-filled')
  await operation.locator('button.execute').click()
  const cell = operation.locator('.live-responses-table .response .response-col_status').first()
  await cell.waitFor()
  const text = (await cell.textContent()) ?? ''
  const status = Number(/\d{3}/.exec(text)?.[0])
  if (!Number.isInteger(status)) throw new Error(`no status in the answer: ${JSON.stringify(text)}`)
  if (status < 200 || status >= 300) {
    const answer = await operation.locator('.live-responses-table .response-col_description').first().textContent()
    throw new Error(`answered ${status}: ${answer ?? ''}`)
  }
  return status
}
