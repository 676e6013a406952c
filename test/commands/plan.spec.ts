import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { planProgram } from "../../harness/runtime/plan";
import { planInventory, runPolicies } from "../../harness/engine";
import { stackFilePath } from "../../harness/stack";
import { MeshIndex } from "../../policies/core";
import { rules } from "../../policies/rules";
import { main, renderTree } from "../../scripts/plan";
import {
    inputsOf,
    planReference,
    REFERENCE_STACK,
    resourceNamed,
    runCommand,
    writeTree,
} from "../helpers";

/** Writes a copy of the reference stack file with one line replaced. */
function editedStackFile(from: string, to: string): string {
    const text = fs.readFileSync(REFERENCE_STACK, "utf8");
    expect(text).to.contain(from);
    const root = writeTree({ "Pulumi.edited.yaml": text.replace(from, to) });
    return path.join(root, "Pulumi.edited.yaml");
}

describe("the offline plan command", function () {
    // The program runs as the Pulumi CLI runs it: a child process, a second or two each.
    this.timeout(60000);

    it("prints one JSON document whose resources carry urn, type, name, parent, dependsOn and inputs", async () => {
        const { code, stdout } = await runCommand(main, [
            "--stack-file",
            REFERENCE_STACK,
            "--json",
        ]);
        expect(code).to.equal(0);
        const document = JSON.parse(stdout);
        expect(document.stack).to.equal("reference");
        const urns = new Set(document.resources.map((r: { urn: string }) => r.urn));
        for (const resource of document.resources) {
            expect(Object.keys(resource)).to.deep.equal([
                "urn",
                "type",
                "name",
                "parent",
                "dependsOn",
                "inputs",
                "options",
            ]);
            expect(resource.parent === null || urns.has(resource.parent), resource.urn).to.equal(
                true,
            );
            for (const dependency of resource.dependsOn) {
                expect(urns.has(dependency), `${resource.urn} waits for ${dependency}`).to.equal(
                    true,
                );
            }
        }
        const base = document.resources.find((r: { name: string }) => r.name === "istio-base");
        expect(base.urn).to.equal(
            "urn:pulumi:reference::picluster-mesh::picluster:istio:IstioAmbient$kubernetes:helm.sh/v3:Release::istio-base",
        );
        expect(base.parent).to.equal(
            "urn:pulumi:reference::picluster-mesh::picluster:istio:IstioAmbient::istio",
        );
    });

    it("renders a tree of components and their releases with chart and version", async () => {
        const lines = renderTree(await planReference()).split("\n");
        expect(lines).to.include("+ picluster:istio:IstioAmbient istio");
        expect(lines).to.include(
            "    + kubernetes:helm.sh/v3:Release istio-base (helm release istio-system/istio-base: chart base 1.30.3 from https://istio-release.storage.googleapis.com/charts) [protected]",
        );
        expect(lines).to.include("        waits for: istio-namespace, istio-cni, istio-istiod");
    });

    it("reads another stack file and exits 2 with the one-line config error", async () => {
        const file = editedStackFile("version: 1.30.3", "version: latest");
        const { code, stdout, stderr } = await runCommand(main, ["--stack-file", file, "--json"]);
        expect(code).to.equal(2);
        expect(stdout).to.equal("");
        expect(stderr).to.equal(
            'Invalid config picluster-mesh:istio.version = "latest": expected a pinned chart version such as 1.30.3.',
        );
    });

    it("exits 2 on a stack file that does not exist and on an unknown option", async () => {
        const missing = await runCommand(main, ["--stack", "nosuchstack"]);
        expect(missing.code).to.equal(2);
        expect(missing.stderr).to.equal(`plan: ${stackFilePath("nosuchstack")} does not exist`);
        const unknown = await runCommand(main, ["--stak", "picluster"]);
        expect(unknown.code).to.equal(2);
        expect(unknown.stderr).to.match(/^plan: Unknown option '--stak'/);
    });

    it("refuses a directory, a FIFO, a device and an oversized file as --stack-file or --policy-config, without reading them", async () => {
        const root = writeTree({ "big.yaml": `# ${"x".repeat(1024 * 1024)}\n` });
        const fifo = path.join(root, "pipe.yaml");
        spawnSync("mkfifo", [fifo]);
        const refusal = async (option: string, file: string) => {
            const { code, stdout, stderr } = await runCommand(main, [option, file]);
            expect([code, stdout], file).to.deep.equal([2, ""]);
            return stderr;
        };
        for (const option of ["--stack-file", "--policy-config"]) {
            expect(await refusal(option, root)).to.equal(
                `plan: ${root} is a directory; give a file`,
            );
            expect(await refusal(option, "/dev/zero")).to.equal(
                "plan: /dev/zero is not a regular file; give a file",
            );
            expect(await refusal(option, path.join(root, "big.yaml"))).to.equal(
                `plan: ${path.join(root, "big.yaml")} has 1048579 bytes, more than the 1048576 an input file may have`,
            );
            if (fs.existsSync(fifo)) {
                expect(await refusal(option, fifo)).to.equal(
                    `plan: ${fifo} is not a regular file; give a file`,
                );
            }
        }
    });

    it("refuses stack names the Pulumi CLI refuses, which could also point outside the project", async () => {
        for (const stack of ["a::b", "../../x", ".."]) {
            const { code, stderr } = await runCommand(main, ["--stack", stack]);
            expect([code, stderr], stack).to.deep.equal([
                2,
                `plan: ${JSON.stringify(stack)} is not a stack name: use letters, digits, '-', '_' and '.'`,
            ]);
        }
    });

    it("refuses a policy config that is not an object of levels and settings, as the CLI does", async () => {
        const root = writeTree({
            "list.json": "[]",
            "number.json": '{"all": 5}',
            "null.json": "null",
        });
        const refusal = async (name: string) =>
            (await runCommand(main, ["--policy-config", path.join(root, name)])).stderr;
        expect(await refusal("list.json")).to.equal(
            `plan: invalid policy config: ${path.join(root, "list.json")}: the top level must be a JSON object of policy names`,
        );
        expect(await refusal("null.json")).to.equal(
            `plan: invalid policy config: ${path.join(root, "null.json")}: the top level must be a JSON object of policy names`,
        );
        expect(await refusal("number.json")).to.equal(
            `plan: invalid policy config: ${path.join(root, "number.json")}: "all" must be an enforcement level or an object of settings, not number`,
        );
    });

    it("refuses credentials stored in plaintext in the stack file", async () => {
        const text = fs.readFileSync(REFERENCE_STACK, "utf8");
        const root = writeTree({
            "Pulumi.plain.yaml": `${text.trimEnd()}\n    picluster-mesh:vaultToken: hvs.CAESIJ0123456789abcdefghij\n`,
        });
        const { code, stdout, stderr } = await runCommand(main, [
            "--stack-file",
            path.join(root, "Pulumi.plain.yaml"),
        ]);
        expect([code, stdout]).to.deep.equal([2, ""]);
        expect(stderr).to.equal(
            "Invalid config picluster-mesh:vaultToken: stored in plaintext in the stack file; set it with `pulumi config set --secret picluster-mesh:vaultToken`.",
        );
    });

    it("exits 2 with one line on a stack file that is not valid YAML", async () => {
        const root = writeTree({
            "Pulumi.broken.yaml": "config:\n    picluster-mesh:domain: a: b\n",
        });
        const file = path.join(root, "Pulumi.broken.yaml");
        const { code, stdout, stderr } = await runCommand(main, ["--stack-file", file]);
        expect(code).to.equal(2);
        expect(stdout).to.equal("");
        expect(stderr).to.equal(
            `plan: ${file} is not a Pulumi stack settings file: Nested mappings are not allowed in compact mappings at line 2, column 28`,
        );
    });

    it("exits 2 with one line on a YAML file that is not a stack settings file", async () => {
        const root = writeTree({
            "list.yaml": "- picluster-mesh:domain: homelab.example.com\n",
            "manifest.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: { name: kiali }\n",
            "config-list.yaml": "config:\n    - picluster-mesh:domain: homelab.example.com\n",
        });
        const rejection = async (name: string) => {
            const { code, stdout, stderr } = await runCommand(main, [
                "--stack-file",
                path.join(root, name),
            ]);
            expect(code, name).to.equal(2);
            expect(stdout, name).to.equal("");
            return stderr;
        };
        const reason = (name: string, why: string) =>
            `plan: ${path.join(root, name)} is not a Pulumi stack settings file: ${why}`;
        expect(await rejection("list.yaml")).to.equal(
            reason("list.yaml", "the top level is not a mapping"),
        );
        expect(await rejection("manifest.yaml")).to.equal(
            reason(
                "manifest.yaml",
                'unknown key "apiVersion"; allowed keys: secretsprovider, encryptedkey, encryptionsalt, config, environment',
            ),
        );
        expect(await rejection("config-list.yaml")).to.equal(
            reason("config-list.yaml", "`config` is not a mapping of keys to values"),
        );
    });

    it("replaces every secret value in inputs and outputs with [secret]", async () => {
        const plan = await planProgram({
            program: () => {
                const secret = new k8s.core.v1.Secret("credentials", {
                    metadata: { name: "credentials" },
                    stringData: { password: pulumi.secret("hunter2") },
                });
                return { password: pulumi.secret("hunter2"), name: secret.metadata.name };
            },
        });
        expect(plan.resources[0].inputs.stringData).to.equal("[secret]");
        expect(plan.outputs).to.deep.equal({ password: "[secret]", name: "credentials" });
        expect(JSON.stringify(plan)).to.not.contain("hunter2");
    });

    it("points Istio's charts at another root namespace, which the policy pack reads from istiod's values", async () => {
        const plan = await planReference((config) => {
            (config["picluster-mesh:istio"] as Record<string, unknown>).namespace = "mesh-root";
        });
        expect((await runPolicies(plan)).violations).to.deep.equal([]);
        const cni = inputsOf(resourceNamed(plan, "istio-cni"));
        expect(cni.namespace).to.equal("mesh-root");
        // cni reads no root namespace (policies/upstream); istiod and ztunnel do.
        expect(cni.values.global).to.equal(undefined);
        expect(inputsOf(resourceNamed(plan, "istio-istiod")).values.global).to.deep.equal({
            istioNamespace: "mesh-root",
        });
        expect(new MeshIndex(planInventory(plan)).rootNamespace).to.equal("mesh-root");
        for (const rule of rules) {
            expect(Object.keys(rule.config), rule.code).to.not.include("rootNamespace");
        }
    });
});
