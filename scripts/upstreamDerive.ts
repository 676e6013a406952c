// What upstream sources accept, read from the sources themselves: the value paths a Helm chart
// reads (values.yaml, values.schema.json, Istio's profiles, and every `.Values` reference in its
// templates), the fields of a CRD's OpenAPI v3 schema per served version, and the fields of
// istiod's MeshConfig from istio/api's protos. A static reading, not a render: it follows
// `.Values` chains, `$`/`$root`, variables, `with`/`range` scopes, `index`/`dig`/`get`/`pick`, and
// `include` calls that pass a Values subtree or a `dict`; keys built at run time (`printf`) show up
// only as a reference to their parent. Ported from the research script that verified the four
// values this project once set for nothing (see policies/upstream/README.md).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
// The data's path syntax is the checks': one definition, in the core.
import { joinKey } from "../policies/core";

type Json = Record<string, any>;

/* ------------------------------------------------------------------ helpers */

function typeOf(v: unknown): string {
    if (v === null || v === undefined) {
        return "null";
    }
    if (Array.isArray(v)) {
        return "array";
    }
    if (typeof v === "number") {
        return Number.isInteger(v) ? "integer" : "number";
    }
    return typeof v;
}

function parseYamlDocs(text: string): any[] {
    return parseAllDocuments(text, { version: "1.1", uniqueKeys: false })
        .map((d) => d.toJS({ maxAliasCount: -1 }))
        .filter((d) => d !== null && d !== undefined);
}

function parseYaml(text: string): any {
    const docs = parseYamlDocs(text);
    return docs.length ? docs[0] : null;
}

function walkFiles(dir: string, pred: (p: string) => boolean, acc: string[] = []): string[] {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            walkFiles(p, pred, acc);
        } else if (pred(p)) {
            acc.push(p);
        }
    }
    return acc.sort();
}

function sortObj<T>(o: Record<string, T>): Record<string, T> {
    const r: Record<string, T> = {};
    for (const k of Object.keys(o).sort()) {
        r[k] = o[k];
    }
    return r;
}

/** A scratch directory, removed by the caller. */
export function scratchDir(prefix: string): string {
    return fs.mkdtempSync(path.join(process.env.UPSTREAM_TMP ?? os.tmpdir(), prefix));
}

/* ------------------------------------------------- values.yaml flattening */

function flattenValues(obj: any, base: string, out: Json, tag: string): void {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
        return;
    }
    for (const [k, v] of Object.entries(obj)) {
        const p = joinKey(base, k);
        const e = (out[p] = out[p] || { in: [] });
        const t = typeOf(v);
        if (!e.type) {
            e.type = t;
        } else if (e.type !== t && t !== "null" && e.type === "null") {
            e.type = t;
        }
        if (!e.in.includes(tag)) {
            e.in.push(tag);
        }
        if (t === "object") {
            flattenValues(v, p, out, tag);
        } else if (t === "array") {
            for (const item of v as unknown[]) {
                if (typeOf(item) === "object") {
                    flattenValues(item, p + "[]", out, tag);
                }
            }
        }
    }
}

/* ------------------------------------------------------------ JSON schema */

