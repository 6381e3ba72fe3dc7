/** Loading the model a command was given, or the bundled default. */
import { DEFAULT_MODEL_PATH } from '../config.js';
import { loadModel } from '../store/model-store.js';
import type { ClusterModel } from './model.js';

export async function loadModelOrDefault(p: string | undefined): Promise<{ model: ClusterModel; path: string }> {
  const path = p ?? DEFAULT_MODEL_PATH;
  return { model: await loadModel(path), path };
}
