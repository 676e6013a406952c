// npm run upstream's reading of charts, CRDs and deprecation texts, on small sources written here
// (the real ones are in the mirrors; `npm run upstream -- --check` compares against them).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compactChart, compactCrd } from "../../scripts/upstream";
import { deprecationOf, deriveChart, deriveCrd } from "../../scripts/upstreamDerive";

function writeTree(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "upstream-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
    }
    return root;
}

const meta = { key: "demo", version: "1.0.0", covers: ["1.0.0"] };
const source = { repo: "example/demo", commit: "0".repeat(40), path: "demo" };

describe("npm run upstream's reading of a chart", () => {
    const chart = writeTree({
        "Chart.yaml": "name: demo\nversion: 1.0.0\n",
        "values.yaml": [
            "a: { b: 1, unused: true }",
            "labels: {}",
            "ports: []",
            "service: { port: 80 }",
        ].join("\n"),
        "templates/deployment.yaml": [
            "port: {{ .Values.a.b }}",
            "labels: {{- toYaml .Values.labels | nindent 2 }}",
            "{{- range .Values.ports }}",
            "- {{ .name }}",
            "{{- end }}",
            "{{- with .Values.service }}",
            "svc: {{ .port }}",
            "{{- end }}",
            '{{ include "demo.helper" .Values.helper }}',
        ].join("\n"),
        "templates/_helpers.tpl": '{{- define "demo.helper" -}}{{ .size }}{{- end }}',
    });
    const data = compactChart(deriveChart(chart), meta, source);
    after(() => fs.rmSync(chart, { recursive: true, force: true }));

    it("marks a default no template reads as unread, and follows with, range and include", () => {
        expect(data.paths["a.b"]).to.deep.equal({ type: "integer" });
        expect(data.paths["a.unused"]).to.deep.equal({ type: "boolean", read: false });
        expect(data.paths["service.port"]).to.deep.equal({ type: "integer" });
        expect(data.paths["helper.size"]).to.deep.equal({});
        expect(data.paths["ports[].name"]).to.deep.equal({});
    });

    it("takes a subtree handed on whole as passthrough and a ranged one as iterated", () => {
        expect(data.paths.labels).to.deep.equal({ type: "object", passthrough: true });
        expect(data.paths.ports).to.deep.equal({ type: "array", iterated: true });
    });

    it("records the chart, its version, what it covers and where it came from", () => {
        expect([data.chart, data.version, data.covers, data.source]).to.deep.equal([
            "demo",
            "1.0.0",
            ["1.0.0"],
            source,
        ]);
    });
});

describe("npm run upstream's reading of a CRD", () => {
    const crd = writeTree({
        "crd.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: { type: integer }
                mode: { type: string, enum: [FAST, SLOW] }
                legacy: { type: string, description: "DEPRECATED AFTER v2: This setting is deprecated and will be ignored." }
                extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
`,
    });
    after(() => fs.rmSync(crd, { recursive: true, force: true }));

    it("keeps each field's type, enum, requirement, passthrough and deprecation", () => {
        const data = compactCrd(
            deriveCrd(path.join(crd, "crd.yaml"), { kind: "Widget" }),
            { label: "demo 1.0.0" },
            source,
        );
        expect(data.versions.v1.paths).to.deep.equal({
            spec: { type: "object" },
            "spec.extra": { type: "object", passthrough: true },
            "spec.legacy": {
                type: "string",
                deprecated: "DEPRECATED AFTER v2: This setting is deprecated and will be ignored.",
                ignored: true,
            },
            "spec.mode": { type: "string", enum: ["FAST", "SLOW"] },
            "spec.size": { type: "integer", required: true },
        });
    });
});

describe("npm run upstream's reading of deprecation texts", () => {
    it("takes a field as deprecated only when the text says so of the field itself", () => {
        expect(deprecationOf("Deprecated: Region is unused.")).to.deep.equal({
            note: "Deprecated: Region is unused.",
            ignored: true,
        });
        expect(deprecationOf("Deprecated: use `authorization` instead.")).to.deep.equal({
            note: "Deprecated: use `authorization` instead.",
            ignored: false,
        });
        expect(
            deprecationOf("If `deployment.hpa` is specified, this setting is ignored."),
        ).to.equal(undefined);
        expect(
            deprecationOf("Either auth or the deprecated accessToken field must be specified."),
        ).to.equal(undefined);
    });
});
