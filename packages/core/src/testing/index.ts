export { createFakeClock, type FakeClock } from './fake-clock.js';
export {
  recordingStore,
  snapshotStrings,
  type RecordingStore,
  type StoreCall,
  type StoreSnapshot,
} from './recording-store.js';
export { OTHER_TEST_SECRET, TEST_SECRET } from './test-secret.js';
