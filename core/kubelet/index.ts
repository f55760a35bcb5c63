/** The kubelet's public entry: what runtime, volume and probe plugins build on. */
export { Kubelet } from "./points.js";
export type { KubeletHandle } from "./handle.js";
export type { MountedVolume, ProbeContext, ProbePlugin, ProbeResult, RuntimePlugin, VolumeContext, VolumePlugin } from "./plugin-api.js";
export type { Container, HttpGetAction, KeyToPath, Pod, Probe, TcpSocketAction, Volume } from "./api-types.js";
export type { RuntimeService } from "./cri/runtime-service.js";
export { RemoteRuntime, CriError } from "./cri/client.js";
export { podField } from "./env.js";
export { writeAtomically } from "./atomic-writer.js";
export { resolvePort } from "./ports.js";
export { filesSignature, projectKeys, type VolumeFiles } from "./volume-files.js";
