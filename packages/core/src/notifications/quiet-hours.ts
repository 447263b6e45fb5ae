/** A recipient's quiet hours: local `HH:MM` start and end (the window may wrap past midnight) in an IANA time zone. */
export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight of `HH:MM`. */
export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`not a HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes after local midnight at `at` in `timeZone` (seconds ignored). */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * When a message due at `now` may go out under `quiet`: null when `now` is outside the window (send
 * now), else the first instant the window is over (local `end`). A window with `start == end` is
 * empty. Across a daylight-saving change the end is found in local time, so "07:00" stays 07:00.
 */
export function quietHoldUntil(now: Date, quiet: QuietHours | null | undefined): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = localMinutes(now, quiet.timeZone);
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return null;
  // Minutes until local `end`, then correct for an offset change (DST) between now and then.
  const wait = (end - local + 1440) % 1440;
  const base = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + wait * 60_000);
  const drift = ((localMinutes(base, quiet.timeZone) - end + 720 + 1440) % 1440) - 720;
  const corrected = new Date(base.getTime() - drift * 60_000);
  // A local `end` the clocks skip (02:30 on a spring-forward night) does not exist: the corrected
  // instant would be back before the gap (even before `now`), so the window ends as late as the gap
  // moves it (03:30), the same wall-clock shift Temporal's "compatible" disambiguation makes.
  return localMinutes(corrected, quiet.timeZone) === end ? corrected : base;
}
