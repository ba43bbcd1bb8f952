// What to tell the user about something thrown: always a string, whatever was thrown
// (not every library throws an Error).
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
