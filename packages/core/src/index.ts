export { type CreateDbOptions, createDb, DataDirLockedError, type DbHandle } from './db/index.js';
export * from './domain.js';
export * from './jobs/index.js';
