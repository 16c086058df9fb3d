// Days and months as the network counts them: China time, whatever the browser's zone.

/** The first instant of a day, as the instant the API takes. */
export const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
/** The last instant of a day. */
export const dayEnd = (day: string) => new Date(`${day}T23:59:59.999+08:00`).toISOString();
