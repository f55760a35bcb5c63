/**
 * /openapi/v2 in the protobuf form clients built on client-go ask for first
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): the gnostic
 * `openapi.v2.Document` message, which client-go decodes as protobuf only. The field
 * numbers below are those of gnostic's OpenAPIv2.proto; only the fields a Kubernetes
 * document uses are written. Maps are lists of (name, value) pairs in document order;
 * values of free form (enum, default, example, x- extensions) travel as YAML text, and
 * JSON is YAML.
 */

type Json = Record<string, any>;

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;

/** A message under construction: parts are kept and joined once, so nesting copies nothing. */
class Message {
  private readonly parts: (Buffer | Message)[] = [];
  length = 0;

  private push(b: Buffer | Message): void {
    this.parts.push(b);
    this.length += b.length;
  }

  private varint(n: number): void {
    const bytes: number[] = [];
    while (n > 0x7f) {
      bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    bytes.push(n);
    this.push(Buffer.from(bytes));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  string(field: number, v: unknown): this {
    if (typeof v !== "string" || v === "") return this;
    const b = Buffer.from(v, "utf8");
    this.key(field, BYTES);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  strings(field: number, v: unknown): this {
    if (Array.isArray(v)) for (const s of v) this.string(field, String(s));
    return this;
  }

  bool(field: number, v: unknown): this {
    if (v === true) {
      this.key(field, VARINT);
      this.varint(1);
    }
    return this;
  }

  int64(field: number, v: unknown): this {
    if (typeof v === "number" && Number.isInteger(v) && v > 0) {
      this.key(field, VARINT);
      this.varint(v);
    }
    return this;
  }

  double(field: number, v: unknown): this {
    if (typeof v === "number" && v !== 0) {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(v);
      this.key(field, FIXED64);
      this.push(b);
    }
    return this;
  }

  message(field: number, m: Message | undefined): this {
    if (!m) return this;
    this.key(field, BYTES);
    this.varint(m.length);
    this.push(m);
    return this;
  }

  /** Writes the message into `out` at `at`; returns the offset after it. */
  private writeInto(out: Buffer, at: number): number {
    for (const p of this.parts) at = p instanceof Message ? p.writeInto(out, at) : at + p.copy(out, at);
    return at;
  }

  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.writeInto(out, 0);
    return out;
  }
}

const msg = () => new Message();

/** Any { yaml = 2 } */
const anyValue = (v: unknown) => msg().string(2, JSON.stringify(v));

/** NamedAny { name = 1, value = 2 } for each `x-` key. */
function vendorExtensions(m: Message, field: number, o: Json): void {
  for (const [k, v] of Object.entries(o)) if (k.startsWith("x-")) m.message(field, msg().string(1, k).message(2, anyValue(v)));
}

/** Schema, fields 1–31. */
function schema(s: Json): Message {
  const m = msg()
    .string(1, s.$ref)
    .string(2, s.format)
    .string(3, s.title)
    .string(4, s.description);
  if (s.default !== undefined) m.message(5, anyValue(s.default));
  m.double(6, s.multipleOf).double(7, s.maximum).bool(8, s.exclusiveMaximum).double(9, s.minimum).bool(10, s.exclusiveMinimum);
  m.int64(11, s.maxLength).int64(12, s.minLength).string(13, s.pattern).int64(14, s.maxItems).int64(15, s.minItems).bool(16, s.uniqueItems);
  m.int64(17, s.maxProperties).int64(18, s.minProperties).strings(19, s.required);
  for (const e of Array.isArray(s.enum) ? s.enum : []) m.message(20, anyValue(e));
  if (s.additionalProperties !== undefined) {
    // AdditionalPropertiesItem: schema = 1 | boolean = 2
    const a = msg();
    if (typeof s.additionalProperties === "boolean") a.bool(2, s.additionalProperties);
    else a.message(1, schema(s.additionalProperties));
    if (typeof s.additionalProperties !== "boolean" || s.additionalProperties) m.message(21, a);
  }
  if (s.type !== undefined) m.message(22, msg().strings(1, Array.isArray(s.type) ? s.type : [s.type])); // TypeItem
  if (s.items && typeof s.items === "object") m.message(23, msg().message(1, schema(s.items))); // ItemsItem
  for (const x of Array.isArray(s.allOf) ? s.allOf : []) m.message(24, schema(x));
  if (s.properties) m.message(25, namedSchemas(s.properties)); // Properties
  m.bool(27, s.readOnly);
  if (s.example !== undefined) m.message(30, anyValue(s.example));
  vendorExtensions(m, 31, s);
  return m;
}

/** Properties / Definitions: additional_properties = 1, each NamedSchema { name = 1, value = 2 }. */
function namedSchemas(o: Json): Message {
  const m = msg();
  for (const [name, s] of Object.entries(o)) m.message(1, msg().string(1, name).message(2, schema(s)));
  return m;
}

/** ParametersItem { parameter = 1 } holding Parameter { body_parameter = 1 | non_body_parameter = 2 }. */
function parameter(p: Json): Message {
  let param: Message;
  if (p.in === "body") {
    // BodyParameter: description 1, name 2, in 3, required 4, schema 5
    param = msg().message(1, msg().string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required).message(5, schema(p.schema ?? {})));
  } else {
    // NonBodyParameter: query_parameter_sub_schema = 3, path_parameter_sub_schema = 4.
    // Query: required 1, in 2, description 3, name 4, type 6, format 7, unique_items 20.
    // Path: required 1, in 2, description 3, name 4, type 5, format 6, unique_items 19.
    const path = p.in === "path";
    const sub = msg().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name);
    if (path) sub.string(5, p.type).string(6, p.format).bool(19, p.uniqueItems);
    else sub.string(6, p.type).string(7, p.format).bool(20, p.uniqueItems);
    param = msg().message(2, msg().message(path ? 4 : 3, sub));
  }
  return msg().message(1, param);
}

