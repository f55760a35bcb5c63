import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createSecureServer } from "node:http2";
import type { AddressInfo, Server, Socket } from "node:net";
import { join } from "node:path";
import type { Component, ComponentContext } from "../kernel/component.js";
import { ApiServer } from "./points.js";
import type { ApiServerSettings } from "./settings.js";
import type { Storage } from "./storage.js";
import type { KubeObj } from "./registry/strategy.js";
import { ResourceCatalog } from "./registry/catalog.js";
import { Stores } from "./registry/stores.js";
import { strategies } from "./kinds/index.js";
import { subresourceHandlers } from "./kinds/subresource-handlers.js";
import { reviewHandlers } from "./kinds/reviews.js";
import { servedFromCrd } from "./kinds/crds.js";
import { checkPolicy, type AuditPolicy } from "./audit/policy.js";
import { runAdmission } from "./filters/admission.js";
import { clusterReaderFor } from "./cluster-reader.js";
import { createApp } from "./http/app.js";
import { OpenApi } from "./http/openapi.js";
import { instrumentStorage, requestMetrics } from "./http/metrics.js";
import { bootstrapCluster } from "./bootstrap.js";
import { publishClusterInfo } from "./cluster-info.js";
import { serviceAccountIssuerOf } from "./service-account-issuer.js";
import { tokenRequest } from "./kinds/token-request.js";
import { clusterObjectsOf, type ClusterObjectsHost } from "./cluster-objects.js";
import { forbiddenMessage, notFound } from "../api/status.js";
import { ensureClusterPki, writeKubeconfig } from "../pki/index.js";

/**
 * The API server component: storage from its point, the resource catalog and stores,
 * the HTTPS listener with the authentication/authorization/admission chains, and the
 * cluster's bootstrap objects.
 */
export class ApiServerMain implements Component {
  private server: Server | undefined;
  /** Open connections, destroyed at stop (watches would otherwise hold the server open). */
  private readonly connections = new Set<Socket>();
  private stores: Stores | undefined;
  private objects: ClusterObjectsHost | undefined;
  private port = 0;
  private kubeconfig = "";
  private ready = false;
  private stopped = false;

  constructor(private readonly ctx: ComponentContext<ApiServerSettings>) {}