function schemaResolver(root: any) {
    return function resolve(node: any, seen = new Set<string>()): any {
        if (!node || typeof node !== "object") {
            return node;
        }
        if (node.$ref && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
            if (seen.has(node.$ref)) {
                return {};
            }
            seen.add(node.$ref);
            let t = root;
            for (const seg of node.$ref.slice(2).split("/")) {
                t = t && t[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
            }
            const rest = { ...node };
            delete rest.$ref;
            return { ...resolve(t, seen), ...rest };
        }
        return node;
    };
}

function schemaType(n: any): string | undefined {
    if (n["x-kubernetes-int-or-string"]) {
        return "int-or-string";
    }
    if (Array.isArray(n.type)) {
        return n.type.join("|");
    }
    if (n.type) {
        return n.type;
    }
    if (n.properties) {
        return "object";
    }
    if (n.items) {
        return "array";
    }
    return undefined;
}

// A sentence that says the field itself is deprecated: one that starts so ("DEPRECATED AFTER
// v2.11: …", "Deprecated: …") or says it is ("This setting is deprecated"). A sentence that only
// mentions another deprecated field ("Either auth or the deprecated accessToken…") does not count.
const DEPRECATION_SENTENCE =
    /^\W*(note:\s*)?(deprecated|deprecation)\b|\b(is|are|has been|was|now) deprecated\b|\bdeprecated (since|after|in) v?\d/i;
// Words that say the deprecated field no longer does anything.
const IGNORED =
    /\bwill be ignored\b|\bis ignored\b|\bis unused\b|\bnot implemented\b|\bno longer (used|supported|read|honou?red|needed)\b|\bhas no effect\b/i;

/** What a description says of a field's deprecation: the sentence, and whether it is ignored. */
export function deprecationOf(
    description: unknown,
): { note: string; ignored: boolean } | undefined {
    if (typeof description !== "string") {
        return undefined;
    }
    const sentences = description
        .replace(/\s+/g, " ")
        .trim()
        .split(/(?<=[.!?])\s+/);
    const index = sentences.findIndex((s) => DEPRECATION_SENTENCE.test(s));
    if (index < 0) {
        return undefined;
    }
    // "DEPRECATED AFTER v2.11: This setting is deprecated and will be ignored." is one sentence;
    // "Deprecated: Region is unused." too. A short sentence after it often names the replacement.
    let note = sentences[index];
    const next = sentences[index + 1];
    if (next && note.length + next.length < 160 && !/^[-*]/.test(next)) {
        note = `${note} ${next}`;
    }
    if (note.length > 200) {
        note = `${note.slice(0, 197)}...`;
    }
    return { note, ignored: IGNORED.test(note) };
}

interface SchemaOptions {
    crd: boolean;
    skipRoot?: string[];
}

/** Walks an OpenAPI v3 / JSON schema node, writing path → facts into `out`. */
function walkSchema(
    nodeIn: any,
    p: string | null,
    out: Json,
    opts: SchemaOptions,
    resolve: (n: any) => any,
    depth = 0,
    requiredHere = false,
): void {
    let node = resolve(nodeIn);
    if (!node || typeof node !== "object" || depth > 60) {
        return;
    }
    const props: Json = { ...(node.properties || {}) };
    const required: string[] = [...(node.required || [])];
    const alts: { anyOf: string[][]; oneOf: string[][] } = { anyOf: [], oneOf: [] };
    for (const k of ["allOf", "anyOf", "oneOf"] as const) {
        for (const sub of node[k] || []) {
            const s = resolve(sub);
            if (!s) {
                continue;
            }
            for (const [pk, pv] of Object.entries(s.properties || {})) {
                if (!(pk in props)) {
                    props[pk] = pv;
                }
            }
            if (k === "allOf") {
                required.push(...(s.required || []));
            }
            if (k !== "allOf" && s.required && s.required.length) {
                alts[k].push(s.required);
            }
            if (!node.type && s.type) {
                node = { ...node, type: node.type || s.type };
            }
            if (!node.items && s.items) {
                node = { ...node, items: s.items };
            }
            if (!node.enum && s.enum) {
                node = { ...node, enum: s.enum };
            }
            if (node.additionalProperties === undefined && s.additionalProperties !== undefined) {
                node = { ...node, additionalProperties: s.additionalProperties };
            }
        }
    }
    if (p !== null) {
        const e = (out[p] = out[p] || {});
        const t = schemaType(node);
        if (t) {
            e.type = t;
        }
        if (node.enum) {
            e.enum = node.enum;
        }
        if (requiredHere) {
            e.required = true;
        }
        if (opts.crd && node.nullable) {
            e.nullable = true;
        }
        if (opts.crd && alts.anyOf.length) {
            e.anyOfRequired = alts.anyOf;
        }
        if (opts.crd && alts.oneOf.length) {
            e.oneOfRequired = alts.oneOf;
        }
        const deprecation = deprecationOf(node.description);
        if (deprecation) {
            e.deprecated = deprecation.note;
            if (deprecation.ignored) {
                e.ignored = true;
            }
        }
        if (node["x-kubernetes-preserve-unknown-fields"]) {
            e.passthrough = true;
        }
        if (node.additionalProperties === false) {
            e.closed = true;
        }
        if (node.additionalProperties === true) {
            e.passthrough = true;
        }
        // An object with no properties: free-form in JSON schema (a values schema), but pruned
        // empty by the API server (a CRD) unless it preserves unknown fields.
        if (
            !Object.keys(props).length &&
            !node.items &&
            !node.additionalProperties &&
            t === "object" &&
            !node["x-kubernetes-preserve-unknown-fields"] &&
            !opts.crd
        ) {
            e.passthrough = true;
        }
    }
    const base = p || "";
    const reqSet = new Set(required);
    for (const [k, sub] of Object.entries(props)) {
        if (opts.skipRoot && p === null && opts.skipRoot.includes(k)) {
            continue;
        }
        walkSchema(sub, joinKey(base, k), out, opts, resolve, depth + 1, reqSet.has(k));
    }
    if (node.additionalProperties && typeof node.additionalProperties === "object") {
        walkSchema(
            node.additionalProperties,
            base ? base + ".*" : "*",
            out,
            opts,
            resolve,
            depth + 1,
        );
    }
    if (node.items && typeof node.items === "object" && !Array.isArray(node.items)) {
        walkSchema(node.items, base + "[]", out, opts, resolve, depth + 1);
    }
}

/* ------------------------------------------------------ Go template scan */

const PASSTHROUGH_FNS = new Set([
    "toYaml",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "toToml",
    "merge",
    "mergeOverwrite",
    "mustMerge",
    "mustMergeOverwrite",
    "deepCopy",
    "mustDeepCopy",
]);

interface Token {
    t: string;
    v?: any;
    head?: string;
    segs?: string[];
}

function tokenize(s: string): Token[] {
    const toks: Token[] = [];
    let i = 0;
    const n = s.length;
    const ident = /[A-Za-z0-9_]/;
    const fieldsFrom = (start: number) => {
        let j = start;
        const segs: string[] = [];
        while (s[j] === "." && /[A-Za-z_]/.test(s[j + 1] || "")) {
            let k = j + 1;
            while (k < n && ident.test(s[k])) {
                k++;
            }
            segs.push(s.slice(j + 1, k));
            j = k;
        }
        return { segs, end: j };
    };
    while (i < n) {
        const c = s[i];
        if (/\s/.test(c)) {
            i++;
            continue;
        }
        if (c === '"') {
            let j = i + 1;
            while (j < n && s[j] !== '"') {
                j += s[j] === "\\" ? 2 : 1;
            }
            let v;
            try {
                v = JSON.parse(s.slice(i, j + 1));
            } catch {
                v = s.slice(i + 1, j);
            }
            toks.push({ t: "str", v });
            i = j + 1;
            continue;
        }
        if (c === "`") {
            const j = s.indexOf("`", i + 1);
            toks.push({ t: "str", v: s.slice(i + 1, j < 0 ? n : j) });
            i = j < 0 ? n : j + 1;
            continue;
        }
        if (c === "'") {
            const j = s.indexOf("'", i + 1);
            toks.push({ t: "num", v: s.slice(i, j + 1) });
            i = j < 0 ? n : j + 1;
            continue;
        }
        if (c === ":" && s[i + 1] === "=") {
            toks.push({ t: "assign", v: ":=" });
            i += 2;
            continue;
        }
        if (c === "=") {
            toks.push({ t: "assign", v: "=" });
            i++;
            continue;
        }
        if ("()|,".includes(c)) {
            if (c === ")" && s[i + 1] === "." && /[A-Za-z_]/.test(s[i + 2] || "")) {
                // A field access on a parenthesised group: (…).a.b
                const { segs, end } = fieldsFrom(i + 1);
                toks.push({ t: ")" });
                toks.push({ t: "fields", segs });
                i = end;
                continue;
            }
            toks.push({ t: c });
            i++;
            continue;
        }
        if (c === "$" || c === ".") {
            let j = i;
            if (c === "$") {
                j++;
                while (j < n && ident.test(s[j])) {
                    j++;
                }
            }
            const head = c === "$" ? s.slice(i, j) : ".";
            const { segs, end } = fieldsFrom(j);
            j = end;
            if (head === "." && s[j] === ".") {
                j++;
            }
            if (head === "." && !segs.length) {
                toks.push({ t: "chain", head: ".", segs: [] });
                i = Math.max(j, i + 1);
                continue;
            }
            toks.push({ t: "chain", head, segs });
            i = j;
            continue;
        }
        if (/[0-9-]/.test(c)) {
            let j = i + 1;
            while (j < n && /[0-9a-fA-FxX._eE+-]/.test(s[j])) {
                j++;
            }
            toks.push({ t: "num", v: s.slice(i, j) });
            i = j;
            continue;
        }
        if (/[A-Za-z_]/.test(c)) {
            let j = i;
            while (j < n && ident.test(s[j])) {
                j++;
            }
            toks.push({ t: "word", v: s.slice(i, j) });
            i = j;
            continue;
        }
        i++;
    }
    return toks;
}

// Contexts: {t:'root'} the chart's root (.Values reachable); {t:'val', p} a Values path ('' is
// .Values itself); {t:'dict', m}; {t:'list', items}; {t:'any', of}; {t:'lit', v}; null unknown.
type Ctx = any;
const ROOT: Ctx = { t: "root" };

function child(ctx: Ctx, seg: string): Ctx {
    if (!ctx) {
        return seg === "Values" ? { t: "val", p: "" } : null;
    }
    if (ctx.t === "any") {
        const of = ctx.of.map((c: Ctx) => child(c, seg)).filter(Boolean);
        return of.length ? { t: "any", of } : null;
    }
    if (ctx.t === "list") {
        return null;
    }
    if (ctx.t === "root") {
        if (seg === "Values") {
            return { t: "val", p: "" };
        }
        return seg === "Root" ? ROOT : null;
    }
    if (ctx.t === "val") {
        return { t: "val", p: joinKey(ctx.p, seg) };
    }
    if (ctx.t === "dict") {
        if (Object.prototype.hasOwnProperty.call(ctx.m, seg)) {
            return ctx.m[seg];
        }
        return seg === "Values" ? { t: "val", p: "" } : null;
    }
    return null;
}

function elemOf(ctx: Ctx): Ctx {
    if (ctx && ctx.t === "val") {
        return { t: "val", p: ctx.p + "[*]" };
    }
    if (ctx && ctx.t === "list") {
        return ctx.items.length ? { t: "any", of: ctx.items } : null;
    }
    if (ctx && ctx.t === "any") {
        const of = ctx.of.map(elemOf).filter(Boolean);
        return of.length ? { t: "any", of } : null;
    }
    return null;
}

interface Env {
    ctx: Ctx;
    dollar: Ctx;
    vars: Record<string, Ctx>;
    parent: Env | null;
}

interface Ref {
    locs: string[];
    flagLocs?: string[];
    passthrough?: boolean;
    iterated?: boolean;
}

interface Operand {
    k: "ctx" | "str" | "num" | "word";
    v: any;
}

class TemplateScanner {
    refs: Record<string, Ref> = {};
    calls: Record<string, Map<string, Ctx>> = {};
    loc = "";

    ref(ctx: Ctx, flag?: "passthrough" | "iterated"): void {
        if (ctx && ctx.t === "any") {
            for (const c of ctx.of) {
                this.ref(c, flag);
            }
            return;
        }
        if (!ctx || ctx.t !== "val") {
            return;
        }
        const e = (this.refs[ctx.p] = this.refs[ctx.p] || { locs: [] });
        if (flag) {
            e[flag] = true;
            e.flagLocs = e.flagLocs || [];
            if (this.loc && !e.flagLocs.includes(this.loc)) {
                e.flagLocs.push(this.loc);
            }
        }
        if (this.loc && e.locs.length < 3 && !e.locs.includes(this.loc)) {
            e.locs.push(this.loc);
        }
    }

    evalPipeline(toks: Token[], env: Env): Ctx {
        const cmds: Token[][] = [];
        let cur: Token[] = [];
        let depth = 0;
        for (const t of toks) {
            if (t.t === "(") {
                depth++;
            }
            if (t.t === ")") {
                depth--;
            }
            if (t.t === "|" && depth === 0) {
                cmds.push(cur);
                cur = [];
                continue;
            }
            cur.push(t);
        }
        cmds.push(cur);
        let piped: Ctx;
        for (const c of cmds) {
            piped = this.evalCommand(c, env, piped);
        }
        return piped;
    }

    operands(toks: Token[], env: Env): Operand[] {
        const ops: Operand[] = [];
        for (let i = 0; i < toks.length; i++) {
            const t = toks[i];
            if (t.t === "(") {
                let d = 1;
                let j = i + 1;
                for (; j < toks.length; j++) {
                    if (toks[j].t === "(") {
                        d++;
                    }
                    if (toks[j].t === ")" && --d === 0) {
                        break;
                    }
                }
                let v = this.evalPipeline(toks.slice(i + 1, j), env);
                i = j;
                if (toks[i + 1] && toks[i + 1].t === "fields") {
                    for (const s of toks[i + 1].segs!) {
                        v = child(v, s);
                    }
                    this.ref(v);
                    i++;
                }
                ops.push({ k: "ctx", v });
            } else if (t.t === "chain") {
                const v = this.resolveChain(t, env);
                this.ref(v);
                ops.push({ k: "ctx", v });
            } else if (t.t === "str") {
                ops.push({ k: "str", v: t.v });
            } else if (t.t === "num") {
                ops.push({ k: "num", v: t.v });
            } else if (t.t === "word") {
                ops.push({ k: "word", v: t.v });
            }
        }
        return ops;
    }

    resolveChain(t: Token, env: Env): Ctx {
        let base;
        if (t.head === ".") {
            base = env.ctx;
        } else if (t.head === "$") {
            base = env.dollar;
        } else {
            base = lookupVar(env, t.head!);
        }
        let v = base;
        for (const s of t.segs!) {
            v = child(v, s);
        }
        return v === undefined ? null : v;
    }

    evalCommand(toks: Token[], env: Env, piped: Ctx): Ctx {
        const ops = this.operands(toks, env);
        if (piped !== undefined) {
            ops.push({ k: "ctx", v: piped });
        }
        if (!ops.length) {
            return null;
        }
        const f = ops[0];
        if (f.k !== "word") {
            return f.k === "ctx" ? f.v : null;
        }
        const args = ops.slice(1);
        const ctxArgs = args.filter(
            (a) => a.k === "ctx" && a.v && ["val", "dict", "any"].includes(a.v.t),
        );
        switch (f.v) {
            case "index":
            case "get":
            case "hasKey": {
                let v = args[0] && args[0].k === "ctx" ? args[0].v : null;
                for (const a of args.slice(1)) {
                    if (a.k === "str") {
                        v = child(v, a.v);
                    } else if (a.k === "ctx" && a.v && a.v.t === "lit") {
                        v = child(v, a.v.v);
                    } else if (a.k === "num") {
                        v = v && v.t === "val" ? { t: "val", p: v.p + "[]" } : null;
                    } else {
                        break;
                    }
                }
                this.ref(v);
                return f.v === "hasKey" ? null : v;
            }
            case "dig": {
                // dig "k1" "k2" … <default> <dict>
                const keys = args
                    .slice(0, -2)
                    .filter((a) => a.k === "str")
                    .map((a) => a.v);
                const last = args[args.length - 1];
                let v = last && last.k === "ctx" ? last.v : null;
                for (const k of keys) {
                    v = child(v, k);
                }
                this.ref(v);
                return v;
            }
            case "default":
            case "coalesce":
            case "deepCopy":
            case "mustDeepCopy":
            case "required":
            case "empty":
            case "quote":
            case "squote":
            case "toString":
                if (PASSTHROUGH_FNS.has(f.v)) {
                    ctxArgs.forEach((a) => this.ref(a.v, "passthrough"));
                }
                if (f.v === "default") {
                    return (ctxArgs[ctxArgs.length - 1] || ctxArgs[0] || { v: null }).v;
                }
                return (ctxArgs[0] || { v: null }).v;
            case "dict": {
                const m: Record<string, Ctx> = {};
                for (let i = 0; i + 1 < args.length; i += 2) {
                    if (args[i].k === "str") {
                        const value = args[i + 1];
                        m[args[i].v] =
                            value.k === "ctx"
                                ? value.v
                                : value.k === "str"
                                  ? { t: "lit", v: value.v }
                                  : null;
                    }
                }
                return { t: "dict", m };
            }
            case "include":
            case "template":
            case "block": {
                const name = args[0] && args[0].k === "str" ? args[0].v : null;
                const arg = args[1] && args[1].k === "ctx" ? args[1].v : null;
                if (name && arg) {
                    const m = (this.calls[name] = this.calls[name] || new Map());
                    m.set(JSON.stringify(arg), arg);
                }
                return null;
            }
            case "list":
            case "tuple": {
                const items = args
                    .filter((a) => a.k === "ctx" && a.v && ["val", "dict", "any"].includes(a.v.t))
                    .map((a) => a.v);
                return items.length ? { t: "list", items } : null;
            }
            case "pick": {
                const base = args[0] && args[0].k === "ctx" ? args[0].v : null;
                const m: Record<string, Ctx> = {};
                for (const a of args.slice(1)) {
                    if (a.k === "str") {
                        m[a.v] = child(base, a.v);
                        this.ref(m[a.v]);
                    }
                }
                return { t: "dict", m };
            }
            case "set":
            case "unset":
            case "printf":
            case "print":
            case "println":
            case "tpl":
            case "eq":
            case "ne":
            case "lt":
            case "le":
            case "gt":
            case "ge":
            case "len":
            case "not":
            case "fail":
            case "kindIs":
            case "typeIs":
            case "semverCompare":
            case "has":
            case "contains":
            case "hasPrefix":
            case "hasSuffix":
            case "fromYaml":
            case "fromJson":
                return null;
            default:
                if (PASSTHROUGH_FNS.has(f.v)) {
                    for (const a of ctxArgs) {
                        this.ref(a.v, "passthrough");
                    }
                    return f.v.startsWith("merge") || f.v.startsWith("mustMerge")
                        ? (ctxArgs[0] || { v: null }).v
                        : null;
                }
                // Value-preserving helpers (omit, trim, indent, b64enc…) stand for their last argument.
                return ctxArgs.length ? ctxArgs[ctxArgs.length - 1].v : null;
        }
    }
}

function lookupVar(env: Env, name: string): Ctx {
    for (let e: Env | null = env; e; e = e.parent) {
        if (e.vars && Object.prototype.hasOwnProperty.call(e.vars, name)) {
            return e.vars[name];
        }
    }
    return null;
}

function setVar(env: Env, name: string, v: Ctx, declare: boolean): void {
    if (!declare) {
        for (let e: Env | null = env; e; e = e.parent) {
            if (e.vars && Object.prototype.hasOwnProperty.call(e.vars, name)) {
                e.vars[name] = v;
                return;
            }
        }
    }
    env.vars[name] = v;
}

function stripComments(text: string): string {
    return text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, (m) => m.replace(/[^\n]/g, " "));
}

