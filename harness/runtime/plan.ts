// Runs a Pulumi program in-process with Pulumi's mock runtime standing in for the engine, and
// records what `pulumi up` would register: every resource with its parent, its dependency edges
// (explicit dependsOn plus every resource whose outputs feed its inputs), its options and its
// inputs, with secrets masked. No CLI, cluster or credentials are involved.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../config/schema";

/** The string every secret value is replaced with. */
export const SECRET_MASK = "[secret]";

/** Resource options the engine receives that matter for review and policies. */
export interface PlannedOptions {
    protect: boolean;
    retainOnDelete: boolean;
    /** The import ID when the resource adopts an existing object. */
    import: string | null;
    ignoreChanges: string[];
    /** The provider reference (`<urn>::<id>`), or null for the default provider. */
    provider: string | null;
}

/** One resource as the engine would see it. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** The parent's URN, or null for a top-level resource. */
    parent: string | null;
    /** URNs this resource waits for. */
    dependsOn: string[];
    /** Inputs, with every secret replaced by {@link SECRET_MASK}. */
    inputs: Record<string, unknown>;
    /** True for custom (provider-managed) resources, false for components. */
    custom: boolean;
    options: PlannedOptions;
}

/** What a program would register. */
export interface Plan {
    stack: string;
    resources: PlannedResource[];
    /** The program's exported stack outputs, secrets masked. */
    outputs: Record<string, unknown>;
}

/** Options for {@link planProgram}. */
export interface PlanOptions {
    /** Stack name, as `pulumi.getStack()` returns it. Defaults to `test`. */
    stack?: string;
    /** Config as `project:key` → string value (structured values as JSON strings). */
    config?: Record<string, string>;
    /** Config keys whose values are secrets. */
    secretKeys?: string[];
    /** Registers the resources; may return the stack outputs. */
    program: () => unknown;
}

/** The mock monitor's request: the engine's RegisterResourceRequest (protobuf getters). */
interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): unknown;
    getDependenciesList(): string[];
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getImportid(): string;
    getIgnorechangesList(): string[];
    getProvider(): string;
}

type Callback = (err: unknown, response: unknown) => void;

interface MonitorLike {
    registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void>;
    newUrn(parent: string, type: string, name: string): string;
}

/**
 * Makes the mock monitor record every registration before answering it. The mock monitor
 * receives the same RegisterResourceRequest the engine would, so parents, dependency edges and
 * options are exactly what `pulumi up` would see.
 */
function recordRegistrations(monitor: MonitorLike): PlannedResource[] {
    const records: PlannedResource[] = [];
    const urns = new Set<string>();
    // The SDK's mock monitor keeps only the direct parent's type in a child's URN; the engine
    // keeps the whole chain (`A$B$C`). Plans must show the URNs `pulumi up` will use.
    monitor.newUrn = resourceUrn;
    const answer = monitor.registerResource.bind(monitor);
    monitor.registerResource = async (req, callback) => {
        const urn = resourceUrn(req.getParent(), req.getType(), req.getName());
        if (urns.has(urn)) {
            // The engine rejects this too; surfacing it here keeps the plan honest.
            callback(new Error(`Duplicate resource URN '${urn}'`), undefined);
            return;
        }
        urns.add(urn);
        records.push({
            urn,
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || null,
            dependsOn: [...new Set(req.getDependenciesList())].sort(),
            inputs: maskSecrets(
                pulumi.runtime.deserializeProperties(req.getObject() as never),
            ) as Record<string, unknown>,
            custom: req.getCustom(),
            options: {
                protect: req.getProtect() === true,
                retainOnDelete: req.getRetainondelete() === true,
                import: req.getImportid() || null,
                ignoreChanges: req.getIgnorechangesList(),
                provider: req.getProvider() || null,
            },
        });
        return answer(req, callback);
    };
    return records;
}

/** The engine's URN for a resource: the parent's qualified type chain, then its own type. */
function resourceUrn(parent: string, type: string, name: string): string {
    const qualifiedType = parent ? `${parent.split("::")[2]}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualifiedType}::${name}`;
}

/** Replaces every secret in a deserialized value with {@link SECRET_MASK}. */
export function maskSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(maskSecrets);
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
        return SECRET_MASK;
    }
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
        return { asset: (record.path ?? record.uri ?? "[text]") as string };
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v)]));
}

/** State the mocks return: the inputs, plus the outputs programs read from known types. */
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    switch (args.type) {
        case "random:index/randomPassword:RandomPassword":
            // A stand-in value; the provider marks `result` secret, so it is masked everywhere.
            return { ...args.inputs, result: `mock-${args.name}-password` };
        default:
            return args.inputs;
    }
}

async function resolveOutputs(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const output = value as pulumi.Output<unknown>;
        const [resolved, secret] = await Promise.all([
            new Promise((resolve) => output.apply(resolve)),
            pulumi.isSecret(output),
        ]);
        return secret ? SECRET_MASK : resolveOutputs(resolved);
    }
    if (pulumi.Resource.isInstance(value)) {
        return resolveOutputs((value as pulumi.CustomResource).urn);
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(resolveOutputs));
    }
    if (value !== null && typeof value === "object") {
        const entries = await Promise.all(
            Object.entries(value).map(async ([k, v]) => [k, await resolveOutputs(v)] as const),
        );
        return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
    }
    return value;
}

let running = false;

/**
 * Evaluates `program` against a fresh mock runtime and returns everything it registered. Runs
 * are serialized: the Pulumi runtime is process-global.
 */
export async function planProgram(options: PlanOptions): Promise<Plan> {
    if (running) {
        throw new Error("planProgram is not re-entrant: the Pulumi runtime is process-global");
    }
    running = true;
    const stack = options.stack ?? "test";
    const mocks: pulumi.runtime.Mocks = {
        newResource: (args) => ({ id: `${args.name}-id`, state: mockState(args) }),
        call: (args) => args.inputs,
    };
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    // The SDK captures a stack trace for every resource and output it creates; under ts-node each
    // capture is rewritten through source maps, which made evaluation three times slower. V8
    // formats a stack only when `.stack` is read, so errors read after this function still get
    // source-mapped traces.
    const prepareStackTrace = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    try {
        await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
        const records = recordRegistrations(pulumi.runtime.getMonitor() as unknown as MonitorLike);
        pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
        const exported = await options.program();
        await waitForRegistrations();
        const outputs = (await resolveOutputs(exported ?? {})) as Record<string, unknown>;
        await waitForRegistrations();
        if (failures.length > 0) {
            throw failures[0];
        }
        return { stack, resources: records, outputs };
    } finally {
        Error.prepareStackTrace = prepareStackTrace;
        process.off("unhandledRejection", onRejection);
        running = false;
    }
}

async function waitForRegistrations(): Promise<void> {
    // `waitForRPCs` is the SDK's own "every registration has answered" barrier.
    const settings = require("@pulumi/pulumi/runtime/settings") as {
        waitForRPCs(): Promise<void>;
    };
    await settings.waitForRPCs();
}
