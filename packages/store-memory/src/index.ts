export { memoryStore, type MemoryStore, type MemoryStoreOptions, type MemoryStoreStats } from './memory-store.js';
