import { describe, expect, it } from 'vitest';
import { isTimeZone, type QuietHours, quietHoldUntil } from '../src/index.js';

/** Local wall-clock `HH:MM` of an instant in a zone. */
function localHHMM(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    at,
  );
}

const hold = (now: string, start: string, end: string, timeZone: string) =>
  quietHoldUntil(new Date(now), { start, end, timeZone })?.toISOString() ?? null;

describe('quietHoldUntil: when a message due now may go out', () => {
  // [case, now (UTC), start, end, zone, held until (UTC) or null = send now]
  it.each([
    // Africa/Lagos is UTC+1 all year. A window that does not wrap: 13:00-14:00.
    ['before a daytime window', '2027-01-10T11:59:00.000Z', '13:00', '14:00', 'Africa/Lagos', null],
    [
      'at its start (inclusive)',
      '2027-01-10T12:00:00.000Z',
      '13:00',
      '14:00',
      'Africa/Lagos',
      '2027-01-10T13:00:00.000Z',
    ],
    [
      'inside, seconds past the minute',
      '2027-01-10T12:30:45.123Z',
      '13:00',
      '14:00',
      'Africa/Lagos',
      '2027-01-10T13:00:00.000Z',
    ],
    ['in its last minute', '2027-01-10T12:59:59.999Z', '13:00', '14:00', 'Africa/Lagos', '2027-01-10T13:00:00.000Z'],
    ['at its end (exclusive)', '2027-01-10T13:00:00.000Z', '13:00', '14:00', 'Africa/Lagos', null],
    ['at night, outside it', '2027-01-10T23:30:00.000Z', '13:00', '14:00', 'Africa/Lagos', null],
    // A window that wraps past midnight: 22:00-07:00.
    ['before a night window', '2027-01-10T20:59:00.000Z', '22:00', '07:00', 'Africa/Lagos', null],
    ['at its start', '2027-01-10T21:00:00.000Z', '22:00', '07:00', 'Africa/Lagos', '2027-01-11T06:00:00.000Z'],
    ['before local midnight', '2027-01-10T22:45:00.000Z', '22:00', '07:00', 'Africa/Lagos', '2027-01-11T06:00:00.000Z'],
    [
      'after local midnight (UTC still the day before)',
      '2027-01-10T23:30:00.000Z',
      '22:00',
      '07:00',
      'Africa/Lagos',
      '2027-01-11T06:00:00.000Z',
    ],
    ['in its last minute', '2027-01-11T05:59:00.000Z', '22:00', '07:00', 'Africa/Lagos', '2027-01-11T06:00:00.000Z'],
    ['at its end', '2027-01-11T06:00:00.000Z', '22:00', '07:00', 'Africa/Lagos', null],
    ['at noon', '2027-01-11T11:00:00.000Z', '22:00', '07:00', 'Africa/Lagos', null],
    // An empty window (start == end) never holds.
    ['an empty window at its time', '2027-01-10T08:00:00.000Z', '09:00', '09:00', 'Africa/Lagos', null],
    ['an empty window at another time', '2027-01-10T20:00:00.000Z', '09:00', '09:00', 'Africa/Lagos', null],
    // A one-minute window.
    ['a one-minute window', '2027-01-10T12:00:30.000Z', '13:00', '13:01', 'Africa/Lagos', '2027-01-10T12:01:00.000Z'],
    // Asia/Kolkata is UTC+05:30: the half hour matters.
    ['Kolkata: a minute before the window', '2027-01-10T16:29:00.000Z', '22:00', '07:00', 'Asia/Kolkata', null],
    ['Kolkata: at its start', '2027-01-10T16:30:00.000Z', '22:00', '07:00', 'Asia/Kolkata', '2027-01-11T01:30:00.000Z'],
    ['Kolkata: inside', '2027-01-10T20:00:00.000Z', '22:00', '07:00', 'Asia/Kolkata', '2027-01-11T01:30:00.000Z'],
    ['Kolkata: at its end', '2027-01-11T01:30:00.000Z', '22:00', '07:00', 'Asia/Kolkata', null],
    // America/New_York in winter (UTC-5) and summer (UTC-4).
    [
      'New York in winter',
      '2027-01-11T04:00:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-01-11T12:00:00.000Z',
    ],
    [
      'New York in summer',
      '2027-07-11T04:00:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-07-11T11:00:00.000Z',
    ],
    // 2027-03-14: clocks go from 02:00 EST to 03:00 EDT (07:00Z). 07:00 local is 11:00Z that morning.
    [
      'spring forward: held before the change (23:00 EST)',
      '2027-03-14T04:00:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-03-14T11:00:00.000Z',
    ],
    [
      'spring forward: 01:30 EST',
      '2027-03-14T06:30:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-03-14T11:00:00.000Z',
    ],
    [
      'spring forward: 03:30 EDT, after the change',
      '2027-03-14T07:30:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-03-14T11:00:00.000Z',
    ],
    [
      'spring forward: 06:59 EDT',
      '2027-03-14T10:59:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-03-14T11:00:00.000Z',
    ],
    ['spring forward: 07:00 EDT', '2027-03-14T11:00:00.000Z', '22:00', '07:00', 'America/New_York', null],
    // 2027-11-07: clocks go from 02:00 EDT back to 01:00 EST (06:00Z). 07:00 local is 12:00Z that morning.
    [
      'fall back: held before the change (22:00 EDT)',
      '2027-11-07T02:00:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-11-07T12:00:00.000Z',
    ],
    [
      'fall back: the first 01:30 (EDT)',
      '2027-11-07T05:30:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-11-07T12:00:00.000Z',
    ],
    [
      'fall back: the second 01:30 (EST)',
      '2027-11-07T06:30:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-11-07T12:00:00.000Z',
    ],
    [
      'fall back: 06:59 EST',
      '2027-11-07T11:59:00.000Z',
      '22:00',
      '07:00',
      'America/New_York',
      '2027-11-07T12:00:00.000Z',
    ],
    ['fall back: 07:00 EST', '2027-11-07T12:00:00.000Z', '22:00', '07:00', 'America/New_York', null],
    // A window ending inside the skipped hour (02:30 does not exist on 2027-03-14): it ends at
    // 03:30 EDT (07:30Z), as the gap shifts the wall clock; never at or before now.
    [
      'end in the skipped hour, 01:30 EST',
      '2027-03-14T06:30:00.000Z',
      '01:00',
      '02:30',
      'America/New_York',
      '2027-03-14T07:30:00.000Z',
    ],
    [
      'end in the skipped hour, 01:59 EST',
      '2027-03-14T06:59:00.000Z',
      '01:00',
      '02:30',
      'America/New_York',
      '2027-03-14T07:30:00.000Z',
    ],
    [
      'end in the skipped hour, 03:00 EDT (past it)',
      '2027-03-14T07:00:00.000Z',
      '01:00',
      '02:30',
      'America/New_York',
      null,
    ],
    // A window ending in the repeated hour ends at its first 01:30.
    [
      'end in the repeated hour',
      '2027-11-07T04:30:00.000Z',
      '00:00',
      '01:30',
      'America/New_York',
      '2027-11-07T05:30:00.000Z',
    ],
  ] as const)('%s', (_, now, start, end, zone, expected) => {
    expect(hold(now, start, end, zone)).toBe(expected);
  });

  it('holds nothing without quiet hours', () => {
    expect(quietHoldUntil(new Date('2027-01-10T23:00:00Z'), null)).toBeNull();
    expect(quietHoldUntil(new Date('2027-01-10T23:00:00Z'), undefined)).toBeNull();
  });

  it('refuses a malformed time rather than guessing', () => {
    expect(() => quietHoldUntil(new Date(), { start: '7:00', end: '08:00', timeZone: 'UTC' })).toThrow(/HH:MM/);
    expect(() => quietHoldUntil(new Date(), { start: '22:00', end: '24:00', timeZone: 'UTC' })).toThrow(/HH:MM/);
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Africa/Lagos')).toBe(true);
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  // Every minute of two days around each change, for several windows: a hold is in the future,
  // lands on the window's local end (or just past a skipped one), and the message is free to go then.
  const sweeps: [string, QuietHours][] = [
    ['2027-03-13', { start: '22:00', end: '07:00', timeZone: 'America/New_York' }],
    ['2027-03-13', { start: '01:00', end: '02:30', timeZone: 'America/New_York' }],
    ['2027-03-13', { start: '13:00', end: '14:00', timeZone: 'America/New_York' }],
    ['2027-11-06', { start: '22:00', end: '07:00', timeZone: 'America/New_York' }],
    ['2027-11-06', { start: '00:30', end: '01:30', timeZone: 'America/New_York' }],
    ['2027-01-10', { start: '22:00', end: '07:00', timeZone: 'Asia/Kolkata' }],
    ['2027-01-10', { start: '23:15', end: '05:45', timeZone: 'Africa/Lagos' }],
  ];
  it.each(sweeps)('over every minute from %s: %j', (day, quiet) => {
    const from = Date.parse(`${day}T00:00:00Z`);
    let held = 0;
    for (let minute = 0; minute < 2 * 1440; minute++) {
      const now = new Date(from + minute * 60_000 + 17_000);
      const until = quietHoldUntil(now, quiet);
      if (!until) continue;
      held++;
      expect(until.getTime(), now.toISOString()).toBeGreaterThan(now.getTime());
      expect(until.getTime() - now.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
      expect(until.getUTCSeconds() + until.getUTCMilliseconds()).toBe(0);
      const local = localHHMM(until, quiet.timeZone);
      if (local !== quiet.end) {
        // Only a skipped end: the clock read neither end nor anything between end and the hold.
        expect(quiet.end).toBe('02:30');
        expect(local).toBe('03:30');
      }
      expect(quietHoldUntil(until, quiet), `${now.toISOString()} → ${until.toISOString()}`).toBeNull();
    }
    expect(held).toBeGreaterThan(0);
  });
});
