// Activities (side effects) built from their dependencies, so tests pass real ones.
export interface ActivityDeps {
  /** Folder for files the engine writes (outbox database, reports). */
  dataDir: string;
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
