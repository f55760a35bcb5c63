/**
 * The labels and annotations upstream's kubelet puts on CRI sandboxes and containers. They let a
 * restarted kubelet (or any CRI tool) find a pod's sandboxes and containers and what they were
 * started for, so running containers are adopted rather than restarted.
 */
export const PodNameLabel = "io.kubernetes.pod.name";
export const PodNamespaceLabel = "io.kubernetes.pod.namespace";
export const PodUidLabel = "io.kubernetes.pod.uid";
export const ContainerNameLabel = "io.kubernetes.container.name";
/** Sandboxes: `io.kubernetes.container.name` is `POD`, as with upstream's dockershim heritage. */
export const SandboxContainerName = "POD";

export const ContainerHashAnnotation = "io.kubernetes.container.hash";
export const RestartCountAnnotation = "io.kubernetes.container.restartCount";
export const TerminationMessagePathAnnotation = "io.kubernetes.container.terminationMessagePath";
export const TerminationMessagePolicyAnnotation = "io.kubernetes.container.terminationMessagePolicy";
export const PreStopAnnotation = "io.kubernetes.container.preStopHandler";
export const GracePeriodAnnotation = "io.kubernetes.pod.terminationGracePeriod";