interface Action {
    kw: string;
    body: string;
    line: number;
    elses?: number[];
    end?: number;
}

function parseActions(text: string): Action[] {
    const acts: Action[] = [];
    const re = /\{\{(-?)([\s\S]*?)(-?)\}\}/g;
    let m;
    let line = 1;
    let last = 0;
    while ((m = re.exec(text))) {
        for (let i = last; i < m.index; i++) {
            if (text.charCodeAt(i) === 10) {
                line++;
            }
        }
        last = m.index;
        let inner = m[2];
        if (m[1] === "-") {
            inner = inner.replace(/^\s/, "");
        }
        if (m[3] === "-") {
            inner = inner.replace(/\s$/, "");
        }
        inner = inner.trim();
        const kwm = /^(if|else|end|with|range|define|block|template)\b/.exec(inner);
        acts.push({
            kw: kwm ? kwm[1] : "expr",
            body: kwm ? inner.slice(kwm[1].length).trim() : inner,
            line,
        });
    }
    const stack: number[] = [];
    acts.forEach((a, i) => {
        if (["if", "with", "range", "define", "block"].includes(a.kw)) {
            a.elses = [];
            stack.push(i);
        } else if (a.kw === "else") {
            const o = stack[stack.length - 1];
            if (o !== undefined) {
                acts[o].elses!.push(i);
            }
        } else if (a.kw === "end") {
            const o = stack.pop();
            if (o !== undefined) {
                acts[o].end = i;
            }
        }
    });
    acts.forEach((a) => {
        if (a.elses && a.end === undefined) {
            a.end = acts.length;
        }
    });
    return acts;
}

