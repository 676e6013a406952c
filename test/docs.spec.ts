// The docs: the generated sections and files match what the code generates today, the README
// stays short, every link leads to a file (and heading) inside the repository, and every stack
// file names the JSON Schema editors check it with.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT, sections, secretKeys } from "../config/schema";
import { PROJECT_ROOT } from "../harness/stack";
import { FILES, SECTIONS } from "../scripts/docsSections";
import { sectionBody, sectionOf, withSection } from "../scripts/sections";
import { schemaModeline, STACK_SCHEMA_FILE, stackFileJsonSchema } from "../scripts/stackSchema";

const README_LIMIT = 250;

/** README.md and every page under docs/, as paths from the project root. */
function markdownFiles(): string[] {
    const docs = fs
        .readdirSync(path.join(PROJECT_ROOT, "docs"))
        .filter((name) => name.endsWith(".md"))
        .map((name) => `docs/${name}`);
    return ["README.md", ...docs.sort()];
}

/** The text outside fenced code blocks, where Markdown links are links. */
function prose(text: string): string {
    return text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

/** Every link target of a Markdown text: inline links and reference definitions. */
function linkTargets(text: string): string[] {
    const body = prose(text);
    const inline = [...body.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
    const references = [...body.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]);
    return [...inline, ...references];
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

function anchorsOf(text: string): Set<string> {
    return new Set([...prose(text).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1])));
}

/** What is wrong with one link of a file, or undefined when it leads somewhere that exists. */
function brokenLink(file: string, target: string): string | undefined {
    if (/^https?:\/\//.test(target) || target.startsWith("mailto:")) {
        return undefined;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("/")) {
        return `${file}: ${target} is not a path inside the repository`;
    }
    const [relative, anchor] = target.split("#");
    const resolved = relative === "" ? file : path.posix.join(path.posix.dirname(file), relative);
    if (resolved.startsWith("../") || path.posix.isAbsolute(resolved)) {
        return `${file}: ${target} leads outside the repository`;
    }
    const absolute = path.join(PROJECT_ROOT, resolved);
    if (!fs.existsSync(absolute)) {
        return `${file}: ${target} does not exist`;
    }
    if (anchor !== undefined && resolved.endsWith(".md")) {
        if (!anchorsOf(fs.readFileSync(absolute, "utf8")).has(anchor)) {
            return `${file}: ${target} names no heading of ${resolved}`;
        }
    }
    return undefined;
}

describe("the generated docs", () => {
    for (const section of SECTIONS) {
        it(`keep ${section.file}'s ${section.name} section current (npm run docs)`, () => {
            const text = fs.readFileSync(path.join(PROJECT_ROOT, section.file), "utf8");
            expect(
                sectionOf(text, section.name),
                `${section.file} is stale: run npm run docs`,
            ).to.equal(sectionBody(section.render()));
        });
    }

    for (const generated of FILES) {
        it(`keep ${generated.file} current (npm run docs)`, () => {
            expect(
                fs.readFileSync(path.join(PROJECT_ROOT, generated.file), "utf8"),
                `${generated.file} is stale: run npm run docs`,
            ).to.equal(generated.render());
        });
    }

    it("replace only the text between a section's markers", () => {
        const text =
            "# Title\n\n<!-- generated:rules:start -->\nold\n<!-- generated:rules:end -->\n\nafter\n";
        expect(withSection(text, "rules", "new")).to.equal(
            "# Title\n\n<!-- generated:rules:start -->\n<!-- prettier-ignore-start -->\nnew\n<!-- prettier-ignore-end -->\n<!-- generated:rules:end -->\n\nafter\n",
        );
    });
});

describe("the docs", () => {
    it(`keep the README to at most ${README_LIMIT} lines`, () => {
        const lines = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8").split("\n");
        expect(lines.length, "README.md: move detail to docs/").to.be.at.most(README_LIMIT);
    });

    it("link only to files and headings inside the repository", () => {
        const broken = markdownFiles().flatMap((file) =>
            linkTargets(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"))
                .map((target) => brokenLink(file, target))
                .filter((problem): problem is string => problem !== undefined),
        );
        expect(broken).to.deep.equal([]);
    });

    it("find a broken link, a link out of the repository and a missing heading", () => {
        expect(brokenLink("docs/a.md", "../README.md")).to.equal(undefined);
        expect(brokenLink("docs/a.md", "../../shared/notes.md")).to.equal(
            "docs/a.md: ../../shared/notes.md leads outside the repository",
        );
        expect(brokenLink("README.md", "docs/missing.md")).to.equal(
            "README.md: docs/missing.md does not exist",
        );
        expect(brokenLink("README.md", "docs/operations.md#no-such-heading")).to.equal(
            "README.md: docs/operations.md#no-such-heading names no heading of docs/operations.md",
        );
        expect(brokenLink("README.md", "file:///etc/passwd")).to.equal(
            "README.md: file:///etc/passwd is not a path inside the repository",
        );
        expect(anchorOf("What `pulumi destroy` never does")).to.equal(
            "what-pulumi-destroy-never-does",
        );
    });
});

describe("the stack files' JSON Schema", () => {
    /** Every stack settings file of the repository, as paths from the project root. */
    const stackFiles = [
        ...fs.readdirSync(PROJECT_ROOT).filter((name) => /^Pulumi\.[^.]+\.yaml$/.test(name)),
        ...fs
            .readdirSync(path.join(PROJECT_ROOT, "test", "fixtures", "stacks"))
            .map((name) => `test/fixtures/stacks/${name}`),
    ];

    it("is named in the first line of every stack file, by a path that leads to it", () => {
        expect(stackFiles).to.include.members(["Pulumi.dev.yaml", "Pulumi.picluster.yaml"]);
        for (const file of stackFiles) {
            const [first] = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8").split("\n");
            const schemaPath = path.posix.relative(path.posix.dirname(file), STACK_SCHEMA_FILE);
            expect(first, file).to.equal(schemaModeline(schemaPath));
        }
    });

    it("has a key for every config section and secret key, and requires only the domain", () => {
        const config = stackFileJsonSchema().properties.config;
        expect(Object.keys(config.properties)).to.deep.equal([
            ...Object.keys(sections).map((key) => `${PROJECT}:${key}`),
            ...secretKeys.map((key) => `${PROJECT}:${key}`),
        ]);
        // Drawn from the schema's input: a key with a default may be left out.
        expect(config.required).to.deep.equal([`${PROJECT}:domain`]);
        expect(config.additionalProperties).to.equal(false);
        expect(config.properties[`${PROJECT}:cilium`].properties.mode).to.deep.include({
            default: "unmanaged",
            enum: ["unmanaged", "adopt", "managed"],
        });
    });
});
