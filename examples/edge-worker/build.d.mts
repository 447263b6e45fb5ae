/** Prepended to the bundle: a `require` for the CommonJS dependencies' Node built-ins. */
export declare const REQUIRE_BANNER: string;

/** Bundles `entry` (default `src/index.ts`) into `outfile` (default `dist/worker.js`) for workerd. */
export declare function bundleWorker(options?: {
  entry?: string;
  outfile?: string;
  /** Added to `workerd`, `worker`, `browser`. */
  conditions?: string[];
  /** Default true. */
  minify?: boolean;
}): Promise<{ outfile: string; bytes: number; inputs: string[] }>;
