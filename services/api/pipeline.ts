/**
 * The pipeline embedded in the API service: replays the bundled sample stream in a loop at a modest rate,
 * classifies with the shared ModelHolder and taps every classified record into the SSE hub. With
 * TWEETLANG_STREAMING_UPDATE=true, StreamingKMeans folds the stream into the model and publishes versions
 * to the model store (uploads and reloads swap the ModelHolder, which the pipeline adopts).
 */
import { existsSync } from 'node:fs';
import type { ModelHolder } from '../../src/clustering/model-holder.js';
import type { ApiConfig } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import type { StreamHub } from '../../src/sinks/hub.js';
import type { Pipeline } from '../../src/stream/pipeline-types.js';
import { createPipeline } from '../../src/stream/pipeline.js';
import { replaySource } from '../../src/sources/replay.js';
import { ModelStore } from '../../src/store/model-store.js';

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
  const { embedded } = config;
  log.info(
    { path: embedded.streamPath, rate: embedded.rate, update: embedded.update, checkpoint: embedded.checkpointDir || undefined, classifyThreads: embedded.classifyThreads },
    'embedded pipeline: replaying the sample stream in a loop',
  );
  return createPipeline({
    source: replaySource({ file: embedded.streamPath, loop: true, rate: embedded.rate }),
    models: deps.models,
    taps: [deps.hub],
    update: embedded.update ? { store: new ModelStore(config.model.storeDir), decayFactor: embedded.decay } : undefined,
    checkpoint: embedded.checkpointDir ? { dir: embedded.checkpointDir } : undefined,
    classifyThreads: embedded.classifyThreads,
    log: log.child({ component: 'pipeline' }),
  });
}
