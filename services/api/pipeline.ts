/**
 * The pipeline embedded in the API service: replays the bundled sample stream in a loop at a modest rate,
 * classifies with the shared ModelHolder and taps every classified record into the SSE hub.
 *
 * INTEGRATION POINT (for the lead): the streaming engine (`createPipeline`, src/stream/pipeline.ts on
 * branch `stream`) was not on main when the HTTP service was finished. Until this function wires it, the
 * service runs without a pipeline: predict, model, clusters, admin and the dashboard work; /v1/stream stays
 * quiet and /v1/stats answers `"pipeline": "absent"`. With the `stream` branch merged, replace the last
 * two lines of the function with (API as on that branch at 796b7e1):
 *
 *   import { createPipeline } from '../../src/stream/pipeline.js';
 *   import { replaySource } from '../../src/sources/replay.js';
 *   import { ModelStore } from '../../src/store/model-store.js';
 *   ...
 *   return createPipeline({
 *     source: replaySource({ file: config.embedded.streamPath, loop: true, rate: config.embedded.rate }),
 *     models: deps.models,
 *     taps: [deps.hub],                                   // every classified record -> SSE hub
 *     update: { store: new ModelStore(config.model.storeDir) },   // StreamingKMeans, versions in the same store
 *     checkpoint: config.embedded.checkpointDir ? { dir: config.embedded.checkpointDir } : undefined,
 *     log: deps.log,
 *   });
 *
 * Nothing else changes: main.ts starts it after listen and stops it on SIGTERM; uploads and reloads swap
 * the ModelHolder, which that pipeline adopts (its updater restarts from any model not its own).
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
