/**
 * POSTs one JSON message to a webhook. A notification must never hide the
 * failure it reports, so delivery problems (refused, timed out, non-2xx) are
 * returned, not thrown.
 */
export async function postWebhook(
  url: string,
  message: unknown,
  timeoutMs = 5000,
): Promise<{ delivered: true } | { delivered: false; reason: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'opais-changelog' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok ? { delivered: true } : { delivered: false, reason: `HTTP ${response.status}` };
  } catch (error) {
    return { delivered: false, reason: (error as Error).message };
  }
}
