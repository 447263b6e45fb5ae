// The Lendwire gateway as a Cloudflare Worker: configured entirely by the bindings in wrangler.toml
// (vars, secrets, Hyperdrive). See README.md.
export { default } from '@lendwire/gateway/worker';
