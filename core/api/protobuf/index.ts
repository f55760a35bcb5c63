export { decodeEnvelope, encodeEnvelope, MAGIC, type Envelope } from "./envelope.js";
export { decodeObject, decodeMessage } from "./decode.js";
