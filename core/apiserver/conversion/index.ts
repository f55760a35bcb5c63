import { ConversionRegistry } from "./converter.js";
import { eventConverter } from "./events.js";
import { hpaConverter } from "./hpa.js";

export { ConversionRegistry, type StorageCodec, type VersionConverter, type StorageForm, type GroupVersion } from "./converter.js";
export { hpaV1ToV2, hpaV2ToV1, HPA_ANNOTATIONS } from "./hpa.js";
export { eventFromEventsV1, eventToEventsV1 } from "./events.js";

/** The built-in resources served in more than one version, each with the version it is stored in. */
export const builtinConverters = [hpaConverter, eventConverter] as const;

let shared: ConversionRegistry | undefined;

/** One registry of the built-in converters (they are facts of the API, like the kinds' strategies). */
export function builtinConversions(): ConversionRegistry {
  shared ??= new ConversionRegistry(builtinConverters);
  return shared;
}
