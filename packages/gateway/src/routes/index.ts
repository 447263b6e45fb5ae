import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env.js';
import * as accountsCreate from './accounts/v1_accounts_create.js';
import * as accountsGet from './accounts/v1_accounts_get.js';
import * as accountsList from './accounts/v1_accounts_list.js';
import * as accountsSuspend from './accounts/v1_accounts_suspend.js';
import * as accountsUnsuspend from './accounts/v1_accounts_unsuspend.js';
import * as accountsUpdate from './accounts/v1_accounts_update.js';
import * as apiKeysCreate from './api-keys/v1_apiKeys_create.js';
import * as apiKeysGet from './api-keys/v1_apiKeys_get.js';
import * as apiKeysList from './api-keys/v1_apiKeys_list.js';
import * as apiKeysRevoke from './api-keys/v1_apiKeys_revoke.js';
import * as apiKeysRotate from './api-keys/v1_apiKeys_rotate.js';
import * as apiKeysUsage from './api-keys/v1_apiKeys_usage.js';
import * as customersCreate from './customers/v1_customers_create.js';
import * as customersGet from './customers/v1_customers_get.js';
import * as customersList from './customers/v1_customers_list.js';
import * as customersUpdate from './customers/v1_customers_update.js';
import * as meGet from './me/v1_me_get.js';
import { registerHealth } from './service/health.js';
import { registerOpenApi } from './service/openapi.js';

/** Every route of the gateway. */
export function registerRoutes(app: OpenAPIHono<AppEnv>) {
  registerHealth(app);
  registerOpenApi(app);
  app.openapi(meGet.route, meGet.handler);
  app.openapi(accountsCreate.route, accountsCreate.handler);
  app.openapi(accountsList.route, accountsList.handler);
  app.openapi(accountsGet.route, accountsGet.handler);
  app.openapi(accountsUpdate.route, accountsUpdate.handler);
  app.openapi(accountsSuspend.route, accountsSuspend.handler);
  app.openapi(accountsUnsuspend.route, accountsUnsuspend.handler);
  app.openapi(apiKeysCreate.route, apiKeysCreate.handler);
  app.openapi(apiKeysList.route, apiKeysList.handler);
  app.openapi(apiKeysGet.route, apiKeysGet.handler);
  app.openapi(apiKeysRotate.route, apiKeysRotate.handler);
  app.openapi(apiKeysRevoke.route, apiKeysRevoke.handler);
  app.openapi(apiKeysUsage.route, apiKeysUsage.handler);
  app.openapi(customersCreate.route, customersCreate.handler);
  app.openapi(customersList.route, customersList.handler);
  app.openapi(customersGet.route, customersGet.handler);
  app.openapi(customersUpdate.route, customersUpdate.handler);
}
