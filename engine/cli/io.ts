export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Standard input, for commands that read a file named `-`. */
  stdin?: NodeJS.ReadableStream;
}
