export { createFakeClock, type FakeClock } from './fake-clock.js';
export {
  recordingStore,
  snapshotStrings,
  type RecordingStore,
  type StoreCall,
  type StoreSnapshot,
} from './recording-store.js';
