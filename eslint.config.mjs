// ESLint flat config: typescript-eslint's recommended rules plus Pulumi's Output checks, which
// need type information (an Output in a template literal prints "Calling [toString] on an Output").
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "policies/node_modules/", "bin/", "**/*.js", "**/*.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "@typescript-eslint/no-require-imports": "off",
            curly: "error",
        },
    },
    // Outputs exist only where resources are built; type information (the costly part of a lint
    // run) is loaded for those files alone.
    {
        files: ["index.ts", "components/**/*.ts", "program/**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
);
