import { basename, dirname, extname, isAbsolute, resolve as resolvePath } from "node:path";
import { ErrorCodes, KitbashError, throwProblems, type SourceLocation } from "../kernel/errors.js";
import { loadPluginPackage } from "../kernel/packages.js";
import type { Plan, PlannedPackage } from "../kernel/plan.js";
import type { Registry } from "../kernel/registry.js";
import { validateAgainst } from "../kernel/validate-args.js";
import { pluginCatalog } from "../kernel/catalog.js";
import { applyEdit, envEdits, parseSetFlag, type Edit } from "./edits.js";
import { BASE_PROFILE, dropInFiles, findProfile, resolveProfileRef, type ProfileRef } from "./locate.js";
import { mergeLayers, type MergedProfile } from "./merge.js";
import { buildPlan } from "./plan-build.js";
import { profileSchema } from "./schema.js";
import { locate, locateKey, readLayer, type Layer } from "./source.js";
import { formatPath, type FieldPath, type ProfileDocument } from "./types.js";

export interface ResolveOptions {
  /** `--profile NAME|PATH`; unset means the cosmiconfig search, then the built-in default. */
  profile?: string;
  cwd?: string;
  /** `--set PATH=VALUE` flags, highest precedence. */
  set?: string[];
  env?: NodeJS.ProcessEnv;
  /** Overrides dataDir after everything else (the `--data-dir` flag). */
  dataDir?: string;
}

export interface ResolvedProfile {
  /** The merged profile in explicit form; printing it gives a profile that resolves to the same plan. */
  doc: ProfileDocument;
  plan: Plan;
  layers: Layer[];
  main: ProfileRef;
}

/**
 * Precedence, lowest first: built-in defaults (profiles/base.yaml) < what the profile
 * extends < the profile < its drop-ins < KITBASH_* environment < --set.
 */
export async function resolveProfile(registry: Registry, opts: ResolveOptions = {}): Promise<ResolvedProfile> {
  const cwd = opts.cwd ?? process.cwd();
  const main = await findProfile(opts.profile, cwd);
  const problems: KitbashError[] = [];

  const layers: Layer[] = [];
  const seen: string[] = [];
  const baseFile = resolveProfileRef(BASE_PROFILE, cwd).file;
  if (main.file !== baseFile) layers.push(readLayer(baseFile, "defaults"));
  loadWithExtends(main, "profile", layers, seen, baseFile);
  for (const f of dropInFiles(main.file)) layers.push(readLayer(f, "drop-in"));

  for (const layer of layers) checkStructure(layer, problems);
  throwProblems(problems);

  const adaptersOf = (c: string) => registry.component(c)?.configAdapters ?? [];
  const catalogOf = (c: string) => pluginCatalog(registry, c);
  let merged = mergeLayers(layers, adaptersOf, catalogOf);
  // Embedded kinds (KubeSchedulerConfiguration) may name plugins of the profile's packages,
  // so those register first and the layers merge again against the fuller registry.
  const early = await loadPackages(merged, registry, cwd, problems, new Set());
  if (early.length) merged = mergeLayers(layers, adaptersOf, catalogOf);
  problems.push(...merged.problems);

  const edits: Edit[] = [...envEdits(opts.env ?? process.env), ...(opts.set ?? []).map(parseSetFlag)];
  if (opts.dataDir) edits.push({ path: ["dataDir"], value: opts.dataDir, origin: "--data-dir" });
  const editOrigins = new Map<string, string>();
  for (const e of edits) {
    applyEdit(merged.doc as unknown as Record<string, unknown>, e);
    editOrigins.set(formatPath(e.path), e.origin);
  }
  const where = (path: FieldPath, key?: string): SourceLocation => {
    for (let n = path.length; n >= 0; n--) {
      const origin = editOrigins.get(formatPath(path.slice(0, n)));
      if (origin) return { file: origin };
    }
    if (key) {
      // The key itself sits in the map of its parent, in the layer that wrote the field.
      for (let n = path.length; n >= 0; n--) {
        const o = merged.origins.get(formatPath(path.slice(0, n)));
        if (o) return locateKey(o.layer, [...o.path, ...path.slice(n)].slice(0, -1), key);
      }
    }
    return merged.where(path);
  };
  if (edits.length) {
    for (const p of validateAgainst(profileSchema(), merged.doc)) {
      problems.push(new KitbashError(ErrorCodes.CONFIG, p.message, { field: formatPath(p.path), location: where(p.path, p.unknownKey) }));
    }
  }
  throwProblems(problems);

  const packages = [...early, ...(await loadPackages(merged, registry, cwd, problems, new Set(early.map((p) => p.spec))))];
  throwProblems(problems);

  const dataDir = resolveDataDir(merged.doc.dataDir, cwd);
  const { plan, problems: planProblems } = buildPlan(
    {
      doc: merged.doc,
      profileName: merged.doc.metadata?.name ?? basename(main.file, extname(main.file)),
      files: layers.map((l) => l.origin),
      dataDir,
      packages: packages.map(({ spec: _spec, ...p }) => p),
      where,
      fieldOf: (path) => {
        if (editOrigins.size && [...editOrigins.keys()].some((k) => formatPath(path).startsWith(k))) return path;
        for (let n = path.length; n >= 0; n--) {
          const o = merged.origins.get(formatPath(path.slice(0, n)));
          if (o) return [...o.path, ...path.slice(n)];
        }
        return path;
      },
    },
    registry,
  );
  throwProblems(planProblems);
  return { doc: merged.doc, plan, layers, main };
}