  /** The address clients dial; also what the kubeconfig names. */
  url(): string {
    const s = this.ctx.settings;
    const host = s.advertiseAddress ?? (s.bindAddress === "0.0.0.0" || s.bindAddress === "::" ? "127.0.0.1" : s.bindAddress);
    return `${s.secure ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
  }

  kubeconfigPath(): string {
    return this.kubeconfig;
  }

  banner(): string[] {
    return [
      `API server: ${this.url()}`,
      ...(this.kubeconfig ? [`kubeconfig: ${this.kubeconfig}`, `try: kubectl --kubeconfig ${this.kubeconfig} get namespaces`] : []),
    ];
  }

  async start(): Promise<void> {
    const { settings: s, logger } = this.ctx;
    const storage: Storage = instrumentStorage(this.ctx.single(ApiServer.storage), this.ctx.metrics);
    const catalog = new ResourceCatalog();
    const kinds = strategies({ storage, serviceClusterIPRange: s.serviceClusterIPRange, serviceNodePortRange: s.serviceNodePortRange });
    const admission = () => this.ctx.entries(ApiServer.admission);
    const objects = clusterObjectsOf(this.ctx);
    const issuer = serviceAccountIssuerOf(this.ctx);
    this.objects = objects;
    const auditPolicy = this.ctx.config.auditPolicy as AuditPolicy | undefined;
    const policyProblems = auditPolicy ? checkPolicy(auditPolicy) : [];
    if (policyProblems.length) throw new Error(`invalid audit policy: ${policyProblems.join("; ")}`);
    let stores!: Stores;
    stores = new Stores(
      catalog,
      storage,
      kinds,
      {
        admit: async (req, phase) => {
          // Plugins' write guards (RBAC's escalation check) come before admission, as upstream's storage wrappers do.
          if (phase === "mutate") await objects.check(req);
          return runAdmission(admission(), req, phase);
        },
        // Like upstream's namespace lifecycle admission: the cache answers, storage only when the cache has not seen it.
        checkNamespace: async (namespace, creating) => {
          const namespaces = await stores.for("", "v1", "namespaces");
          const ns = namespaces.cache.get(namespaces.key(undefined, namespace)) ?? (await namespaces.tryGet(undefined, namespace));
          if (!ns) throw notFound({ group: "", resource: "namespaces" }, namespace);
          if (creating && (ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating")) {
            throw forbiddenTerminating(namespace);
          }
        },
      },
      { capacity: s.watchCacheCapacity, bookmarkIntervalMs: s.bookmarkIntervalSeconds * 1000, logger },
    );
    this.stores = stores;
    clusterReaderFor(this.ctx).bind(stores);
    await this.serveCrds(stores);

    const pkiDir = join(this.ctx.dataDir, "pki");
    const serviceIP = kinds.serviceIPs.first;
    const pki = s.secure ? await ensureClusterPki({ dir: pkiDir, serviceIP, extraSANs: [s.bindAddress, ...(s.advertiseAddress ? [s.advertiseAddress] : [])].filter((a) => a !== "0.0.0.0" && a !== "::") }) : undefined;
    const kubelet = pki ? { cert: pki.kubeletClientCert, key: pki.kubeletClientKey, preferredAddressTypes: s.kubeletPreferredAddressTypes, timeoutMs: s.kubeletTimeoutSeconds * 1000 } : undefined;
    const app = createApp({
      stores,
      maxBodyBytes: s.maxRequestBodyBytes,
      minRequestTimeoutSeconds: s.minRequestTimeoutSeconds,
      subresources: new Map([...subresourceHandlers(stores, kubelet), ["/serviceaccounts/token", tokenRequest(stores, issuer)]]),
      ...(kubelet ? { kubelet } : {}),
      serviceAccountIssuer: issuer,
      reviews: reviewHandlers({ authenticators: () => this.ctx.entries(ApiServer.authentication), authorizers: () => this.ctx.entries(ApiServer.authorization) }),
      logger,
      authenticators: () => this.ctx.entries(ApiServer.authentication),
      authorizers: () => this.ctx.entries(ApiServer.authorization),
      metrics: requestMetrics(this.ctx.metrics),
      metricsText: () => this.ctx.metrics.registry.metrics(),
      version: s.reportedVersion,
      openapi: new OpenApi(catalog),
      serverAddress: () => this.url().replace(/^https?:\/\//, ""),
      audit: { policy: auditPolicy, sinks: () => this.ctx.entries(ApiServer.audit), logger },
      checks: () => [
        { name: "ping", ok: true },
        { name: "log", ok: true },
        { name: "etcd", ok: this.ready },
        { name: "poststarthook/bootstrap-controller", ok: this.ready },
      ],
    });

    if (pki) {
      issuer.load(pki.saPrivateKey);
      // HTTP/2 for clients that offer it in ALPN (kubectl, client-go), HTTP/1.1 for the rest and for upgrades.
      const server = createSecureServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: false, allowHTTP1: true, settings: { maxConcurrentStreams: 1000 } });
      server.on("request", (req, res) => app.request(req as unknown as IncomingMessage, res as unknown as ServerResponse));
      server.on("secureConnection", (socket: Socket) => this.track(socket));
      this.server = server;
      await this.listen();
      this.kubeconfig = join(this.ctx.dataDir, "admin.kubeconfig");
      await writeKubeconfig(this.kubeconfig, { server: this.url(), caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey });
    } else {
      const server = createHttpServer(app.request);
      server.on("connection", (socket: Socket) => this.track(socket));
      this.server = server;
      await this.listen();
    }
    this.server.on("upgrade", app.upgrade);
    // Watches and long requests must not be cut by Node's default timeouts (the HTTP/1.1 side reads these).
    Object.assign(this.server, { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 65_000 });

    const endpointIP = s.advertiseAddress ?? (s.bindAddress === "0.0.0.0" ? "127.0.0.1" : s.bindAddress);
    await bootstrapCluster(stores, { serviceIP, endpointIP, port: this.port, logger });
    if (pki) await publishClusterInfo(stores, { server: `https://${endpointIP.includes(":") ? `[${endpointIP}]` : endpointIP}:${this.port}`, caCert: pki.caCert });
    await objects.start(stores);
    this.ready = true;
    logger.info({ url: this.url() }, "API server listening");
  }

  private track(socket: Socket): void {
    this.connections.add(socket);
    socket.once("close", () => this.connections.delete(socket));
  }

  private listen(): Promise<void> {
    const server = this.server!;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.ctx.settings.port, this.ctx.settings.bindAddress, () => {
        server.off("error", reject);
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** CRDs in storage are served from the start, and followed while the server runs. */
  private async serveCrds(stores: Stores): Promise<void> {
    const crds = await stores.for("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    const apply = (type: string, crd: KubeObj) => {
      if (type === "DELETED") stores.catalog.removeCrd(crd.metadata.name);
      else stores.catalog.setCrd(crd.metadata.name, servedFromCrd(crd));
    };
    // A relisting cache ends its watches with 410; follow again from the current state.
    const follow = () =>
      crds.cache.watch(undefined, () => true, {
        onEvent: (type, obj) => apply(type, obj),
        onBookmark: () => undefined,
        onError: (err) => {
          if (this.stopped) return;
          this.ctx.logger.warn({ err: (err as Error).message }, "CRD watch ended; watching again");
          setTimeout(follow, 100).unref();
        },
      });
    follow();
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.stopped = true;
    const server = this.server;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of this.connections) socket.destroy();
      await closed;
    }
    this.objects?.stop();
    this.stores?.stop();
  }
}

function forbiddenTerminating(namespace: string) {
  return forbiddenMessage({ group: "", resource: "namespaces" }, namespace, `unable to create new content in namespace ${namespace} because it is being terminated`);
}
