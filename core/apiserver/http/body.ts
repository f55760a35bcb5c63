import { currentRequestScope } from "../request-scope.js";
import type { IncomingMessage } from "node:http";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from "../../api/status.js";

export const PROTOBUF = "application/vnd.kubernetes.protobuf";

/** Reads the whole body, answering 413 past the limit without buffering the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(requestEntityTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(requestEntityTooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => !failed && resolve(Buffer.concat(chunks)));
    req.on("error", (e) => !failed && reject(e));
  });
}

export function mediaType(req: IncomingMessage): string {
  return String(req.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase();
}

/**
 * Decodes a request body by its Content-Type: JSON, YAML, or Kubernetes protobuf
 * (which kubectl's typed commands send with no JSON fallback).
 */
export async function decodeBody(buf: Buffer, type: string): Promise<unknown> {
  const value = await decodeAny(buf, type);
  const scope = currentRequestScope();
  if (scope) scope.requestObject = value;
  return value;
}

async function decodeAny(buf: Buffer, type: string): Promise<unknown> {
  if (!buf.length) throw badRequest("the request body is empty");
  switch (type) {
    case "application/json":
    case "application/merge-patch+json":
    case "application/strategic-merge-patch+json":
    case "application/json-patch+json":
      return parseJson(buf);
    case "application/yaml":
    case "application/apply-patch+yaml":
      return parseYamlBody(buf);
    case PROTOBUF: {
      // Loaded on first use: most clients never send protobuf.
      const { decodeEnvelope, decodeObject } = await import("../../api/protobuf/index.js");
      try {
        const env = decodeEnvelope(buf);
        return decodeObject(env.apiVersion, env.kind, env.raw);
      } catch (err) {
        throw badRequest(`cannot decode protobuf body: ${(err as Error).message}`);
      }
    }
    default:
      throw unsupportedMediaType(type);
  }
}

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString("utf8"));
  } catch (err) {
    throw badRequest(`error decoding JSON body: ${(err as Error).message}`);
  }
}

function parseYamlBody(buf: Buffer): unknown {
  try {
    return parseYaml(buf.toString("utf8"), { uniqueKeys: true });
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message.split("\n")[0] : (err as Error).message;
    throw badRequest(`error converting YAML to JSON: ${msg}`);
  }
}
