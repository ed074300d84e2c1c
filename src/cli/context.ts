import type { ModelOptions } from "../query/load-models.js";
import type { Format } from "./formats.js";

/** Options every query command takes. */
export interface CommonOptions extends ModelOptions {
  readonly format: Format;
}

// NOTE: what the CLI loads a model with is the library's; kept here too for scripts written against it
export {
  builtinSystemPath,
  loadModel,
  loadModels,
  modelsOf,
  type SystemOptions,
  systemOptions,
  systemPolicy,
} from "../query/load-models.js";
