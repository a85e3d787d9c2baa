/**
 * Off hours: a per-user profile of active hours by hour of the week, learned from browser activity
 * (idle state sampled on an alarm) and uploads. Each of the 168 hours of the week counts the
 * distinct days it was active. Until the profile spans enough days, the policy's working hours
 * decide. Hours are local wall-clock hours in the given time zone, so daylight-saving changes move
 * with the person, not with UTC.
 */
import { z } from 'zod';
import type { HistorySettings, WorkingHours } from './settings';

export const HOURS_PER_WEEK = 168;

export const ActivityProfile = z.object({
  /** Distinct active days per hour of the week (0 = Monday 00:00–01:00 local). */
  activeDays: z.array(z.number().int().nonnegative()).length(HOURS_PER_WEEK),
  /** The last local day (YYYY-MM-DD) each hour was counted, so a day counts once per hour. */
  lastCountedDay: z.array(z.string().max(10)).length(HOURS_PER_WEEK),
  /** Distinct local days with any activity, and the last of them. */
  observedDays: z.number().int().nonnegative(),
  lastObservedDay: z.string().max(10),
});
export type ActivityProfile = z.infer<typeof ActivityProfile>;

export const emptyProfile = (): ActivityProfile => ({
  activeDays: new Array<number>(HOURS_PER_WEEK).fill(0),
  lastCountedDay: new Array<string>(HOURS_PER_WEEK).fill(''),
  observedDays: 0,
  lastObservedDay: '',
});

export interface LocalTime {
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
  hour: number;
  minute: number;
  /** YYYY-MM-DD in the local calendar. */
  day: string;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(key, format);
  }
  return format;
}

/** Wall-clock time of `at` in `timeZone` (the system's when undefined), straight from Intl. */
export function localTimeByIntl(at: number, timeZone?: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return {
    weekday: WEEKDAYS[parts.weekday!] ?? 1,
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    day: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

/**
 * Offsets change only at quarter-hour boundaries (every zone's offset and transition is a multiple
 * of 15 minutes), so one Intl lookup per zone and quarter hour serves every instant in it.
 */
const QUARTER = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetAt(quarterStart: number, timeZone: string | undefined): number {
  const key = `${timeZone ?? ''}|${quarterStart}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const t = localTimeByIntl(quarterStart, timeZone);
    const [y, m, d] = t.day.split('-').map(Number) as [number, number, number];
    offset = Date.UTC(y, m - 1, d, t.hour, t.minute) - quarterStart;
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Wall-clock time of `at` in `timeZone` (the system's when undefined); daylight-saving aware. */
export function localTime(at: number, timeZone?: string): LocalTime {
  const quarterStart = Math.floor(at / QUARTER) * QUARTER;
  const wall = new Date(at + offsetAt(quarterStart, timeZone));
  const weekday = wall.getUTCDay();
  return {
    weekday: weekday === 0 ? 7 : weekday,
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    day: `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
  };
}

export const hourOfWeek = (t: LocalTime) => (t.weekday - 1) * 24 + t.hour;

/** The profile with this moment counted as active (a new object; the input is not changed). */
export function recordActivity(profile: ActivityProfile, t: LocalTime): ActivityProfile {
  const how = hourOfWeek(t);
  const newDay = profile.lastObservedDay !== t.day;
  const newHour = profile.lastCountedDay[how] !== t.day;
  if (!newDay && !newHour) return profile;
  const next: ActivityProfile = {
    activeDays: newHour ? profile.activeDays.map((n, i) => (i === how ? n + 1 : n)) : profile.activeDays,
    lastCountedDay: newHour ? profile.lastCountedDay.map((d, i) => (i === how ? t.day : d)) : profile.lastCountedDay,
    observedDays: newDay ? profile.observedDays + 1 : profile.observedDays,
    lastObservedDay: newDay ? t.day : profile.lastObservedDay,
  };
  return next;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function withinWorkingHours(t: LocalTime, hours: WorkingHours): boolean {
  if (!hours.days.includes(t.weekday)) return false;
  const now = t.hour * 60 + t.minute;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  // The same start and end is the whole day; a shift that crosses midnight (22:00–06:00) is within
  // when after the start or before the end.
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

export interface OffHoursVerdict {
  offHours: boolean;
  basis: 'profile' | 'working_hours';
}

/**
 * An hour is usual for this person when it was active on at least a quarter of the weeks observed
 * (at least once). With fewer than `profileMinDays` observed days, the working hours decide.
 */
export function offHoursVerdict(
  profile: ActivityProfile | undefined,
  t: LocalTime,
  settings: Pick<HistorySettings, 'profileMinDays' | 'workingHours'>,
): OffHoursVerdict {
  if (!profile || profile.observedDays < settings.profileMinDays) {
    return { offHours: !withinWorkingHours(t, settings.workingHours), basis: 'working_hours' };
  }
  const weeks = profile.observedDays / 7;
  const needed = Math.max(1, Math.ceil(weeks * 0.25));
  return { offHours: profile.activeDays[hourOfWeek(t)]! < needed, basis: 'profile' };
}
