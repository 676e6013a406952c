// A stand-in for the Pulumi engine's resource monitor and engine services: it answers a program's
// requests the way `pulumi up` does on a fresh stack (URNs with the parent's whole type chain,
// IDs, outputs that echo the inputs, additional secret outputs kept secret) and records each
// request: parent, dependency edges, options and inputs, secrets masked. The same object serves
// a program over gRPC, launched as the language host launches it (langhost.ts), and a component
// in-process through the SDK's public `setMockOptions` (plan.ts).
import * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as engine from "@pulumi/pulumi/proto/engine_pb";
import * as resource from "@pulumi/pulumi/proto/resource_pb";
import { PlannedResource } from "./types";
import { isSecretValue, plainValue, SECRET_MASK, secretStrings, secretValue } from "./wire";

/** The root resource every program registers first. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

/** A gRPC-style callback: an error, or the response. */
export type Callback<T> = (error: { code: number; details: string } | null, response?: T) => void;

/** gRPC status codes the monitor answers with. */
const INVALID_ARGUMENT = 3;
const UNKNOWN_ERROR = 2;

const Feature = resource.ResourceMonitorFeature;

/**
 * The features the monitor supports. Transforms and hooks need the engine to call back into the
 * program, which the monitor does not do: a program that uses them fails with the SDK's own
 * "the Pulumi CLI does not support" error instead of being planned wrongly.
 */
const FEATURES: Record<string, resource.ResourceMonitorFeature> = {
    secrets: Feature.RESOURCE_MONITOR_FEATURE_SECRETS,
    resourceReferences: Feature.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    outputValues: Feature.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
    aliasSpecs: Feature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    deletedWith: Feature.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
};

const SEVERITIES: Record<number, LogEntry["severity"]> = {
    [engine.LogSeverity.DEBUG]: "debug",
    [engine.LogSeverity.INFO]: "info",
    [engine.LogSeverity.WARNING]: "warning",
    [engine.LogSeverity.ERROR]: "error",
};

/** One message the program logged through the engine. */
export interface LogEntry {
    readonly severity: "debug" | "info" | "warning" | "error";
    readonly message: string;
    readonly urn?: string;
}

/** What a program registered, in the order the engine received it. */
export interface Recording {
    /** Every resource but the root Stack; top-level resources have no parent. */
    readonly resources: PlannedResource[];
    /** The Stack's outputs (the program's exports), secrets masked; undefined until registered. */
    stackOutputs?: Record<string, unknown>;
    /** Invocations of provider functions: token and arguments, secrets masked. */
    readonly invokes: { token: string; args: unknown }[];
    readonly logs: LogEntry[];
}

export interface MonitorOptions {
    readonly project: string;
    readonly stack: string;
    readonly organization: string;
    /** Config as `project:key` → string value (structured values as JSON text). */
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /**
     * Outputs a provider would compute, given a resource's type, name and inputs; merged over
     * the inputs the monitor echoes back as outputs.
     */
    readonly computedOutputs?: (type: string, name: string) => Record<string, unknown>;
}

