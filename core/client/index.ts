/**
 * The Kubernetes client Kitbash's components build on, as client-go is upstream's:
 *
 * - `KubeClient` / `ResourceClient`: JSON REST over a `Transport` (HTTP/2 when the server offers
 *   it by ALPN, else HTTPS/1.1 with keep-alive; client certificates either way); get, list,
 *   watch, create, update, patch (merge, strategic, json, apply), delete, and subresources
 *   such as `status`. Failures are
 *   `ApiStatusError`s (`code`, `reason`); `isNotFound`, `isConflict`, … test them.
 * - `loadKubeconfig` or an in-memory `ClientConfig` to connect.
 * - `SharedInformerFactory` / `SharedInformer` / `Indexer`: list-then-watch caches with indexes
 *   (namespace built in), resume from the last resourceVersion, relist on 410, resync, handlers;
 *   `metadataInformerFor` and `ResourceClient.metadataOnly()` read PartialObjectMetadata only.
 * - `WorkQueue` and `runWorkers`: the rate-limited, de-duplicating work queue and its workers;
 *   `workQueueMetrics` gives upstream's `workqueue_*` metrics.
 * - `LeaderElector`: leader election on a coordination.k8s.io/v1 Lease.
 * - `EventSink` / `EventRecorder`: events.k8s.io/v1 Events with repeats folded into a series.
 * - `discoverPreferredResources`: every served resource at its preferred version.
 * - `Clock`: the time source everything that waits asks, for tests with a fake clock.
 */
export { KubeClient, METADATA_ACCEPT, ResourceClient, transportFor, type RequestOptions } from "./rest-client.js";
export { loadKubeconfig, type ClientConfig } from "./config.js";
export type { Transport, TransportRequest, TransportResponse, TransportStream } from "./transport.js";
export { HttpsTransport } from "./https-transport.js";
export { DeferredTransport } from "./deferred-transport.js";
export { Http2Transport } from "./http2-transport.js";
export { NegotiatingTransport, negotiateProtocol, type Protocol } from "./negotiating-transport.js";
export {
  ApiStatusError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isMethodNotSupported,
  isNotFound,
  statusCodeOf,
} from "./errors.js";
export {
  apiVersionOf,
  microTime,
  objectKey,
  parseApiVersion,
  patchContentTypes,
  rfc3339,
  splitKey,
  type DeleteOptions,
  type KubeList,
  type KubeObject,
  type ListOptions,
  type ObjectMeta,
  type OwnerReference,
  type PatchOptions,
  type PatchType,
  type PropagationPolicy,
  type ResourceRef,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
  type WriteOptions,
} from "./types.js";
export { Resources } from "./resources.js";
export { discoverPreferred, discoverPreferredResources, type DiscoveredResource } from "./discovery.js";
export { CONTROLLER_UID_INDEX, Indexer, NAMESPACE_INDEX, controllerUidIndex, namespaceIndex, type IndexFunc } from "./store.js";
export { SharedInformer, type EventHandlers, type SharedInformerOptions } from "./shared-informer.js";
export { SharedInformerFactory, type InformerFactoryOptions } from "./informer-factory.js";
export { WorkQueue, runWorkers, type WorkQueueOptions } from "./workqueue.js";
export { workQueueMetrics, type WorkQueueMetrics } from "./workqueue-metrics.js";
export {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
} from "./rate-limiter.js";
export { LeaderElector, type Lease, type LeaseSpec, type LeaderElectionOptions } from "./leader-election.js";
export { EventSink, type EventRecorder, type EventRecorderOptions, type EventType, type EventsV1Event, type ObjectReference } from "./event-recorder.js";
export { realClock, sleep, jitter, type Clock, type TimerHandle } from "./clock.js";
