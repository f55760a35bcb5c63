import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRootFromHere = (url) => join(dirname(fileURLToPath(url)), "..", "..");
