import type { LifecycleActivities } from '../workflows/activities';
import type { RequestStore } from './store/store';

export interface ActivityDependencies {
  store: RequestStore;
}

/** Builds the request workflow's activities around the dependencies they write to. */
export function createActivities({ store }: ActivityDependencies): LifecycleActivities {
  return {
    async recordTransition(record) {
      await store.appendEvent(record);
    },
  };
}
