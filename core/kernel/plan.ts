import type { PointKind } from "./extension-point.js";

/** One plugin placed at a point, with the args it will be created with (defaults applied). */
export interface PlannedPlugin {
  name: string;
  weight: number;
  args: Record<string, unknown>;
}

export interface PlannedPoint {
  id: string;
  kind: PointKind;
  plugins: PlannedPlugin[];
}

export interface PlannedComponent {
  name: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  config: Record<string, Record<string, unknown>>;
  /** Keyed by the point's short name (`storage`, `filter`). */
  points: Record<string, PlannedPoint>;
}

export interface PlannedPackage {
  name: string;
  dir: string;
  version?: string;
  plugins: string[];
  points: string[];
}

/**
 * What a profile resolves to before anything is built. The kernel builds exactly
 * this, and `kitbash profile show --resolved` prints it.
 */
export interface Plan {
  profile: string;
  files: string[];
  dataDir: string;
  packages: PlannedPackage[];
  components: Record<string, PlannedComponent>;
}

export function enabledComponents(plan: Plan): PlannedComponent[] {
  return Object.values(plan.components).filter((c) => c.enabled);
}
