/**
 * The webhook's decision, free of HTTP: an AdmissionReview v1 in, the AdmissionReview
 * answer out. A pod annotated `inject-sidecar: "true"` gets one more container, added
 * with a JSON Patch; anything else is allowed unchanged.
 */
export const SIDECAR = { name: "sidecar", image: "my-sidecar:v1", ports: [{ containerPort: 8080 }] };

export function review(body) {
  const request = body?.request;
  if (!request?.uid) throw new Error("not an AdmissionReview: request.uid is missing");
  const response = { uid: request.uid, allowed: true };
  const pod = request.object;
  const wanted = pod?.metadata?.annotations?.["inject-sidecar"] === "true";
  const present = (pod?.spec?.containers ?? []).some((c) => c.name === SIDECAR.name);
  if (request.kind?.kind === "Pod" && wanted && !present) {
    const patch = [{ op: "add", path: "/spec/containers/-", value: SIDECAR }];
    response.patchType = "JSONPatch";
    response.patch = Buffer.from(JSON.stringify(patch)).toString("base64");
  }
  return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response };
}
