// The policy pack over Pulumi's analyzer protocol, driven as the engine drives it during
// `pulumi preview --policy-pack policies`:
// - started as pulumi-language-nodejs RunPlugin(kind=analyzer) starts a Node pack: cwd the pack's
//   directory, `node <@pulumi/pulumi>/cmd/run-policy-pack/index.js <engine> <packDir>`, the stack
//   in PULUMI_NODEJS_* and PULUMI_CONFIG; the pack prints its port on its first stdout line;
// - GetPluginInfo, GetAnalyzerInfo, then Configure with the config the engine reconciles from the
//   pack's policy infos (pulumi/pulumi pkg/resource/analyzer/config.go);
// - per resource, in registration order, Remediate and then Analyze with its inputs, options and
//   provider (pkg/resource/deploy/step_generator.go); the root Stack is a resource like any other;
// - AnalyzeStack with every resource, its parent, dependencies, options and provider.
// Here the pack's modules resolve from the project's node_modules (policies/ has none of its own),
// and providers the engine would create by default are left out: no policy reads them.
import * as grpc from "@grpc/grpc-js";
import * as path from "path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { EnforcementLevel } from "@pulumi/policy";
import { Child, childEnvironment, startChild } from "../child";
import { PACK_DIRECTORY } from "../project";
import { ORGANIZATION, Plan, PlannedResource } from "../runtime/plan";
import { STACK_TYPE } from "../runtime/monitor";
import { wireValue } from "../runtime/wire";
import { PolicyDeclaration, PolicyPackConfig, reconcileConfig, ResolvedConfig } from "./config";
import { codeOf, Violation } from "./run";
import { PROJECT } from "../../config/schema";

const LEVEL_NAMES: Record<number, EnforcementLevel> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzer.EnforcementLevel.DISABLED]: "disabled",
    [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};

const LEVEL_CODES = Object.fromEntries(
    Object.entries(LEVEL_NAMES).map(([code, name]) => [name, Number(code)]),
) as Record<EnforcementLevel, analyzer.EnforcementLevel>;

/** What a pack says about itself in GetAnalyzerInfo and GetPluginInfo. */
export interface PackInfo {
    readonly name: string;
    readonly version: string;
    /** The version of @pulumi/policy serving the pack. */
    readonly pluginVersion: string;
    readonly policies: readonly (PolicyDeclaration & {
        readonly description: string;
        readonly type: "resource" | "stack";
    })[];
}

/** What the pack reported about a plan. */
export interface ProtocolRun {
    readonly violations: Violation[];
    /** Why policies did not apply (resource policies per resource, stack policies once). */
    readonly notApplicable: { policy: string; urn?: string; reason: string }[];
}

export interface PackOptions {
    /** Defaults to the project's policies/ directory. */
    readonly packDirectory?: string;
    /** The stack the pack is told it runs for. Defaults to `picluster`. */
    readonly stack?: string;
    /** How long the pack may run, and each call may take. Defaults to 120 s. */
    readonly timeoutMs?: number;
}

export interface AnalyzeOptions {
    /** The user's config, as `--policy-pack-config` would pass it. */
    readonly config?: PolicyPackConfig;
    /**
     * The order AnalyzeStack lists the resources in. The engine takes them from a concurrent map,
     * in no set order; defaults to registration order.
     */
    readonly stackOrder?: (resources: PlannedResource[]) => PlannedResource[];
}

type Unary<Req, Res> = (
    request: Req,
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

/** The language host's command line and environment for a Node policy pack. */
export function packCommand(packDirectory: string, engineAddress: string, stack: string) {
    const runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", {
        paths: [packDirectory],
    });
    // pulumi-language-nodejs RunPlugin and its PolicyProxy (sdk/policy_proxy.go) set these.
    const env = childEnvironment({
        PULUMI_NODEJS_TYPESCRIPT: "true",
        PULUMI_NODEJS_ORGANIZATION: ORGANIZATION,
        PULUMI_NODEJS_PROJECT: PROJECT,
        PULUMI_NODEJS_STACK: stack,
        PULUMI_NODEJS_DRY_RUN: "true",
        PULUMI_CONFIG: "{}",
    });
    return { command: process.execPath, args: [runPath, engineAddress, packDirectory], env };
}

