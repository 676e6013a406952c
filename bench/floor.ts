// The SDK's floor for the evaluation-overhead figure: a Pulumi program that registers the
// resources of a plan (the JSON file PICLUSTER_MESH_FLOOR_PLAN names) directly with the SDK
// classes that created them, without config loading, validation, components or value building.
// It runs through the language host like the real program, so the two differ only in our code.
import * as keycloak from "@pulumi/keycloak";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as vault from "@pulumi/vault";
import * as fs from "fs";
import type { PlannedResource } from "../harness/runtime/plan";

type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Registers one planned resource again with the SDK class that created it. */
function register(resource: PlannedResource): void {
    const { type, name } = resource;
    const inputs = resource.inputs as Inputs;
    switch (type) {
        case "pulumi:providers:kubernetes":
            new k8s.Provider(name, inputs);
            return;
        case "pulumi:providers:vault":
            new vault.Provider(name, inputs);
            return;
        case "pulumi:providers:keycloak":
            new keycloak.Provider(name, inputs);
            return;
        case "kubernetes:helm.sh/v3:Release":
            new k8s.helm.v3.Release(name, inputs as k8s.helm.v3.ReleaseArgs);
            return;
        case "kubernetes:core/v1:Namespace":
            new k8s.core.v1.Namespace(name, inputs);
            return;
        case "kubernetes:core/v1:NamespacePatch":
            new k8s.core.v1.NamespacePatch(name, inputs);
            return;
        case "kubernetes:networking.k8s.io/v1:NetworkPolicy":
            new k8s.networking.v1.NetworkPolicy(name, inputs);
            return;
        case "kubernetes:yaml/v2:ConfigGroup":
            new k8s.yaml.v2.ConfigGroup(name, inputs);
            return;
        case "random:index/randomPassword:RandomPassword":
            new random.RandomPassword(name, inputs as random.RandomPasswordArgs);
            return;
        case "vault:kv/secretV2:SecretV2":
            new vault.kv.SecretV2(name, inputs as vault.kv.SecretV2Args);
            return;
        case "keycloak:openid/client:Client":
            new keycloak.openid.Client(name, inputs as keycloak.openid.ClientArgs);
            return;
    }
    if (!resource.custom) {
        new pulumi.ComponentResource(type, name);
    } else if (type.startsWith("kubernetes:")) {
        new k8s.apiextensions.CustomResource(name, inputs as k8s.apiextensions.CustomResourceArgs);
    } else {
        throw new Error(`no SDK class to replay ${type}`);
    }
}

/** The floor program: every resource of the plan file, registered directly. */
export = () => {
    const file = process.env.PICLUSTER_MESH_FLOOR_PLAN;
    if (!file) {
        throw new pulumi.RunError("PICLUSTER_MESH_FLOOR_PLAN names no plan file");
    }
    (JSON.parse(fs.readFileSync(file, "utf8")) as PlannedResource[]).forEach(register);
};
