/** A request, a decision or a message the network refuses, with the reason and, for a request, the JSON pointer at fault. */
export class Refused extends Error {
  constructor(
    message: string,
    readonly pointer?: string,
  ) {
    super(message);
  }
}
