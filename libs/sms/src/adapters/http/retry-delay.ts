/** How long to wait before attempt `attempt + 1`: the server's Retry-After when it sent one (seconds or an HTTP date), else an exponential backoff. */
export function retryDelayMs(attempt: number, retryAfter: string | null, now: number, baseDelayMs: number): number {
  const backoff = baseDelayMs * 2 ** (attempt - 1);
  if (retryAfter === null) return backoff;
  const trimmed = retryAfter.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday and month; Date.parse would also take "-5" for a year.
  const date = /[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? backoff : Math.max(0, date - now);
}
