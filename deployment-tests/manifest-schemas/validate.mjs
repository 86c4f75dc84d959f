// Validates Kubernetes objects (YAML documents, e.g. `kubectl kustomize` output) against the schemas of the
// Kubernetes API (kubernetes-models) and of the operators' CRDs (@kubernetes-models/*), as published on npm.
// Usage: node validate.mjs <rendered.yaml>. Prints one JSON line per object; exits 1 when any object is invalid or
// has no schema (an API version the cluster would no longer serve), unless it is listed in UNPUBLISHED.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// API group → the npm package whose models carry its schemas. Core (no group) and the built-in groups come from
// kubernetes-models.
const PACKAGES = {
  "kafka.strimzi.io": "@kubernetes-models/strimzi-kafka-operator",
  "postgresql.cnpg.io": "@kubernetes-models/cloudnative-pg",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
};

// The API versions the targeted releases serve (Kubernetes 1.34-1.36, Strimzi 1.x, CloudNativePG 1.30 with the Barman
// Cloud plugin, Prometheus Operator, Gateway API v1). The model packages also carry older versions (Strimzi's
// v1beta2, which Strimzi 1.0 removed), so a schema alone does not prove a version is still served.
const SERVED = {
  "": ["v1"],
  "apps": ["v1"],
  "autoscaling": ["v2"],
  "policy": ["v1"],
  "networking.k8s.io": ["v1"],
  "kafka.strimzi.io": ["v1"],
  "postgresql.cnpg.io": ["v1"],
  "barmancloud.cnpg.io": ["v1"],
  "monitoring.coreos.com": ["v1"],
  "gateway.networking.k8s.io": ["v1"],
};

// Kinds whose CRD no registry reachable here publishes: named, reported, never silently skipped.
const UNPUBLISHED = {
  "barmancloud.cnpg.io/v1/ObjectStore": "the Barman Cloud plugin's CRD is not published on npm",
};

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const module = PACKAGES[group]
    ? `${PACKAGES[group]}/${group}/${version}/${kind}`
    : group === "" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
  try {
    return (await import(module))[kind];
  } catch (e) {
    return undefined;
  }
}

let failed = false;
const file = process.argv[2];
for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
  const object = document.toJS();
  if (!object) continue;
  if (object.kind === "Secret" && object.data) {
    // kustomize folds long base64 values over lines; the API server's (Go) base64 decoder skips line breaks, the
    // schema's "byte" format does not.
    for (const key of Object.keys(object.data)) object.data[key] = String(object.data[key]).replace(/\s+/g, "");
  }
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  const report = { apiVersion, kind, name };
  const unpublished = UNPUBLISHED[`${apiVersion}/${kind}`];
  const Model = unpublished ? undefined : await modelOf(apiVersion, kind);
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (!(SERVED[group] ?? []).includes(version)) {
    report.result = "not served";
    report.reason = `${apiVersion} is not an API version the targeted releases serve (${(SERVED[group] ?? []).join(", ") || "unknown group"})`;
    failed = true;
  } else if (unpublished) {
    report.result = "not validated";
    report.reason = unpublished;
  } else if (!Model) {
    report.result = "no schema";
    report.reason = `no published schema for ${apiVersion} ${kind}: a removed or unknown API version`;
    failed = true;
  } else {
    try {
      new Model(object).validate();
      report.result = "valid";
    } catch (e) {
      report.result = "invalid";
      report.reason = e.message;
      failed = true;
    }
  }
  console.log(JSON.stringify(report));
}
process.exit(failed ? 1 : 0);
