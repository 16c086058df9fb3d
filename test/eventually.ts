/**
 * Reads until `done` holds of what was read, within 20 s, and returns it; past that, fails with
 * what `failure` says of the last reading.
 */
export async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, failure: (last: T) => string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(failure(value));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
