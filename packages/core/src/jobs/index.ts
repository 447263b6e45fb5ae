export { type DueWorkScope, runDueJobs } from './due.js';
export {
  type CreateJobQueueOptions,
  createJobQueue,
  DEFAULT_QUEUE_OPTIONS,
  type FailedJob,
  JOB_STATES,
  type Job,
  type JobHandler,
  type JobLogger,
  type JobMap,
  type JobQueue,
  type JobState,
  type QueueJobCounts,
  type QueueOptions,
  type RetryOptions,
  type SendOptions,
  type WorkOptions,
} from './queue.js';
export { startWorkers, type WorkerRegistration } from './workers.js';
