import type { JobHandler, JobMap, JobQueue, QueueOptions, WorkOptions } from './queue.js';

/** One queue with its handler, for {@link startWorkers}. */
export type WorkerRegistration<Jobs extends JobMap = JobMap> = {
  [K in keyof Jobs & string]: {
    name: K;
    handler: JobHandler<Jobs[K]>;
    /** Defaults of the queue's jobs (see {@link JobQueue.defineQueue}). */
    queue?: QueueOptions;
    work?: WorkOptions;
  };
}[keyof Jobs & string];

/**
 * Defines each queue, registers its handler, and starts the job queue (if it is not already): the
 * one call a process that runs workers needs. Registrations are applied in order, so a dead-letter
 * queue goes before the queues that name it.
 */
export async function startWorkers<Jobs extends JobMap>(
  queue: JobQueue<Jobs>,
  registrations: readonly WorkerRegistration<Jobs>[],
): Promise<void> {
  for (const { name, handler, queue: queueOptions, work } of registrations) {
    await queue.defineQueue(name, queueOptions);
    await queue.work(name, handler as JobHandler<Jobs[typeof name]>, work);
  }
  await queue.start();
}