function splitAssign(toks: Token[]) {
    const ai = toks.findIndex((t) => t.t === "assign");
    if (ai < 0) {
        return null;
    }
    const vars = toks
        .slice(0, ai)
        .filter((t) => t.t === "chain" && t.head!.startsWith("$") && !t.segs!.length)
        .map((t) => t.head!);
    if (!vars.length) {
        return null;
    }
    return { vars, declare: toks[ai].v === ":=", rest: toks.slice(ai + 1) };
}

interface TemplateFile {
    name: string;
    text: string;
}

interface ParsedFile {
    name: string;
    acts: Action[];
}

/** Every `.Values` path the templates reference, with what they do with it. */
export function scanTemplateFiles(files: TemplateFile[]): Record<string, Ref> {
    const sc = new TemplateScanner();
    const parsed = files.map((f) => ({ name: f.name, acts: parseActions(stripComments(f.text)) }));
    let defineCtx: Record<string, Ctx[]> = {};
    // `include` passes contexts to `define`s, which may include others: iterate to a fixpoint.
    for (let pass = 0; pass < 4; pass++) {
        sc.calls = {};
        for (const f of parsed) {
            const env: Env = { ctx: ROOT, dollar: ROOT, vars: {}, parent: null };
            processSeq(sc, f, 0, f.acts.length, env, defineCtx);
        }
        const next: Record<string, Ctx[]> = {};
        for (const [n, m] of Object.entries(sc.calls)) {
            next[n] = [...m.values()].slice(0, 500);
        }
        const same = JSON.stringify(next) === JSON.stringify(defineCtx);
        defineCtx = next;
        if (same) {
            break;
        }
    }
    return sc.refs;
}

