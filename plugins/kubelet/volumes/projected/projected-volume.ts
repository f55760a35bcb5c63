import { isNotFound, Resources, type KubeObject } from "../../../../core/client/index.js";
import {
  filesSignature,
  podField,
  projectKeys,
  writeAtomically,
  type KeyToPath,
  type MountedVolume,
  type Volume,
  type VolumeContext,
  type VolumeFiles,
  type VolumePlugin,
} from "../../../../core/kubelet/index.js";

type DataObject = KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };
interface Source {
  configMap?: { name: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items: { path: string; fieldRef?: { fieldPath: string }; mode?: number }[] };
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
}

interface CachedToken {
  token: string;
  issued: number;
  expires: number;
}

export class ProjectedVolume implements VolumePlugin {
  /** Tokens by pod uid and path; renewed once 80% of their lifetime has passed, as upstream's token manager. */
  private readonly tokens = new Map<string, CachedToken>();

  supports(volume: Volume): boolean {
    return volume.projected !== undefined;
  }

  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const { pod } = ctx;
    const ns = pod.metadata.namespace;
    const mode = ctx.volume.projected!.defaultMode ?? 0o644;
    const files: VolumeFiles = new Map();
    for (const source of (ctx.volume.projected!.sources ?? []) as Source[]) {
      if (source.configMap || source.secret) {
        const isSecret = !!source.secret;
        const ref = (source.configMap ?? source.secret)!;
        const obj = await ctx.client
          .resource<DataObject>(isSecret ? Resources.secrets : Resources.configMaps, ns)
          .get(ref.name)
          .catch((err) => {
            if (isNotFound(err) && ref.optional) return undefined;
            if (isNotFound(err)) throw new Error(`${isSecret ? "secret" : "configmap"} "${ref.name}" not found`);
            throw err;
          });
        const data: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(obj?.data ?? {})) data[k] = Buffer.from(v, isSecret ? "base64" : "utf8");
        for (const [k, v] of Object.entries(obj?.binaryData ?? {})) data[k] = Buffer.from(v, "base64");
        for (const [p, f] of projectKeys(data, ref.items, mode, `${isSecret ? "secret" : "configmap"} ${ref.name}`, ref.optional ?? false)) files.set(p, f);
      } else if (source.downwardAPI) {
        for (const item of source.downwardAPI.items) {
          if (item.fieldRef) files.set(item.path, { data: Buffer.from(podField(pod, item.fieldRef.fieldPath)), mode: item.mode ?? mode });
        }
      } else if (source.serviceAccountToken) {
        const t = source.serviceAccountToken;
        const token = await this.token(ctx, t.path, t.audience, t.expirationSeconds ?? 3607);
        files.set(t.path, { data: Buffer.from(token), mode });
      }
    }
    await writeAtomically(ctx.dir, files, filesSignature(files));
    return { hostPath: ctx.dir, readOnly: true };
  }

  async tearDown(ctx: VolumeContext): Promise<void> {
    for (const key of this.tokens.keys()) if (key.startsWith(`${ctx.pod.metadata.uid}/`)) this.tokens.delete(key);
  }

  private async token(ctx: VolumeContext, path: string, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const key = `${ctx.pod.metadata.uid}/${ctx.volume.name}/${path}`;
    const now = Date.now();
    const cached = this.tokens.get(key);
    if (cached && now < cached.issued + 0.8 * (cached.expires - cached.issued)) return cached.token;
    const { pod } = ctx;
    const sa = pod.spec.serviceAccountName || "default";
    const res = await ctx.client.request<{ status: { token: string; expirationTimestamp: string } }>(
      "POST",
      `/api/v1/namespaces/${pod.metadata.namespace}/serviceaccounts/${sa}/token`,
      {
        body: {
          apiVersion: "authentication.k8s.io/v1",
          kind: "TokenRequest",
          spec: {
            ...(audience ? { audiences: [audience] } : {}),
            expirationSeconds,
            boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata.name, uid: pod.metadata.uid },
          },
        },
      },
    );
    const expires = Date.parse(res.status.expirationTimestamp) || now + expirationSeconds * 1000;
    this.tokens.set(key, { token: res.status.token, issued: now, expires });
    return res.status.token;
  }
}
