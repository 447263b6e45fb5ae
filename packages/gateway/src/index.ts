export { createGateway, type Gateway, type GatewayOptions } from './app.js';
export { KeyCache } from './auth/key-cache.js';
export {
  type Config,
  ConfigError,
  ConfigSchema,
  DEFAULT_TIERS,
  loadConfig,
  type TierLimit,
  tierLimits,
} from './config.js';
export type { AppEnv, AuthContext, GatewayDeps } from './env.js';
export { cidrContains, ipAllowed, parseCidr, parseIp } from './ip/cidr.js';
export { createJsonLogger, type LogFields, type Logger, type LogLevel, redact } from './logger.js';
export { type ClientIpResolver, clientIpResolver } from './middleware/auth/index.js';
export { ApiError, problemBody } from './problem.js';
export { createMemoryRateLimiter } from './rate-limit/memory.js';
export type { RateLimiter, RateLimitRequest, RateLimitResult } from './rate-limit/types.js';
export {
  createUpstashRateLimiter,
  createUpstashRestRateLimiter,
  type RateLimitRedis,
  RateLimitTimeoutError,
} from './rate-limit/upstash.js';
export { OPENAPI_INFO, openApiDocument } from './routes/service/openapi.js';
export { UsageRecorder } from './usage.js';
