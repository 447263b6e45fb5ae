/** Messages between `bench/gateway.ts` (the load generator) and `bench/server.ts` (one target per process). */

/** What a server child serves. */
export type Target = 'bare' | 'gateway-memory' | 'gateway-redis' | 'fastify';

/** From a server child to the parent. */
export type ChildMessage =
  | { type: 'ready'; url: string; key?: string }
  | { type: 'unavailable'; reason: string }
  | { type: 'failed'; error: string }
  /** `process.cpuUsage()`, and `process.threadCpuUsage()` (the main thread alone) as `mainUser`/`mainSystem`. */
  | { type: 'cpu'; user: number; system: number; mainUser: number; mainSystem: number }
  | { type: 'profiled'; file: string };

/** From the parent to a server child. */
export type ParentMessage =
  | { type: 'body'; body: string; contentType: string }
  | { type: 'cpu' }
  /** Start the V8 CPU profiler (start-up and warm-up stay out of the profile). */
  | { type: 'profile-start' }
  /** Stop it and write `<dir>/<name>.cpuprofile`; answered with `profiled`. */
  | { type: 'profile-stop'; dir: string; name: string }
  | { type: 'stop' };