function processSeq(
    sc: TemplateScanner,
    f: ParsedFile,
    i: number,
    j: number,
    env: Env,
    defineCtx: Record<string, Ctx[]>,
): void {
    for (let k = i; k < j; k++) {
        const a = f.acts[k];
        sc.loc = `${f.name}:${a.line}`;
        if (a.kw === "end" || a.kw === "else") {
            continue;
        }
        if (a.kw === "define" || a.kw === "block") {
            const toks = tokenize(a.body);
            const name = toks[0] && toks[0].t === "str" ? toks[0].v : "";
            let ctxs = defineCtx[name] && defineCtx[name].length ? defineCtx[name] : [null];
            if (a.kw === "block") {
                ctxs = [sc.evalPipeline(toks.slice(1), env)];
            }
            for (const c of ctxs) {
                processSeq(
                    sc,
                    f,
                    k + 1,
                    a.end!,
                    { ctx: c, dollar: c, vars: {}, parent: null },
                    defineCtx,
                );
            }
            k = a.end!;
            continue;
        }
        if (a.kw === "if" || a.kw === "with" || a.kw === "range") {
            const bounds = [k, ...a.elses!, a.end!];
            for (let b = 0; b + 1 < bounds.length; b++) {
                const head = f.acts[bounds[b]];
                sc.loc = `${f.name}:${head.line}`;
                let body = b === 0 ? a.body : head.body;
                let kw: string | null = b === 0 ? a.kw : null;
                if (b > 0) {
                    const m = /^(if|with)\b/.exec(body);
                    kw = m ? m[1] : "else";
                    body = m ? body.slice(m[1].length).trim() : "";
                }
                const scope: Env = { ctx: env.ctx, dollar: env.dollar, vars: {}, parent: env };
                const toks = tokenize(body);
                if (kw === "range") {
                    const asg = splitAssign(toks);
                    const src = sc.evalPipeline(asg ? asg.rest : toks, env);
                    sc.ref(src, "iterated");
                    const el = elemOf(src);
                    scope.ctx = el;
                    if (asg) {
                        if (asg.vars.length === 2) {
                            scope.vars[asg.vars[0]] = null;
                            scope.vars[asg.vars[1]] = el;
                        } else {
                            scope.vars[asg.vars[0]] = el;
                        }
                    }
                } else if (kw === "with") {
                    const asg = splitAssign(toks);
                    const v = sc.evalPipeline(asg ? asg.rest : toks, env);
                    if (asg) {
                        scope.vars[asg.vars[0]] = v;
                    }
                    scope.ctx = v;
                } else if (kw === "if") {
                    const asg = splitAssign(toks);
                    const v = sc.evalPipeline(asg ? asg.rest : toks, env);
                    if (asg) {
                        scope.vars[asg.vars[0]] = v;
                    }
                }
                processSeq(sc, f, bounds[b] + 1, bounds[b + 1], scope, defineCtx);
            }
            k = a.end!;
            continue;
        }
        const toks = tokenize(a.kw === "template" ? `template ${a.body}` : a.body);
        const asg = splitAssign(toks);
        if (asg) {
            setVar(env, asg.vars[0], sc.evalPipeline(asg.rest, env), asg.declare);
        } else {
            sc.evalPipeline(toks, env);
        }
    }
}

/* ------------------------------------------------------------ chart mode */

/** Unpacks a packaged chart; returns its directory and how to remove it. */
export function extractTgz(tgz: string): { dir: string; cleanup: () => void } {
    const dir = scratchDir("chart-");
    execFileSync("tar", ["-xzf", tgz, "-C", dir]);
    const sub = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "Chart.yaml")));
    return {
        dir: sub.length ? path.join(dir, sub[0]) : dir,
        cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}

/** Where the data came from. */
export interface SourceRef {
    readonly repo?: string;
    readonly tag?: string | null;
    readonly rev?: string;
    readonly commit?: string | null;
    readonly path?: string | string[];
    readonly note?: string;
}