/** Starts the pack and resolves once it has printed the port it serves on. */
async function startPack(options: PackOptions) {
    const packDirectory = path.resolve(options.packDirectory ?? PACK_DIRECTORY);
    const timeoutMs = options.timeoutMs ?? 120_000;
    // The pack never calls the engine back; the address only has to be well-formed.
    const { command, args, env } = packCommand(
        packDirectory,
        "127.0.0.1:0",
        options.stack ?? "picluster",
    );
    const child = startChild(command, args, { cwd: packDirectory, env, timeoutMs, stdout: true });
    try {
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            child.process.stdout!.on("data", (chunk: Buffer) => {
                stdout += chunk.toString("utf8");
                const newline = stdout.indexOf("\n");
                if (newline >= 0) {
                    const line = stdout.slice(0, newline).trim();
                    return /^\d+$/.test(line)
                        ? resolve(Number(line))
                        : reject(new Error(`the pack printed ${JSON.stringify(line)}, not a port`));
                }
            });
            child.closed.then(
                (code) =>
                    reject(
                        new Error(
                            `the pack exited (${child.timedOut() ? "timed out" : `code ${code}`}) before it printed its port\n${child.stderr()}`.trim(),
                        ),
                    ),
                reject,
            );
        });
        const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
            "grpc.max_send_message_length": 400 * 1024 * 1024,
        });
        return { child, client, timeoutMs };
    } catch (error) {
        child.kill();
        throw error;
    }
}

function struct(value: unknown): Struct {
    return Struct.fromJavaScript(wireValue(value) as Record<string, never>);
}

/** The engine's resources: the plan's, under the root Stack the plan leaves out. */
function engineResources(plan: Plan): PlannedResource[] {
    const stackUrn = `urn:pulumi:${plan.stack}::${PROJECT}::${STACK_TYPE}::${PROJECT}-${plan.stack}`;
    const root: PlannedResource = {
        urn: stackUrn,
        type: STACK_TYPE,
        name: `${PROJECT}-${plan.stack}`,
        parent: null,
        dependsOn: [],
        inputs: {},
        custom: false,
        options: {
            protect: false,
            retainOnDelete: false,
            import: null,
            ignoreChanges: [],
            provider: null,
        },
    };
    return [root, ...plan.resources.map((r) => ({ ...r, parent: r.parent ?? stackUrn }))];
}

function optionsMessage(resource: PlannedResource): analyzer.AnalyzerResourceOptions {
    const options = new analyzer.AnalyzerResourceOptions();
    options.setProtect(resource.options.protect);
    options.setIgnorechangesList(resource.options.ignoreChanges);
    options.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
    options.setParent(resource.parent ?? "");
    return options;
}

function providerMessage(
    byUrn: ReadonlyMap<string, PlannedResource>,
    resource: PlannedResource,
): analyzer.AnalyzerProviderResource | undefined {
    // A provider reference is `<urn>::<id>`.
    const reference = resource.options.provider;
    const provider = reference && byUrn.get(reference.slice(0, reference.lastIndexOf("::")));
    if (!provider) {
        return undefined;
    }
    const message = new analyzer.AnalyzerProviderResource();
    message.setUrn(provider.urn);
    message.setType(provider.type);
    message.setName(provider.name);
    message.setProperties(struct(provider.inputs));
    return message;
}

/** What Analyze and AnalyzeStack both say of a resource. */
function describe<M extends analyzer.AnalyzeRequest | analyzer.AnalyzerResource>(
    message: M,
    byUrn: ReadonlyMap<string, PlannedResource>,
    resource: PlannedResource,
): M {
    message.setUrn(resource.urn);
    message.setType(resource.type);
    message.setName(resource.name);
    // Analyze sees inputs and AnalyzeStack outputs; the plan's outputs echo its inputs.
    message.setProperties(struct(resource.inputs));
    message.setOptions(optionsMessage(resource));
    const provider = providerMessage(byUrn, resource);
    if (provider) {
        message.setProvider(provider);
    }
    return message;
}

function analyzeStackRequest(
    byUrn: ReadonlyMap<string, PlannedResource>,
    resources: PlannedResource[],
): analyzer.AnalyzeStackRequest {
    const request = new analyzer.AnalyzeStackRequest();
    request.setResourcesList(
        resources.map((resource) => {
            const message = describe(new analyzer.AnalyzerResource(), byUrn, resource);
            message.setParent(resource.parent ?? "");
            message.setDependenciesList(resource.dependsOn);
            return message;
        }),
    );
    return request;
}

function configureRequest(
    config: ReadonlyMap<string, ResolvedConfig>,
): analyzer.ConfigureAnalyzerRequest {
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const [name, resolved] of config) {
        const policyConfig = new analyzer.PolicyConfig();
        policyConfig.setEnforcementlevel(LEVEL_CODES[resolved.enforcementLevel]);
        policyConfig.setProperties(Struct.fromJavaScript(resolved.properties as never));
        request.getPolicyconfigMap().set(name, policyConfig);
    }
    return request;
}

