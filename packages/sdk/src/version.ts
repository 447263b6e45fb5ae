declare const __LENDWIRE_SDK_VERSION__: string | undefined;

/** Version of this SDK, sent in `User-Agent`; injected from package.json at build time. */
export const VERSION: string = typeof __LENDWIRE_SDK_VERSION__ === 'string' ? __LENDWIRE_SDK_VERSION__ : '0.0.0-source';