/** The engine's URN: the parent's qualified type chain (the Stack left out), then the type. */
export function engineUrn(
    stack: string,
    project: string,
    parent: string,
    type: string,
    name: string,
): string {
    const parentType = parent ? parent.split("::")[2] : undefined;
    const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Answers a request, turning a thrown error into a gRPC error. */
function answer<Req, Res>(handle: (request: Req) => Res) {
    return (request: Req, callback: Callback<Res>) => {
        try {
            callback(null, handle(request));
        } catch (error) {
            const { code, message } = error as { code?: number; message?: string };
            callback({ code: code ?? UNKNOWN_ERROR, details: String(message ?? error) });
        }
    };
}

/** The resource monitor and engine services, recording into `recording`. */
export class RecordingMonitor {
    readonly recording: Recording = { resources: [], invokes: [], logs: [] };
    private readonly urns = new Set<string>();
    private stackUrn?: string;
    /**
     * The plaintext of every secret seen: the SDK's debug logs echo whole requests and responses,
     * and a recorded log must not hold what the plan masks.
     */
    private readonly secrets = new Set<string>();

    constructor(private readonly options: MonitorOptions) {
        for (const key of options.secretKeys) {
            const value = options.config[key];
            if (value !== undefined) {
                this.secrets.add(value);
            }
        }
    }

    /** Remembers the secrets a wire value holds, and returns it. */
    private seen<T>(value: T): T {
        secretStrings(value, this.secrets);
        return value;
    }

    /** A message with every secret seen so far masked. */
    private masked(message: string): string {
        let text = message;
        for (const secret of this.secrets) {
            if (secret !== "") {
                text = text.split(secret).join(SECRET_MASK);
            }
        }
        return text;
    }

    readonly getDeploymentInfo = answer((): resource.DeploymentInfo => {
        const info = new resource.DeploymentInfo();
        info.setProject(this.options.project);
        info.setStack(this.options.stack);
        info.setOrganization(this.options.organization);
        for (const [key, value] of Object.entries(this.options.config)) {
            info.getConfigMap().set(key, value);
        }
        info.setConfigsecretkeysList([...this.options.secretKeys]);
        info.setDryrun(false);
        info.setSupportedfeaturesList(Object.values(FEATURES));
        return info;
    });

    readonly supportsFeature = answer((request: resource.SupportsFeatureRequest) =>
        new resource.SupportsFeatureResponse().setHassupport(request.getId() in FEATURES),
    );

    readonly registerResource = answer((request: resource.RegisterResourceRequest) => {
        const type = request.getType();
        const name = request.getName();
        const urn = engineUrn(
            this.options.stack,
            this.options.project,
            request.getParent(),
            type,
            name,
        );
        if (this.urns.has(urn)) {
            // The engine rejects this too; surfacing it keeps the plan honest.
            throw Object.assign(new Error(`Duplicate resource URN '${urn}'`), {
                code: INVALID_ARGUMENT,
            });
        }
        this.urns.add(urn);
        const inputs = this.seen(
            (request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
        );
        const response = new resource.RegisterResourceResponse().setUrn(urn);
        if (type === STACK_TYPE) {
            this.stackUrn = urn;
            return response.setObject(new Struct());
        }
        const custom = request.getCustom();
        const importId = request.getImportid();
        const parent = request.getParent();
        this.recording.resources.push({
            urn,
            type,
            name,
            parent: parent && parent !== this.stackUrn ? parent : null,
            dependsOn: [...new Set(request.getDependenciesList())].sort(),
            inputs: plainValue(inputs) as Record<string, unknown>,
            custom,
            options: {
                protect: request.getProtect() === true,
                retainOnDelete: request.getRetainondelete() === true,
                import: importId || null,
                ignoreChanges: request.getIgnorechangesList(),
                provider: request.getProvider() || null,
            },
        });
        if (!custom) {
            // Components have no provider-side state: the engine returns no outputs.
            return response.setObject(new Struct());
        }
        const outputs: Record<string, unknown> = {
            ...inputs,
            ...this.options.computedOutputs?.(type, name),
        };
        for (const key of request.getAdditionalsecretoutputsList()) {
            if (key in outputs && !isSecretValue(outputs[key])) {
                outputs[key] = secretValue(outputs[key]);
            }
        }
        this.seen(outputs);
        // The ID of a created resource; an imported one keeps the ID it was imported with.
        return response
            .setId(importId || `${name}-id`)
            .setObject(Struct.fromJavaScript(outputs as never));
    });

    readonly registerResourceOutputs = answer(
        (request: resource.RegisterResourceOutputsRequest) => {
            const outputs = this.seen(request.getOutputs()?.toJavaScript() ?? {});
            if (request.getUrn() === this.stackUrn) {
                this.recording.stackOutputs = plainValue(outputs) as Record<string, unknown>;
            }
            return new emptyPb.Empty();
        },
    );

    readonly invoke = answer((request: resource.ResourceInvokeRequest) => {
        this.recording.invokes.push({
            token: request.getTok(),
            args: plainValue(this.seen(request.getArgs()?.toJavaScript() ?? {})),
        });
        // Provider functions are not evaluated offline: they return nothing.
        return new resource.ResourceInvokeResponse().setReturn(new Struct());
    });

    readonly signalAndWaitForShutdown = answer(() => new emptyPb.Empty());

    /** Engine.Log: what the program tells the user. */
    readonly log = answer((request: engine.LogRequest) => {
        this.recording.logs.push({
            severity: SEVERITIES[request.getSeverity()] ?? "info",
            message: this.masked(request.getMessage()),
            ...(request.getUrn() && { urn: request.getUrn() }),
        });
        return new emptyPb.Empty();
    });

    readonly setRootResource = answer(() => new engine.SetRootResourceResponse());

    readonly getRootResource = answer(() =>
        new engine.GetRootResourceResponse().setUrn(this.stackUrn ?? ""),
    );

    /** The SDK closes its monitor client when it disconnects; nothing is held open here. */
    close(): void {}
}