function packInfo(info: analyzer.AnalyzerInfo, plugin: PluginInfo): PackInfo {
    return {
        name: info.getName(),
        version: info.getVersion(),
        pluginVersion: plugin.getVersion(),
        policies: info.getPoliciesList().map((policy) => {
            const schema = policy.getConfigschema();
            return {
                name: policy.getName(),
                description: policy.getDescription(),
                type:
                    policy.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_STACK
                        ? "stack"
                        : "resource",
                enforcementLevel: LEVEL_NAMES[policy.getEnforcementlevel()],
                ...(schema && {
                    configSchema: {
                        properties: schema.getProperties()?.toJavaScript() ?? {},
                        required: schema.getRequiredList(),
                    },
                }),
            };
        }),
    };
}

/**
 * A running pack, driven as the engine drives it. One session can analyze several plans: each
 * analysis configures the pack afresh (Configure replaces the whole config).
 */
export class PolicyPackSession {
    private constructor(
        private readonly child: Child,
        private readonly client: AnalyzerClient,
        private readonly timeoutMs: number,
        /** What the pack says about itself. */
        readonly info: PackInfo,
    ) {}

    /** Starts the pack as the CLI does and asks it what it is. Close it when done. */
    static async start(options: PackOptions = {}): Promise<PolicyPackSession> {
        const { child, client, timeoutMs } = await startPack(options);
        const call = <Req, Res>(method: Unary<Req, Res>, request: Req) =>
            callPack(child, client, timeoutMs, method, request);
        try {
            const info = packInfo(
                await call(client.getAnalyzerInfo, new Empty()),
                await call(client.getPluginInfo, new Empty()),
            );
            return new PolicyPackSession(child, client, timeoutMs, info);
        } catch (error) {
            client.close();
            child.kill();
            throw error;
        }
    }

    private call<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
        return callPack(this.child, this.client, this.timeoutMs, method, request);
    }

    /**
     * Runs the pack over a plan and returns what it reported, as the engine would show it: a
     * resource policy's violation belongs to the analyzed resource, and the message is the
     * policy's own (the engine prints the description above it).
     */
    async analyze(plan: Plan, options: AnalyzeOptions = {}): Promise<ProtocolRun> {
        const client = this.client;
        const config = reconcileConfig(this.info.policies, "advisory", options.config);
        await this.call(client.configure, configureRequest(config));
        const descriptions = new Map(this.info.policies.map((p) => [p.name, p.description]));
        const run: ProtocolRun = { violations: [], notApplicable: [] };
        const collect = (response: analyzer.AnalyzeResponse, analyzed?: string) => {
            for (const diagnostic of response.getDiagnosticsList()) {
                const policy = diagnostic.getPolicyname();
                const description = `${descriptions.get(policy)}\n`;
                const message = diagnostic.getMessage();
                const urn = diagnostic.getUrn() || analyzed;
                run.violations.push({
                    code: codeOf(policy),
                    policy,
                    level:
                        diagnostic.getEnforcementlevel() === analyzer.EnforcementLevel.ADVISORY
                            ? "advisory"
                            : "mandatory",
                    ...(urn && { urn }),
                    message: message.startsWith(description)
                        ? message.slice(description.length)
                        : message,
                });
            }
            for (const skipped of response.getNotApplicableList()) {
                run.notApplicable.push({
                    policy: skipped.getPolicyName(),
                    ...(analyzed && { urn: analyzed }),
                    reason: skipped.getReason(),
                });
            }
        };
        const resources = engineResources(plan);
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        for (const resource of resources) {
            const request = describe(new analyzer.AnalyzeRequest(), byUrn, resource);
            const remediation = await this.call(client.remediate, request);
            if (remediation.getRemediationsList().length > 0) {
                throw new Error(`the pack remediated ${resource.urn}, which no policy should do`);
            }
            collect(await this.call(client.analyze, request), resource.urn);
        }
        const ordered = options.stackOrder ? options.stackOrder(resources) : resources;
        collect(await this.call(client.analyzeStack, analyzeStackRequest(byUrn, ordered)));
        return run;
    }

    /** Ends the pack. */
    close(): void {
        this.client.close();
        this.child.kill();
    }
}

/** One unary call, with its own deadline; a failure carries what the pack wrote to stderr. */
function callPack<Req, Res>(
    child: Child,
    client: AnalyzerClient,
    timeoutMs: number,
    method: Unary<Req, Res>,
    request: Req,
): Promise<Res> {
    return new Promise((resolve, reject) =>
        method.call(
            client,
            request,
            new grpc.Metadata(),
            { deadline: Date.now() + timeoutMs },
            (error, response) =>
                error
                    ? reject(new Error(`${error.message}\n${child.stderr()}`.trim()))
                    : resolve(response),
        ),
    );
}

/** Starts the pack, analyzes one plan and ends the pack. */
export async function analyzeOverProtocol(
    plan: Plan,
    options: AnalyzeOptions & PackOptions = {},
): Promise<ProtocolRun> {
    const session = await PolicyPackSession.start({ stack: plan.stack, ...options });
    try {
        return await session.analyze(plan, options);
    } finally {
        session.close();
    }
}
