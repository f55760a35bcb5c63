/**
 * The Pod Security Standards' controls (baseline, then restricted), each a function of a
 * pod spec that answers the violation upstream's pod-security admission reports: a short
 * reason and the details naming the fields and containers at fault.
 */
export type Level = "privileged" | "baseline" | "restricted";

export interface Violation {
  reason: string;
  detail: string;
}

type Obj = Record<string, any>;
interface Container {
  name: string;
  securityContext?: Obj;
  ports?: Obj[];
}

interface Check {
  level: Exclude<Level, "privileged">;
  /** Set on a baseline check that a restricted one tightens: restricted runs only its own. */
  tightenedByRestricted?: boolean;
  run(meta: Obj, spec: Obj, containers: Container[]): Violation | undefined;
}

function allContainers(spec: Obj): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** `container "a"` or `containers "a", "b"`, as upstream words its details. */
function named(noun: string, names: string[]): string {
  const plural = noun === "pod or container" ? "pod or containers" : `${noun}s`;
  return `${names.length === 1 ? noun : plural} ${names.map((n) => JSON.stringify(n)).join(", ")}`;
}

const BASELINE_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const RESTRICTED_VOLUME_SOURCES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

const checks: Check[] = [
  {
    level: "baseline",
    run: (_m, spec, cs) => {
      const hp = spec.securityContext?.windowsOptions?.hostProcess === true;
      const bad = cs.filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => c.name);
      if (!hp && !bad.length) return undefined;
      const details = [...(hp ? ["pod must not set securityContext.windowsOptions.hostProcess=true"] : []), ...(bad.length ? [`${named("container", bad)} must not set securityContext.windowsOptions.hostProcess=true`] : [])];
      return { reason: "hostProcess", detail: details.join("; ") };
    },
  },
  {
    level: "baseline",
    run: (_m, spec) => {
      const on = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((f) => spec[f] === true).map((f) => `${f}=true`);
      return on.length ? { reason: "host namespaces", detail: on.join(", ") } : undefined;
    },
  },
  {
    level: "baseline",
    run: (_m, _s, cs) => {
      const bad = cs.filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
      return bad.length ? { reason: "privileged", detail: `${named("container", bad)} must not set securityContext.privileged=true` } : undefined;
    },
  },
  {
    level: "baseline",
    run: (_m, _s, cs) => {
      const details: string[] = [];
      for (const c of cs) {
        const added: string[] = (c.securityContext?.capabilities?.add ?? []).filter((cap: string) => !BASELINE_CAPABILITIES.has(cap));
        if (added.length) details.push(`${named("container", [c.name])} must not include ${added.map((a) => JSON.stringify(a)).join(", ")} in securityContext.capabilities.add`);
      }
      return details.length ? { reason: "non-default capabilities", detail: details.join("; ") } : undefined;
    },
  },
  {
    level: "baseline",
    run: (_m, spec) => {
      const bad = (spec.volumes ?? []).filter((v: Obj) => v.hostPath).map((v: Obj) => v.name);
      return bad.length ? { reason: "hostPath volumes", detail: named("volume", bad) } : undefined;
    },
  },
  {
    level: "baseline",
    run: (_m, _s, cs) => {
      const details: string[] = [];
      for (const c of cs) {
        const ports = (c.ports ?? []).map((p) => p.hostPort).filter((p) => p !== undefined && p !== 0);
        if (ports.length) details.push(`${named("container", [c.name])} uses ${ports.length === 1 ? "hostPort" : "hostPorts"} ${ports.join(", ")}`);
      }
      return details.length ? { reason: "hostPort", detail: details.join("; ") } : undefined;
    },
  },
  {
    level: "baseline",
    run: (meta, spec, cs) => {
      const bad = (p: Obj | undefined) => p?.type !== undefined && p.type !== "RuntimeDefault" && p.type !== "Localhost";
      const details: string[] = [];
      if (bad(spec.securityContext?.appArmorProfile)) details.push(`pod must not set securityContext.appArmorProfile.type to ${JSON.stringify(spec.securityContext.appArmorProfile.type)}`);
      const badCs = cs.filter((c) => bad(c.securityContext?.appArmorProfile)).map((c) => c.name);
      if (badCs.length) details.push(`${named("container", badCs)} must not set securityContext.appArmorProfile.type to "Unconfined"`);
      for (const [k, v] of Object.entries(meta.annotations ?? {})) {
        if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v !== "runtime/default" && !String(v).startsWith("localhost/")) details.push(`${k}=${JSON.stringify(v)}`);
      }
      return details.length ? { reason: "forbidden AppArmor profile", detail: details.join("; ") } : undefined;
    },
  },
  {
    level: "baseline",
    run: (_m, spec, cs) => {
      const details: string[] = [];
      const judge = (who: string, o: Obj | undefined) => {
        if (!o) return;
        const wrong: string[] = [];
        if (o.type !== undefined && !SELINUX_TYPES.has(o.type)) wrong.push(`type ${JSON.stringify(o.type)}`);
        if (o.user) wrong.push(`user ${JSON.stringify(o.user)}`);
        if (o.role) wrong.push(`role ${JSON.stringify(o.role)}`);
        if (wrong.length) details.push(`${who} set forbidden securityContext.seLinuxOptions: ${wrong.join("; ")}`);
      };
      judge("pod", spec.securityContext?.seLinuxOptions);
      for (const c of cs) judge(named("container", [c.name]), c.securityContext?.seLinuxOptions);
      return details.length ? { reason: "seLinuxOptions", detail: details.join("; ") } : undefined;
    },
  },
  {
    level: "baseline",
    run: (_m, _s, cs) => {
      const bad = cs.filter((c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== "Default").map((c) => c.name);
      return bad.length ? { reason: "procMount", detail: `${named("container", bad)} must not set securityContext.procMount to "Unmasked"` } : undefined;
    },
  },
  {
    level: "baseline",
    tightenedByRestricted: true,
    run: (_m, spec, cs) => {
      const details: string[] = [];
      if (spec.securityContext?.seccompProfile?.type === "Unconfined") details.push(`pod must not set securityContext.seccompProfile.type to "Unconfined"`);
      const bad = cs.filter((c) => c.securityContext?.seccompProfile?.type === "Unconfined").map((c) => c.name);
      if (bad.length) details.push(`${named("container", bad)} must not set securityContext.seccompProfile.type to "Unconfined"`);
      return details.length ? { reason: "seccompProfile", detail: details.join("; ") } : undefined;
    },
  },
  {
    level: "baseline",
    run: (_m, spec) => {
      const bad = (spec.securityContext?.sysctls ?? []).map((s: Obj) => s.name).filter((n: string) => !SAFE_SYSCTLS.has(n));
      return bad.length ? { reason: "forbidden sysctls", detail: bad.join(", ") } : undefined;
    },
  },
  {
    level: "restricted",
    run: (_m, spec) => {
      const details: string[] = [];
      for (const v of spec.volumes ?? []) {
        const type = Object.keys(v).find((k) => k !== "name");
        if (type && !RESTRICTED_VOLUME_SOURCES.has(type)) details.push(`volume ${JSON.stringify(v.name)} uses restricted volume type ${JSON.stringify(type)}`);
      }
      return details.length ? { reason: "restricted volume types", detail: details.join("; ") } : undefined;
    },
  },
  {
    level: "restricted",
    run: (_m, _s, cs) => {
      const bad = cs.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
      return bad.length ? { reason: "allowPrivilegeEscalation != false", detail: `${named("container", bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
    },
  },
  {
    level: "restricted",
    run: (_m, spec, cs) => {
      const details: string[] = [];
      const podValue = spec.securityContext?.runAsNonRoot;
      if (podValue === false) details.push("pod must not set securityContext.runAsNonRoot=false");
      const explicitFalse = cs.filter((c) => c.securityContext?.runAsNonRoot === false).map((c) => c.name);
      if (explicitFalse.length) details.push(`${named("container", explicitFalse)} must not set securityContext.runAsNonRoot=false`);
      if (podValue !== true) {
        const unset = cs.filter((c) => c.securityContext?.runAsNonRoot === undefined).map((c) => c.name);
        if (unset.length) details.push(`${named("pod or container", unset)} must set securityContext.runAsNonRoot=true`);
      }
      return details.length ? { reason: "runAsNonRoot != true", detail: details.join("; ") } : undefined;
    },
  },
  {
    level: "restricted",
    run: (_m, spec, cs) => {
      const podRoot = spec.securityContext?.runAsUser === 0;
      const bad = cs.filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
      if (!podRoot && !bad.length) return undefined;
      const who = podRoot ? (bad.length ? `pod and ${named("container", bad)}` : "pod") : named("container", bad);
      return { reason: "runAsUser=0", detail: `${who} must not set runAsUser=0` };
    },
  },
  {
    level: "restricted",
    run: (_m, spec, cs) => {
      const ok = (p: Obj | undefined) => p?.type === "RuntimeDefault" || p?.type === "Localhost";
      const details: string[] = [];
      const podType = spec.securityContext?.seccompProfile?.type;
      if (podType !== undefined && !ok(spec.securityContext.seccompProfile)) details.push(`pod must not set securityContext.seccompProfile.type to ${JSON.stringify(podType)}`);
      const wrong = cs.filter((c) => c.securityContext?.seccompProfile?.type !== undefined && !ok(c.securityContext.seccompProfile));
      for (const c of wrong) details.push(`${named("container", [c.name])} must not set securityContext.seccompProfile.type to ${JSON.stringify(c.securityContext!.seccompProfile.type)}`);
      if (!ok(spec.securityContext?.seccompProfile)) {
        const unset = cs.filter((c) => c.securityContext?.seccompProfile === undefined).map((c) => c.name);
        if (unset.length) details.push(`${named("pod or container", unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
      }
      return details.length ? { reason: "seccompProfile", detail: details.join("; ") } : undefined;
    },
  },
  {
    level: "restricted",
    run: (_m, spec, cs) => {
      const noDrop: string[] = [];
      const details: string[] = [];
      for (const c of cs) {
        const caps = c.securityContext?.capabilities ?? {};
        if (!(caps.drop ?? []).includes("ALL")) noDrop.push(c.name);
        const added = (caps.add ?? []).filter((cap: string) => cap !== "NET_BIND_SERVICE");
        if (added.length) details.push(`${named("container", [c.name])} must not include ${added.map((a: string) => JSON.stringify(a)).join(", ")} in securityContext.capabilities.add`);
      }
      // Windows pods are exempt from capability rules.
      if (spec.os?.name === "windows") return undefined;
      if (noDrop.length) details.unshift(`${named("container", noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      return details.length ? { reason: "unrestricted capabilities", detail: details.join("; ") } : undefined;
    },
  },
];

/** Every control of `level` (restricted includes baseline) the pod breaks, in upstream's order. */
export function violations(level: Level, meta: Obj, spec: Obj): Violation[] {
  if (level === "privileged") return [];
  const cs = allContainers(spec);
  const out: Violation[] = [];
  for (const check of checks) {
    if (level === "baseline" && check.level === "restricted") continue;
    if (level === "restricted" && check.tightenedByRestricted) continue;
    const v = check.run(meta, spec, cs);
    if (v) out.push(v);
  }
  return out;
}

/** `reason (detail), reason (detail)`, the list upstream puts after `violates PodSecurity "level:version": `. */
export function describe(vs: Violation[]): string {
  return vs.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(", ");
}
