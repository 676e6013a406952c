// Evaluation overhead: the picluster program in the plan harness against the SDK's floor, a
// minimal program that registers the same resources (same SDK classes, same inputs) directly,
// without config loading, validation, components or value building.
import * as keycloak from "@pulumi/keycloak";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as vault from "@pulumi/vault";
import { planProgram, PlannedResource } from "../harness/runtime/plan";
import { planStack } from "../harness/stack";
import { median, time } from "./timing";

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

/** Median times of the picluster plan and of its floor, measured interleaved in one process. */
export async function evaluationOverhead(rounds = 21) {
    const planned = (await planStack({ stack: "picluster" })).resources;
    const floor = () =>
        planProgram({
            program: () => planned.forEach(register),
        });
    const floorPlan = await floor();
    if (floorPlan.resources.length !== planned.length) {
        throw new Error(`the floor registered ${floorPlan.resources.length} of ${planned.length}`);
    }
    const programTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
        programTimes.push(await time(() => planStack({ stack: "picluster" })));
        floorTimes.push(await time(floor));
    }
    const programMs = median(programTimes);
    const floorMs = median(floorTimes);
    return { resources: planned.length, programMs, floorMs, ratio: programMs / floorMs };
}