function loadWithExtends(ref: ProfileRef, kind: Layer["kind"], layers: Layer[], chain: string[], baseFile: string): void {
  if (chain.includes(ref.file)) {
    throw new KitbashError(ErrorCodes.CONFIG, `profile extends itself: ${[...chain, ref.file].join(" -> ")}`, { location: { file: ref.file } });
  }
  const layer = readLayer(ref.file, kind, ref.base);
  const ext = layer.data.extends;
  const parents = ext === undefined ? [] : Array.isArray(ext) ? ext : [ext];
  parents.forEach((p, i) => {
    if (typeof p !== "string") return;
    let parent: ProfileRef;
    try {
      parent = resolveProfileRef(p, dirname(ref.file));
    } catch (err) {
      if (err instanceof KitbashError) {
        throw new KitbashError(err.code, err.message, {
          field: formatPath(Array.isArray(ext) ? ["extends", i] : ["extends"]),
          location: locate(layer, Array.isArray(ext) ? ["extends", i] : ["extends"]),
          hint: err.hint,
        });
      }
      throw err;
    }
    if (parent.file === baseFile) return; // already the bottom layer
    loadWithExtends(parent, "extends", layers, [...chain, ref.file], baseFile);
  });
  layers.push(layer);
}

function checkStructure(layer: Layer, problems: KitbashError[]): void {
  const data = structuredClone(layer.data);
  // A drop-in or an extended piece may leave out apiVersion/kind only if it is not the main file.
  if (layer.kind === "drop-in") {
    data.apiVersion ??= "kitbash.io/v1alpha1";
    data.kind ??= "Profile";
  }
  for (const p of validateAgainst(profileSchema(), data)) {
    const loc = p.unknownKey ? locateKey(layer, p.path.slice(0, -1), p.unknownKey) : locate(layer, p.path);
    problems.push(new KitbashError(ErrorCodes.CONFIG, p.message, { field: formatPath(p.path), location: loc }));
  }
}

/** Loads the packages the merged profile names, except those in `done` (by spec). */
async function loadPackages(merged: MergedProfile, registry: Registry, cwd: string, problems: KitbashError[], done: Set<string>): Promise<(PlannedPackage & { spec: string })[]> {
  const out: (PlannedPackage & { spec: string })[] = [];
  const list = merged.doc.packages ?? [];
  for (let i = 0; i < list.length; i++) {
    const spec = list[i]!;
    if (done.has(spec)) continue;
    const origin = merged.origins.get(formatPath(["packages", i]));
    const from = origin?.layer.doc ? dirname(origin.layer.origin) : cwd;
    try {
      out.push({ ...(await loadPluginPackage(spec, from, registry)), spec });
    } catch (err) {
      const e = err instanceof KitbashError ? err : new KitbashError(ErrorCodes.PACKAGE, String((err as Error).message ?? err));
      problems.push(new KitbashError(e.code, e.message, { field: formatPath(["packages", i]), location: merged.where(["packages", i]), cause: err }));
    }
  }
  return out;
}

/** A relative dataDir is relative to the working directory, not to the profile file. */
function resolveDataDir(dir: string | undefined, cwd: string): string {
  const d = dir ?? ".kitbash";
  return isAbsolute(d) ? d : resolvePath(cwd, d);
}
