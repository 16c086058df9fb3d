// Days and months as the network counts them: China time, whatever the browser's zone.

/** The first instant of a day, as the instant the API takes. */
export const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
/**
 * The first instant of the next day: the API's `to` excludes its bound, so a day's last instant would
 * leave out its last millisecond. China keeps no summer time, so every day is 24 hours.
 */
export const dayEnd = (day: string) => new Date(Date.parse(dayStart(day)) + 86_400_000).toISOString();
