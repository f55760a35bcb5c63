import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { existsSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** How the CRI messages are decoded on both sides: the shapes of types.ts. */
export const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

let loaded: { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor } | undefined;

/** The .proto file beside this module; tsc does not copy it to dist/, so from there the source folder holds it. */
function protoFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, "api.proto"))) return join(here, "api.proto");
  const i = here.lastIndexOf(`${sep}dist${sep}`);
  return join(i < 0 ? here : here.slice(0, i) + here.slice(i + "/dist".length), "api.proto");
}

/** The runtime.v1 services: client constructors, and `.service` definitions for a server. */
export function criServices(): { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor } {
  if (!loaded) {
    const def = protoLoader.loadSync(protoFile(), LOADER_OPTIONS);
    const pkg = (grpc.loadPackageDefinition(def).runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
    loaded = { RuntimeService: pkg.RuntimeService as grpc.ServiceClientConstructor, ImageService: pkg.ImageService as grpc.ServiceClientConstructor };
  }
  return loaded;
}
