export { redisStore, type RedisStoreOptions, type WaitForReplicas } from './redis-store.js';
