/**
 * The pipeline embedded in the API service: replays the bundled sample stream in a loop at a modest rate,
 * classifies with the shared ModelHolder and taps every classified record into the SSE hub.
 *
 * INTEGRATION POINT: the streaming engine (`createPipeline` in src/stream/pipeline.ts, branch `stream`)
 * was not on main when the HTTP service was written. Until this function wires it, the service runs
 * without a pipeline: predict, model, clusters and the dashboard work; /v1/stream stays quiet and
 * /v1/stats answers `"pipeline": "absent"`. Wiring it is one call, roughly:
 *
 *   return createPipeline({
 *     source: replaySource({ path: config.embedded.streamPath, loop: true, rate: config.embedded.rate }),
 *     models: deps.models,
 *     sinks: [],                 // the API has no filtered sinks of its own
 *     taps: [deps.hub],          // every classified record goes to the SSE hub
 *     checkpointDir: config.embedded.checkpointDir || undefined,
 *     log: deps.log,
 *   });
 */
import { existsSync } from 'node:fs';
import type { ModelHolder } from '../../src/clustering/model-holder.js';
import type { ApiConfig } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import type { StreamHub } from '../../src/sinks/hub.js';
import type { Pipeline } from '../../src/stream/pipeline-types.js';

export interface EmbeddedPipelineDeps {
  models: ModelHolder;
  hub: StreamHub;
  log: Logger;
}

/** The embedded pipeline, or undefined when it is turned off or cannot run here (the reason is logged). */
export async function createEmbeddedPipeline(config: ApiConfig, deps: EmbeddedPipelineDeps): Promise<Pipeline | undefined> {
  const { log } = deps;
  if (!config.embedded.enabled) {
    log.info('embedded pipeline is off (TWEETLANG_EMBEDDED_PIPELINE=false)');
    return undefined;
  }
  if (!existsSync(config.embedded.streamPath)) {
    log.warn({ path: config.embedded.streamPath }, 'no sample stream to replay; running without the embedded pipeline (set TWEETLANG_SAMPLE_STREAM)');
    return undefined;
  }
  log.warn('the streaming engine (src/stream/pipeline.ts) is not wired into this build yet; running without the embedded pipeline');
  return undefined;
}