/** Every value path a chart directory reads, with what is known of it (the full record). */
export function deriveChart(chartDir: string, source?: SourceRef, versionOverride?: string): Json {
    const chart = parseYaml(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8"));
    const valuesFile = path.join(chartDir, "values.yaml");
    const values =
        parseYaml(fs.existsSync(valuesFile) ? fs.readFileSync(valuesFile, "utf8") : "{}") || {};
    const tplDir = path.join(chartDir, "templates");
    const tplFiles = fs.existsSync(tplDir)
        ? walkFiles(tplDir, (p) => /\.(ya?ml|tpl|txt|json)$/.test(p))
        : [];
    const filesDir = path.join(chartDir, "files");
    const profileFiles = fs.existsSync(filesDir)
        ? walkFiles(filesDir, (p) => /\/profile-[^/]+\.ya?ml$/.test(p))
        : [];
    const runtimeFiles = fs.existsSync(filesDir)
        ? walkFiles(
              filesDir,
              (p) =>
                  !profileFiles.includes(p) &&
                  !/\.(tgz|gz|png|svg|jpg)$/.test(p) &&
                  fs.statSync(p).size < 2e6 &&
                  fs.readFileSync(p, "utf8").includes(".Values"),
          )
        : [];
    const rel = (p: string) => path.relative(chartDir, p);
    const zzz = tplFiles.map((p) => fs.readFileSync(p, "utf8")).join("\n");

    // Istio's layering (templates/zzz_profile.yaml, zzy_descope_legacy.yaml).
    const layering: Json = {};
    const aliases: { from: string; to: string; why: string }[] = [];
    let defaultsRoot = values;
    if (values && Object.prototype.hasOwnProperty.call(values, "_internal_defaults_do_not_set")) {
        layering.internalDefaultsKey = "_internal_defaults_do_not_set";
        defaultsRoot = { ...values._internal_defaults_do_not_set };
        for (const [k, v] of Object.entries(values)) {
            if (k !== "_internal_defaults_do_not_set") {
                defaultsRoot[k] = v;
            }
        }
        const fg = /Flatten globals[^\n]*\n\{\{-\s*if\s+(true|false)\s*\}\}/.exec(zzz);
        if (fg) {
            layering.flattenGlobals = fg[1] === "true";
            if (fg[1] === "true") {
                aliases.push({
                    from: "global.",
                    to: "",
                    why: 'zzz_profile.yaml merges .Values.global over the top level ("Flatten globals")',
                });
            }
        }
        const re = /mustMergeOverwrite \$\.Values \(index \$\.Values "([A-Za-z0-9_]+)"\)/g;
        let m;
        while ((m = re.exec(zzz))) {
            aliases.push({
                from: `${m[1]}.`,
                to: "",
                why: `templates copy .Values.${m[1]} onto the top level (zzy_descope_legacy.yaml)`,
            });
        }
        if (/if \$\.Values\.defaults\s*\}\}\s*\{\{\s*fail/.test(zzz)) {
            layering.forbidden = {
                defaults: "zzz_profile.yaml fails the render if .Values.defaults is set",
            };
        }
        const names = profileFiles.map((p) => path.basename(p).replace(/^profile-|\.ya?ml$/g, ""));
        layering.profiles = names.filter((n) => !/^(compatibility-version|platform)-/.test(n));
        layering.compatibilityVersions = names
            .filter((n) => n.startsWith("compatibility-version-"))
            .map((n) => n.replace(/^compatibility-version-/, ""));
        layering.platforms = names
            .filter((n) => n.startsWith("platform-"))
            .map((n) => n.replace(/^platform-/, ""));
    }

    const paths: Json = {};
    flattenValues(defaultsRoot, "", paths, "values");
    for (const pf of profileFiles) {
        const name = "profile:" + path.basename(pf).replace(/^profile-|\.ya?ml$/g, "");
        const tmp: Json = {};
        flattenValues(parseYaml(fs.readFileSync(pf, "utf8")) || {}, "", tmp, name);
        for (const [p, e] of Object.entries(tmp)) {
            if (paths[p]) {
                if (!paths[p].in.includes("profile")) {
                    paths[p].in.push("profile");
                }
            } else {
                paths[p] = { type: e.type, in: ["profile"] };
            }
        }
    }

    // values.schema.json, which Helm validates the values against before rendering.
    const schemaFile = path.join(chartDir, "values.schema.json");
    let schemaInfo: Json | undefined;
    if (fs.existsSync(schemaFile)) {
        const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
        const sp: Json = {};
        walkSchema(schema, null, sp, { crd: false }, schemaResolver(schema));
        const rootNode = schemaResolver(schema)(schema);
        schemaInfo = {
            file: "values.schema.json",
            rootClosed: rootNode.additionalProperties === false,
        };
        for (const [p, e] of Object.entries(sp)) {
            if (
                p === "_internal_defaults_do_not_set" ||
                p.startsWith("_internal_defaults_do_not_set.")
            ) {
                continue;
            }
            const d = (paths[p] = paths[p] || { in: [] });
            d.in.push("schema");
            if (e.type) {
                d.schemaType = e.type;
            }
            if (e.enum) {
                d.enum = e.enum;
            }
            if (e.closed) {
                d.closed = true;
            }
            if (e.passthrough) {
                d.schemaOpen = true;
            }
            if (e.deprecated) {
                d.deprecated = e.deprecated;
            }
        }
    }

    // The templates, and istiod's injection templates under files/ that istiod renders itself.
    const files = [...tplFiles, ...runtimeFiles].map((p) => ({
        name: rel(p),
        text: fs.readFileSync(p, "utf8"),
    }));
    const refs = scanTemplateFiles(files);
    const runtime = new Set(runtimeFiles.map(rel));
    const refTable: Json = {};
    // istiod: the injector ConfigMap hands its templates .Values.pilot = pick .Values "cni" "env".
    const runtimeAliases: { from: string; to: string }[] = [];
    if (/set \$vals "pilot" \$pilotVals/.test(zzz)) {
        runtimeAliases.push({ from: "pilot.", to: "" });
    }
    if (runtimeAliases.length) {
        layering.runtimeAliases = runtimeAliases.map((a) => ({
            ...a,
            why: 'istiod-injector-configmap.yaml: $vals.pilot = pick .Values "cni" "env"; files/*.yaml read .Values.pilot.X',
        }));
    }
    const fromRuntimeOnly = (r: Ref) =>
        r.locs.length > 0 && r.locs.every((l) => runtime.has(l.split(":")[0]));
    for (const [p0, r] of Object.entries(refs)) {
        let p = p0;
        if (fromRuntimeOnly(r)) {
            for (const a of runtimeAliases) {
                if (p.startsWith(a.from)) {
                    p = a.to + p.slice(a.from.length);
                    break;
                }
            }
        }
        if (p === "") {
            layering.rootPassthrough = r.locs;
            continue;
        }
        if (
            p.startsWith("_internal_defaults_do_not_set") ||
            p === "_original" ||
            p.startsWith("_original.")
        ) {
            continue;
        }
        // Element markers: [*] becomes [] for lists, .* for maps.
        p = p.replace(/\[\*\]/g, (_m, off: number) => {
            const base = p.slice(0, off).replace(/\[\*\]/g, "[]");
            const t = paths[base] && (paths[base].type || paths[base].schemaType);
            return t && String(t).startsWith("object") ? ".*" : "[]";
        });
        p = p.replace(/\[\*\]/g, "[]");
        const d = (paths[p] = paths[p] || { in: [] });
        const tag = fromRuntimeOnly(r) ? "files-template" : "template";
        if (!d.in.includes(tag)) {
            d.in.push(tag);
        }
        // Merges done by Istio's layering plumbing are not reads.
        const plumbing = (l: string) => /^templates\/(zzz_profile|zzy_[^/:]*)\.yaml:/.test(l);
        const realFlag = layering.internalDefaultsKey
            ? (r.flagLocs || []).some((l) => !plumbing(l))
            : true;
        if (r.passthrough && realFlag) {
            d.passthrough = true;
        }
        if (r.iterated && realFlag) {
            d.iterated = true;
        }
        d.refs = [...new Set([...(d.refs || []), ...r.locs])].slice(0, 3);
        refTable[p] = d;
    }
    if (layering.forbidden) {
        for (const k of Object.keys(layering.forbidden)) {
            paths[k] = paths[k] || { in: [] };
            paths[k].forbidden = true;
        }
    }
    if (layering.profiles) {
        for (const [k, list] of [
            ["profile", layering.profiles],
            ["compatibilityVersion", layering.compatibilityVersions],
            ["platform", layering.platforms],
        ]) {
            for (const p of [k, `global.${k}`]) {
                if (paths[p]) {
                    paths[p].enum = paths[p].enum || list;
                }
            }
        }
    }

    // Whether anything reads a path: a reference to it, to something under it, or to a
    // passthrough or iterated ancestor, after the chart's aliases.
    const refKeys = Object.keys(refTable);
    const openRefs = refKeys.filter((p) => refTable[p].passthrough || refTable[p].iterated);
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const wild = (p: string) => p.split(".*").map(esc).join('\\.(?:[^.\\[]+|\\[".*?"\\])');
    const covered = (p: string) => {
        if (refTable[p]) {
            return true;
        }
        if (refKeys.some((r) => r.startsWith(p + ".") || r.startsWith(p + "["))) {
            return true;
        }
        if (p.includes(".*")) {
            const re = new RegExp("^" + wild(p) + "($|[.\\[])");
            if (refKeys.some((r) => re.test(r))) {
                return true;
            }
        }
        return openRefs.some((r) => p.startsWith(r + ".") || p.startsWith(r + "["));
    };
    for (const [p, d] of Object.entries(paths) as [string, Json][]) {
        let read = covered(p);
        let via: string | undefined;
        if (!read) {
            for (const a of aliases) {
                if (p.startsWith(a.from) && covered(a.to + p.slice(a.from.length))) {
                    read = true;
                    via = a.to + p.slice(a.from.length);
                    break;
                }
            }
        }
        d.read = read;
        if (via) {
            d.readAs = via;
        }
        if (!d.type && d.schemaType) {
            d.type = d.schemaType;
        }
        if (d.type === d.schemaType) {
            delete d.schemaType;
        }
        if (!d.type) {
            d.type = "any";
        }
    }
    return {
        chart: chart.name,
        version: versionOverride || String(chart.version),
        appVersion: chart.appVersion !== undefined ? String(chart.appVersion) : undefined,
        source,
        layering: Object.keys(layering).length ? layering : undefined,
        aliases: aliases.length ? aliases : undefined,
        schema: schemaInfo,
        paths: sortObj(paths),
    };
}

/* -------------------------------------------------------------- CRD mode */

export interface CrdOptions {
    kind?: string;
    group?: string;
    withStatus?: boolean;
}

/** The fields of each version of the CRDs in a file or directory (the full records). */
export function deriveCrd(file: string, opts: CrdOptions, source?: SourceRef): Json[] {
    const files = fs.statSync(file).isDirectory()
        ? walkFiles(file, (p) => /\.ya?ml$/.test(p))
        : [file];
    const results: Json[] = [];
    for (const f of files) {
        for (const doc of parseYamlDocs(fs.readFileSync(f, "utf8"))) {
            const items = doc && doc.kind === "List" ? doc.items : [doc];
            for (const d of items) {
                if (!d || d.kind !== "CustomResourceDefinition") {
                    continue;
                }
                if (opts.kind && d.spec.names.kind !== opts.kind) {
                    continue;
                }
                if (opts.group && d.spec.group !== opts.group) {
                    continue;
                }
                const versions: Json = {};
                for (const v of d.spec.versions || []) {
                    const sch =
                        (v.schema && v.schema.openAPIV3Schema) ||
                        (d.spec.validation && d.spec.validation.openAPIV3Schema) ||
                        {};
                    const out: Json = {};
                    const skip = ["apiVersion", "kind", "metadata"];
                    if (!opts.withStatus) {
                        skip.push("status");
                    }
                    walkSchema(sch, null, out, { crd: true, skipRoot: skip }, schemaResolver(sch));
                    const rootVals = sch["x-kubernetes-validations"];
                    versions[v.name] = {
                        served: v.served,
                        storage: v.storage,
                        deprecated: v.deprecated || undefined,
                        rootValidations:
                            rootVals && rootVals.length
                                ? rootVals.map((x: Json) => x.message || `rule: ${x.rule}`)
                                : undefined,
                        rootPassthrough: sch["x-kubernetes-preserve-unknown-fields"] || undefined,
                        paths: sortObj(out),
                    };
                }
                results.push({
                    kind: d.spec.names.kind,
                    group: d.spec.group,
                    scope: d.spec.scope,
                    source,
                    versions,
                });
            }
        }
    }
    return results;
}

/* ------------------------------------------------------- MeshConfig mode */

interface ProtoField {
    name: string;
    repeated: boolean;
    map: { key: string; value: string } | null;
    type: string | null;
    oneof?: string;
    jsonName: string;
    deprecated?: string;
    scope: string;
}

interface ProtoFile {
    pkg: string;
    imports: string[];
    messages: Record<string, { fields: ProtoField[] }>;
    enums: Record<string, string[]>;
}

function lowerCamel(s: string): string {
    return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The messages and enums of a .proto file, with its imports. */
export function parseProtoFile(text: string): ProtoFile {
    const src = text.replace(/\r/g, "");
    const res: ProtoFile = { pkg: "", imports: [], messages: {}, enums: {} };
    const pm = /^\s*package\s+([\w.]+)\s*;/m.exec(src);
    if (pm) {
        res.pkg = pm[1];
    }
    let m;
    const ire = /^\s*import\s+(?:public\s+)?"([^"]+)"\s*;/gm;
    while ((m = ire.exec(src))) {
        res.imports.push(m[1]);
    }
    const stack: { type: string; name?: string }[] = [];
    let pendingComment: string[] = [];
    let inBlockComment = false;
    const scopeName = (types: string[]) =>
        [res.pkg, ...stack.filter((s) => types.includes(s.type)).map((s) => s.name ?? "")]
            .filter(Boolean)
            .join(".");
    for (const raw of src.split("\n")) {
        let line = raw;
        if (inBlockComment) {
            const e = line.indexOf("*/");
            pendingComment.push(line);
            if (e < 0) {
                continue;
            }
            line = line.slice(e + 2);
            inBlockComment = false;
        }
        const cm = line.indexOf("//");
        if (cm >= 0) {
            pendingComment.push(line.slice(cm + 2));
            line = line.slice(0, cm);
        }
        const bs = line.indexOf("/*");
        if (bs >= 0) {
            const be = line.indexOf("*/", bs);
            if (be < 0) {
                inBlockComment = true;
                pendingComment.push(line.slice(bs));
                line = line.slice(0, bs);
            } else {
                line = line.slice(0, bs) + line.slice(be + 2);
            }
        }
        const t = line.trim();
        if (!t) {
            if (cm < 0 && bs < 0) {
                pendingComment = [];
            }
            continue;
        }
        let mm;
        if ((mm = /^message\s+(\w+)\s*\{/.exec(t))) {
            stack.push({ type: "message", name: mm[1] });
            res.messages[scopeName(["message", "enum"])] = { fields: [] };
            pendingComment = [];
            if (/\}\s*$/.test(t.slice(mm[0].length))) {
                stack.pop();
            }
            continue;
        }
        if ((mm = /^enum\s+(\w+)\s*\{/.exec(t))) {
            stack.push({ type: "enum", name: mm[1] });
            res.enums[scopeName(["message", "enum"])] = [];
            pendingComment = [];
            continue;
        }
        if ((mm = /^oneof\s+(\w+)\s*\{/.exec(t))) {
            stack.push({ type: "oneof", name: mm[1] });
            pendingComment = [];
            continue;
        }
        if (/^(service|extend)\b.*\{/.test(t)) {
            stack.push({ type: "other" });
            continue;
        }
        if (t.startsWith("}")) {
            stack.pop();
            pendingComment = [];
            continue;
        }
        const top = stack[stack.length - 1];
        if (!top) {
            pendingComment = [];
            continue;
        }
        if (top.type === "enum") {
            if ((mm = /^(\w+)\s*=\s*(-?\d+)/.exec(t)) && !/^(option|reserved)\b/.test(t)) {
                res.enums[scopeName(["message", "enum"])].push(mm[1]);
            }
            pendingComment = [];
            continue;
        }
        if (top.type === "message" || top.type === "oneof") {
            const fm =
                /^(?:(repeated|optional)\s+)?(map\s*<\s*([\w.]+)\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)\s*(\[[^\]]*\])?\s*;/.exec(
                    t,
                );
            if (fm && !/^(option|reserved|extensions)\b/.test(t)) {
                const msgName = scopeName(["message"]);
                const options = fm[7] || "";
                const jn = /json_name\s*=\s*"([^"]+)"/.exec(options);
                const comment = pendingComment.join(" ");
                const deprecation = deprecationOf(comment);
                res.messages[msgName].fields.push({
                    name: fm[5],
                    repeated: fm[1] === "repeated",
                    map: fm[3] ? { key: fm[3], value: fm[4] } : null,
                    type: fm[3] ? null : fm[2],
                    oneof: top.type === "oneof" ? top.name : undefined,
                    jsonName: jn ? jn[1] : lowerCamel(fm[5]),
                    deprecated: /deprecated\s*=\s*true/.test(options)
                        ? (deprecation?.note ?? "deprecated = true in the proto")
                        : deprecation?.note,
                    scope: msgName,
                });
                pendingComment = [];
                continue;
            }
        }
        pendingComment = [];
    }
    return res;
}

