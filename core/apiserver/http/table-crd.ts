import { evaluateJsonPath, parseJsonPath } from "../../api/jsonpath.js";
import type { PrinterColumn, ServedResource } from "../registry/served-resource.js";
import { humanDuration, name, type Column } from "./table-columns.js";

/** What a CRD version without additionalPrinterColumns prints besides its name, as upstream. */
const AGE: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };

/** A cell as upstream's CRD table convertor types it; undefined (shown `<none>`) when absent or of another type. */
function cellOf(type: PrinterColumn["type"], value: unknown, now: number): unknown {
  switch (type) {
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : undefined;
    case "number":
      return typeof value === "number" ? value : undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "date": {
      if (typeof value !== "string") return undefined;
      const t = Date.parse(value);
      return Number.isNaN(t) ? "<invalid>" : humanDuration(now - t);
    }
    default:
      return value === undefined || value === null ? undefined : typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

function column(c: PrinterColumn): Column {
  let steps: ReturnType<typeof parseJsonPath> | undefined;
  try {
    steps = parseJsonPath(c.jsonPath);
  } catch {
    // A path this server cannot read prints as absent rather than failing the list.
    steps = undefined;
  }
  return {
    name: c.name,
    type: c.type,
    ...(c.format ? { format: c.format } : {}),
    ...(c.priority ? { priority: c.priority } : {}),
    cell: (o, now) => {
      const found = steps ? evaluateJsonPath(steps, o) : [];
      return found.length ? (cellOf(c.type, found[0], now) ?? null) : null;
    },
  };
}

const byResource = new WeakMap<ServedResource, Column[]>();

/** A custom resource's columns: NAME, then the version's additionalPrinterColumns (or AGE). */
export function crdColumns(res: ServedResource): Column[] {
  let cols = byResource.get(res);
  if (!cols) {
    cols = [name, ...(res.crd?.printerColumns ?? [AGE]).map(column)];
    byResource.set(res, cols);
  }
  return cols;
}