/** Operation: tags 1, description 3, operation_id 5, produces 6, consumes 7, parameters 8, responses 9, schemes 10, vendor_extension 13. */
function operation(o: Json): Message {
  const m = msg().strings(1, o.tags).string(2, o.summary).string(3, o.description).string(5, o.operationId).strings(6, o.produces).strings(7, o.consumes);
  for (const p of o.parameters ?? []) m.message(8, parameter(p));
  // Responses { response_code = 1: NamedResponseValue { name 1, value 2: ResponseValue { response = 1: Response { description 1, schema 2: SchemaItem { schema = 1 } } } } }
  const responses = msg();
  for (const [code, r] of Object.entries<Json>(o.responses ?? {})) {
    const response = msg().string(1, r.description);
    if (r.schema) response.message(2, msg().message(1, schema(r.schema)));
    responses.message(1, msg().string(1, code).message(2, msg().message(1, response)));
  }
  m.message(9, responses).strings(10, o.schemes).bool(11, o.deprecated);
  vendorExtensions(m, 13, o);
  return m;
}

const METHODS: [string, number][] = [["get", 2], ["put", 3], ["post", 4], ["delete", 5], ["options", 6], ["head", 7], ["patch", 8]];

/** PathItem: get 2 … patch 8, parameters 9, vendor_extension 10. */
function pathItem(p: Json): Message {
  const m = msg();
  for (const [method, field] of METHODS) if (p[method]) m.message(field, operation(p[method]));
  for (const x of p.parameters ?? []) m.message(9, parameter(x));
  vendorExtensions(m, 10, p);
  return m;
}

/** The gnostic Document of a Swagger 2.0 document as built by swaggerDocument(). */
export function encodeSwaggerProto(doc: Json): Buffer {
  const m = msg().string(1, doc.swagger);
  m.message(2, msg().string(1, doc.info?.title).string(2, doc.info?.version).string(3, doc.info?.description)); // Info
  const paths = msg(); // Paths { path = 2: NamedPathItem { name 1, value 2 } }
  for (const [name, p] of Object.entries<Json>(doc.paths ?? {})) paths.message(2, msg().string(1, name).message(2, pathItem(p)));
  m.message(8, paths);
  m.message(9, namedSchemas(doc.definitions ?? {})); // Definitions
  // security 12: SecurityRequirement { additional_properties = 1: NamedStringArray { name 1, value 2: StringArray { value = 1 } } }
  for (const req of doc.security ?? []) {
    const r = msg();
    for (const [name, scopes] of Object.entries<string[]>(req)) r.message(1, msg().string(1, name).message(2, msg().strings(1, scopes)));
    m.message(12, r);
  }
  // security_definitions 13: { additional_properties = 1: { name 1, value 2: SecurityDefinitionsItem { api_key_security = 2 } } }
  const defs = msg();
  for (const [name, d] of Object.entries<Json>(doc.securityDefinitions ?? {})) {
    if (d.type !== "apiKey") continue;
    const apiKey = msg().string(1, d.type).string(2, d.name).string(3, d.in).string(4, d.description);
    defs.message(1, msg().string(1, name).message(2, msg().message(2, apiKey)));
  }
  m.message(13, defs);
  vendorExtensions(m, 16, doc);
  return m.finish();
}
