import { generateApiKey } from '@lendwire/contract';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_TIERS, loadConfig, tierLimits } from './config.js';

/** The ConfigError `loadConfig` throws for an environment (fails the test when it does not throw). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({})).toEqual({
      PORT: 8787,
      HOST: '127.0.0.1',
      LENDWIRE_DATA_DIR: '.lendwire',
      LENDWIRE_RATELIMIT_FAIL: 'open',
      LENDWIRE_WORKERS: 'in-process',
      LENDWIRE_CORS_ORIGINS: [],
      LENDWIRE_BODY_LIMIT: 1024 * 1024,
      LENDWIRE_LOG_LEVEL: 'info',
      LENDWIRE_KEY_CACHE_TTL: 30,
      LENDWIRE_SCHEDULER_INTERVAL: 30,
      LENDWIRE_WEBHOOK_TIMEOUT_MS: 15_000,
      LENDWIRE_WEBHOOKS: 'builtin',
      LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS: 300,
      LENDWIRE_NOTIFICATIONS: 'on',
      LENDWIRE_EMAIL_FROM: 'Lendwire <notifications@lendwire.localhost>',
      LENDWIRE_SMS: 'outbox',
      LENDWIRE_NOTIFICATION_RETRIES: 8,
      LENDWIRE_NOTIFICATION_RETRY_DELAY: 30,
    });
    expect(tierLimits(loadConfig({}))).toEqual(DEFAULT_TIERS);
  });

  it('checks the notification transports: SMTP URL scheme, Twilio needs its three variables', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@smtp.example.com:465' }).SMTP_URL).toBe(
      'smtps://u:p@smtp.example.com:465',
    );
    expect(() => loadConfig({ SMTP_URL: 'http://smtp.example.com' })).toThrow(
      /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    expect(() => loadConfig({ LENDWIRE_SMS: 'twilio', TWILIO_FROM: '+15005550006' })).toThrow(
      'Invalid configuration: LENDWIRE_SMS=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN',
    );
    const twilio = loadConfig({
      LENDWIRE_SMS: 'twilio',
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM: 'MG0123',
    });
    expect(twilio.LENDWIRE_SMS).toBe('twilio');
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'nope' })).toThrow(/TWILIO_ACCOUNT_SID must be a Twilio account SID/);
  });

  it('treats empty variables as unset and ignores variables it does not know', () => {
    const config = loadConfig({ PORT: '', LENDWIRE_RATELIMIT_FAIL: '', PATH: '/usr/bin', HOME: '/root' });
    expect(config.PORT).toBe(8787);
    expect(config.LENDWIRE_RATELIMIT_FAIL).toBe('open');
    expect(config).not.toHaveProperty('PATH');
  });

  it('parses every variable it reads', () => {
    const rootKey = generateApiKey('live');
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://lendwire:pw@db.internal:5432/lendwire',
      LENDWIRE_DATA_DIR: ':memory:',
      LENDWIRE_ROOT_KEY: rootKey,
      REDIS_URL: 'rediss://default:pw@cache.internal:6380',
      LENDWIRE_RATELIMIT_FAIL: 'closed',
      LENDWIRE_RATELIMIT_TIERS: '{"free":{"requests":5,"windowSeconds":10},"scale":{"requests":99,"windowSeconds":1}}',
      LENDWIRE_CORS_ORIGINS: 'https://app.example.com, https://admin.example.com,',
      LENDWIRE_BODY_LIMIT: '2048',
      LENDWIRE_LOG_LEVEL: 'silent',
      LENDWIRE_CLIENT_IP_HEADER: 'cf-connecting-ip',
      LENDWIRE_KEY_CACHE_TTL: '0',
      LENDWIRE_SCHEDULER_INTERVAL: '0',
      LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
      LENDWIRE_WEBHOOK_TIMEOUT_MS: '2000',
      LENDWIRE_WEBHOOK_SCHEDULE: '0,100,1000',
      LENDWIRE_WEBHOOKS: 'off',
      LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS: '60',
      SVIX_API_KEY: 'sk_svix_test.eu',
      SVIX_SERVER_URL: 'https://svix.internal:8071',
    });
    expect(config).toMatchObject({
      PORT: 0,
      HOST: '0.0.0.0',
      LENDWIRE_ROOT_KEY: rootKey,
      LENDWIRE_RATELIMIT_FAIL: 'closed',
      LENDWIRE_CORS_ORIGINS: ['https://app.example.com', 'https://admin.example.com'],
      LENDWIRE_BODY_LIMIT: 2048,
      LENDWIRE_LOG_LEVEL: 'silent',
      LENDWIRE_CLIENT_IP_HEADER: 'cf-connecting-ip',
      LENDWIRE_KEY_CACHE_TTL: 0,
      LENDWIRE_SCHEDULER_INTERVAL: 0,
      LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
      LENDWIRE_WEBHOOK_TIMEOUT_MS: 2000,
      LENDWIRE_WEBHOOK_SCHEDULE: [0, 100, 1000],
      LENDWIRE_WEBHOOKS: 'off',
      LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS: 60,
      SVIX_API_KEY: 'sk_svix_test.eu',
      SVIX_SERVER_URL: 'https://svix.internal:8071',
    });
    expect(tierLimits(config)).toEqual({
      free: { requests: 5, windowSeconds: 10 },
      growth: DEFAULT_TIERS.growth,
      scale: { requests: 99, windowSeconds: 1 },
    });
    expect(loadConfig({ LENDWIRE_CORS_ORIGINS: '*' }).LENDWIRE_CORS_ORIGINS).toEqual(['*']);
    expect(
      loadConfig({ UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'AX_token' }),
    ).toMatchObject({ UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'AX_token' });
  });

  it.each([
    ['LENDWIRE_RATELIMIT_FAIL', 'maybe', /must be one of .*open.*closed.*\(got "maybe"\)/],
    ['PORT', 'abc', /\(got "abc"\)/],
    ['PORT', '70000', /65535/],
    ['PORT', '1.5', /int/],
    ['LENDWIRE_ROOT_KEY', 'bad', /well-formed Lendwire key/],
    ['LENDWIRE_RATELIMIT_TIERS', '{', /must be JSON/],
    ['LENDWIRE_RATELIMIT_TIERS', '{"gold":{"requests":1,"windowSeconds":1}}', /gold/],
    ['LENDWIRE_RATELIMIT_TIERS', '{"free":{"requests":0,"windowSeconds":60}}', />=\s?1/],
    ['LENDWIRE_RATELIMIT_TIERS', '[1]', /object/],
    ['REDIS_URL', 'http://x', /redis:\/\/ or rediss:\/\//],
    ['DATABASE_URL', 'mysql://db.internal/lendwire', /postgres:\/\//],
    ['LENDWIRE_CORS_ORIGINS', 'notaurl', /URL/],
    ['LENDWIRE_CORS_ORIGINS', 'https://app.example.com,notaurl', /URL/],
    ['LENDWIRE_BODY_LIMIT', '10', /1024/],
    ['LENDWIRE_WEBHOOK_SCHEDULE', '0,5s', /comma-separated delays/],
    ['LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'yes', /true.*false/],
    ['LENDWIRE_LOG_LEVEL', 'loud', /must be one of/],
    ['LENDWIRE_CLIENT_IP_HEADER', 'x forwarded for', /header name/],
    ['LENDWIRE_KEY_CACHE_TTL', '60', /30/],
    ['LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS', '0', /1/],
    ['SVIX_SERVER_URL', 'svix.internal', /URL/i],
  ])('names %s=%s in a one-line error', (name, value, detail) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${name} `));
    expect(error.message).toMatch(detail);
    expect(error.message).not.toContain('\n');
  });

  it('names the first bad variable when several are bad, and never a good one', () => {
    const error = configError({ PORT: '8080', LENDWIRE_LOG_LEVEL: 'loud', HOST: 'localhost' });
    expect(error.message).toContain('LENDWIRE_LOG_LEVEL');
    expect(error.message).not.toMatch(/PORT|HOST/);
  });

  it('requires the Upstash REST URL and token together', () => {
    expect(configError({ UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io' }).message).toBe(
      'Invalid configuration: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together',
    );
    expect(configError({ UPSTASH_REDIS_REST_TOKEN: 'AX_token' }).message).toContain('UPSTASH_REDIS_REST_URL');
  });

  describe('never echoes a secret in its error', () => {
    const nearKey = generateApiKey('live').slice(0, -1);
    it.each([
      ['LENDWIRE_ROOT_KEY', nearKey, nearKey],
      ['LENDWIRE_ROOT_KEY', `${generateApiKey('test')}x`, 'lw_test_'],
      ['DATABASE_URL', 'mysql://admin:Pa55word-db@db.internal/lendwire', 'Pa55word-db'],
      ['DATABASE_URL', 'postgres:/admin:Pa55word-db@db.internal', 'Pa55word-db'],
      ['REDIS_URL', 'http://default:Pa55word-redis@cache.internal:6379', 'Pa55word-redis'],
    ])('%s', (name, value, secret) => {
      const error = configError({ [name]: value });
      expect(error.message).toContain(name);
      expect(error.message).not.toContain(secret);
      expect(String(error.stack)).not.toContain(secret);
    });

    it('UPSTASH_REDIS_REST_TOKEN, when its URL is the bad variable', () => {
      const error = configError({
        UPSTASH_REDIS_REST_URL: 'not a url',
        UPSTASH_REDIS_REST_TOKEN: 'AXsecret-token-123',
      });
      expect(error.message).toContain('UPSTASH_REDIS_REST_URL');
      expect(error.message).not.toContain('AXsecret-token-123');
      expect(error.message).not.toContain('not a url');
    });

    it('the root key, when another variable is the bad one', () => {
      const rootKey = generateApiKey('live');
      const error = configError({ LENDWIRE_ROOT_KEY: rootKey, PORT: 'abc' });
      expect(error.message).toContain('PORT');
      expect(error.message).not.toContain(rootKey);
    });
  });
});