const WELL_KNOWN: Record<string, string> = {
    "google.protobuf.Duration": "duration",
    "google.protobuf.Timestamp": "timestamp",
    "google.protobuf.Struct": "object",
    "google.protobuf.Value": "any",
    "google.protobuf.Any": "object",
    "google.protobuf.BoolValue": "boolean",
    "google.protobuf.StringValue": "string",
    "google.protobuf.Int32Value": "integer",
    "google.protobuf.UInt32Value": "integer",
    "google.protobuf.Int64Value": "integer",
    "google.protobuf.UInt64Value": "integer",
    "google.protobuf.DoubleValue": "number",
    "google.protobuf.FloatValue": "number",
    "google.protobuf.Empty": "object",
};
const SCALAR: Record<string, string> = {
    string: "string",
    bool: "boolean",
    bytes: "string",
    double: "number",
    float: "number",
    int32: "integer",
    int64: "integer",
    uint32: "integer",
    uint64: "integer",
    sint32: "integer",
    sint64: "integer",
    fixed32: "integer",
    fixed64: "integer",
    sfixed32: "integer",
    sfixed64: "integer",
};

/** Every field of istio.mesh.v1alpha1.MeshConfig (expanded), from an istio/api tree. */
export function deriveMeshConfig(
    apiRoot: string,
    source?: SourceRef,
    entry = "mesh/v1alpha1/config.proto",
    rootMsg = "istio.mesh.v1alpha1.MeshConfig",
): Json {
    const loaded: Record<string, boolean> = {};
    const messages: ProtoFile["messages"] = {};
    const enums: ProtoFile["enums"] = {};
    const load = (relative: string) => {
        if (relative in loaded) {
            return;
        }
        const f = path.join(apiRoot, relative);
        loaded[relative] = fs.existsSync(f);
        if (!loaded[relative]) {
            return;
        }
        const r = parseProtoFile(fs.readFileSync(f, "utf8"));
        Object.assign(messages, r.messages);
        Object.assign(enums, r.enums);
        r.imports.forEach(load);
    };
    load(entry);
    const resolveType = (nameIn: string, scope: string) => {
        const name = nameIn.startsWith(".") ? nameIn.slice(1) : nameIn;
        if (WELL_KNOWN[name]) {
            return { known: WELL_KNOWN[name] };
        }
        if (SCALAR[name]) {
            return { known: SCALAR[name] };
        }
        const parts = scope.split(".");
        for (let i = parts.length; i >= 0; i--) {
            const cand = [...parts.slice(0, i), name].join(".");
            if (messages[cand]) {
                return { msg: cand };
            }
            if (enums[cand]) {
                return { enumName: cand };
            }
        }
        return { known: "any" };
    };
    const out: Json = {};
    const walk = (msgName: string, base: string, seen: string[], depth: number) => {
        const msg = messages[msgName];
        if (!msg || depth > 12) {
            return;
        }
        for (const f of msg.fields) {
            const key = joinKey(base, f.jsonName);
            const e: Json = {};
            if (f.name !== f.jsonName) {
                e.protoName = f.name;
            }
            let next: string | undefined;
            let suffix = "";
            if (f.map) {
                e.type = "map";
                const v = resolveType(f.map.value, f.scope);
                if (v.msg) {
                    next = v.msg;
                    suffix = ".*";
                } else if (v.enumName) {
                    e.values = "enum";
                    e.enum = enums[v.enumName];
                } else {
                    e.values = v.known;
                }
            } else {
                const r = resolveType(f.type!, f.scope);
                e.type = r.known ?? (r.enumName ? "enum" : "object");
                if (r.msg) {
                    next = r.msg;
                }
                if (r.enumName) {
                    e.enum = enums[r.enumName];
                }
                if (f.repeated) {
                    e.items = e.type;
                    e.type = "array";
                    suffix = "[]";
                }
            }
            if (f.oneof) {
                e.oneof = f.oneof;
            }
            if (/^\.?google\.protobuf\.(Struct|Any|Value)$/.test(f.map ? f.map.value : f.type!)) {
                // Free-form: any keys below are accepted.
                e.passthrough = true;
            }
            if (f.deprecated) {
                e.deprecated = f.deprecated;
            }
            out[key] = e;
            if (next && !seen.includes(next)) {
                walk(next, key + suffix, [...seen, next], depth + 1);
            } else if (next) {
                // A message that contains itself: anything below is accepted unchecked.
                e.passthrough = true;
            }
        }
    };
    walk(rootMsg, "", [rootMsg], 0);
    return {
        message: rootMsg,
        source,
        protoFilesMissing: Object.keys(loaded).filter((k) => !loaded[k]),
        paths: out,
    };
}
